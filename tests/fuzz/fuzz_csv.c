/* libFuzzer harness for the CSV import (core/xf_csv.h): any bytes go through the
 * charset detection and conversion, the RFC 4180 parser and the checks of both the unit
 * and the staff file against a small unit tree, under ASan/UBSan/LeakSanitizer. It also
 * checks what the module promises:
 * - decoded text and every parsed field are valid UTF-8, and the report serialises
 *   (jansson refuses invalid UTF-8), with "ok" exactly when there is no problem;
 * - every problem names a line of the input (or 0 for the file);
 * - a clean unit file only refers to parents that exist or come on earlier rows;
 * - writing the parsed records back with every field quoted and parsing that again
 *   gives the same records (the parser and RFC 4180 quoting agree).
 * Seeds: tests/fuzz/seeds/fuzz_csv/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/xf_csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const xf_csv_unit units[] = {
    {1, 0, "本矿", "mine"}, {2, 1, "保卫科", "department"}, {3, 1, "综采一队", "team"},
    {4, 3, "一班", "team"}, {5, 2, "一班", "other"},
};

static size_t count_lines(const uint8_t *data, size_t size)
{
	size_t lines = 1;
	for (size_t i = 0; i < size; i++)
		lines +=
		    data[i] == '\n' || (data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n'));
	return lines;
}

static void check_report(const xf_import *imp, size_t lines)
{
	json_t *report = xf_import_report_json(imp);
	if (!report)
		abort();
	if (json_is_true(json_object_get(report, "ok")) !=
	    (xf_csv_problem_count(&imp->problems) == 0))
		abort();
	json_decref(report);
	for (size_t i = 0; i < imp->problems.n; i++)
		if (imp->problems.items[i].line > lines ||
		    !xf_utf8_valid(imp->problems.items[i].message,
		                   strlen(imp->problems.items[i].message)))
			abort();
}

static void check_units(const xf_import *imp)
{
	if (xf_csv_problem_count(&imp->problems) || !imp->unit_rows)
		return;
	size_t counted = 0;
	for (size_t i = 0; i < imp->n_rows; i++) {
		const xf_unit_row *r = &imp->unit_rows[i];
		if (r->bad || !r->name[0] || strchr(r->name, '/'))
			abort();
		if (r->parent_id < 0 && (size_t)(-r->parent_id - 1) >= i)
			abort(); /* a parent made by a later row */
		if (r->parent_id < 0 &&
		    imp->unit_rows[-r->parent_id - 1].action != XF_IMPORT_CREATE)
			abort();
		counted++;
	}
	if (counted != imp->created + imp->updated + imp->unchanged)
		abort();
}

/* Writes the records back as CSV, every field quoted, and parses them again. */
static void check_round_trip(const xf_csv_table *t)
{
	xf_buf out = XF_BUF_INIT;
	for (size_t r = 0; r < t->n_records; r++) {
		for (size_t f = 0; f < t->records[r].n_fields; f++) {
			xf_buf_puts(&out, f ? ",\"" : "\"");
			for (const char *p = t->records[r].fields[f]; *p; p++)
				xf_buf_append(&out, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
			xf_buf_puts(&out, "\"");
		}
		xf_buf_puts(&out, "\r\n");
	}
	xf_csv_table again;
	xf_csv_problems problems = {0};
	xf_csv_table_init(&again);
	if (xf_csv_parse(out.data ? out.data : "", out.len, &again, &problems) != XF_OK)
		abort();
	/* records that were one empty field are blank lines now, and are skipped */
	size_t a = 0;
	for (size_t r = 0; r < t->n_records; r++) {
		const xf_csv_record *x = &t->records[r];
		if (x->n_fields == 1 && !x->fields[0][0]) {
			if (a < again.n_records && again.records[a].n_fields == 1 &&
			    !again.records[a].fields[0][0])
				a++; /* "" quoted is kept as a record */
			continue;
		}
		if (a >= again.n_records || again.records[a].n_fields != x->n_fields)
			abort();
		for (size_t f = 0; f < x->n_fields; f++)
			if (strcmp(again.records[a].fields[f], x->fields[f]) != 0)
				abort();
		a++;
	}
	if (a != again.n_records)
		abort();
	xf_csv_table_release(&again);
	xf_csv_problems_release(&problems);
	xf_buf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *bytes = (const char *)data;
	size_t lines = count_lines(data, size);

	/* decoding and parsing on their own */
	xf_buf text = XF_BUF_INIT;
	xf_csv_problems problems = {0};
	xf_csv_encoding encoding;
	if (xf_csv_decode(bytes, size, &text, &encoding, &problems) == XF_OK) {
		if (problems.n || !xf_utf8_valid(text.data ? text.data : "", text.len))
			abort();
		xf_csv_table t;
		xf_csv_table_init(&t);
		int rc = xf_csv_parse(text.data ? text.data : "", text.len, &t, &problems);
		for (size_t r = 0; r < t.n_records; r++) {
			if (t.records[r].n_fields == 0 || t.records[r].n_fields > XF_CSV_MAX_FIELDS)
				abort();
			for (size_t f = 0; f < t.records[r].n_fields; f++)
				if (!xf_utf8_valid(t.records[r].fields[f],
				                   strlen(t.records[r].fields[f])))
					abort();
		}
		if (rc == XF_OK)
			check_round_trip(&t);
		xf_csv_table_release(&t);
	} else if (problems.n != 1) {
		abort();
	}
	xf_buf_release(&text);
	xf_csv_problems_release(&problems);

	/* the two import checks */
	for (int kind = 0; kind < 2; kind++) {
		xf_import imp;
		xf_import_init(&imp, kind ? XF_IMPORT_STAFF : XF_IMPORT_UNITS);
		xf_import_check(&imp, bytes, size, units, sizeof units / sizeof units[0]);
		check_report(&imp, lines);
		if (!kind)
			check_units(&imp);
		xf_import_release(&imp);
	}
	return 0;
}
