/* Unit tests of the CSV import (core/xf_csv.h): RFC 4180 parsing (quoted commas,
 * doubled quotes, embedded line breaks, CRLF/LF/CR, byte-order mark, blank and empty
 * trailing lines) with the line each record starts on; the character sets (UTF-8,
 * GBK read as GB18030 from a fixture made with `iconv -f UTF-8 -t GBK`, and what is
 * neither); and the checks of unit and staff files, every problem named by line and
 * field. Fixtures: tests/unit/fixtures/ (XF_SOURCE_DIR, set by ctest, is the root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_csv.h"
#include "util/xf_util.h"

static char *read_fixture(const char *name, size_t *len)
{
	const char *root = getenv("XF_SOURCE_DIR");
	char path[512];
	snprintf(path, sizeof path, "%s/tests/unit/fixtures/%s", root ? root : ".", name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open '%s'", path);
	xf_buf b = XF_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		xf_buf_append(&b, chunk, n);
	fclose(f);
	return xf_buf_detach(&b, len);
}

static void print_problems(const xf_csv_problems *p)
{
	for (size_t i = 0; i < p->n; i++)
		print_message("problem: line %zu [%s] %s\n", p->items[i].line, p->items[i].field,
		              p->items[i].message);
}

/* Asserts the problems are exactly `expected`, each "LINE FIELD: message" ("LINE:
 * message" when no field). */
static void assert_problems(const xf_csv_problems *p, const char *const *expected, size_t n)
{
	bool same = p->n == n && p->dropped == 0;
	for (size_t i = 0; same && i < n; i++) {
		char got[400];
		const xf_csv_problem *q = &p->items[i];
		snprintf(got, sizeof got, "%zu%s%s: %s", q->line, q->field[0] ? " " : "", q->field,
		         q->message);
		if (strcmp(got, expected[i]) != 0) {
			print_message("problem %zu\n  got:      %s\n  expected: %s\n", i, got,
			              expected[i]);
			same = false;
		}
	}
	if (!same) {
		print_problems(p);
		fail_msg("expected %zu problems", n);
	}
}

static void parse_text(const char *text, xf_csv_table *t, xf_csv_problems *p)
{
	xf_csv_table_init(t);
	memset(p, 0, sizeof *p);
	xf_csv_parse(text, strlen(text), t, p);
}

/* ---- parsing ---- */

static void test_parse_quoting_fixture(void **state)
{
	size_t len;
	char *text = read_fixture("quoting.csv", &len);
	xf_csv_table t;
	xf_csv_problems p;
	xf_csv_table_init(&t);
	memset(&p, 0, sizeof p);
	assert_int_equal(xf_csv_parse(text, len, &t, &p), XF_OK);
	assert_int_equal(p.n, 0);
	assert_int_equal(t.n_records, 4);
	static const struct {
		size_t line, n;
		const char *fields[3];
	} want[] = {
	    {1, 3, {"a", "b", "c"}},
	    {2, 3, {"x,1", "say \"hi\"", "plain"}},
	    {3, 3, {"line one\nline two", "", ""}}, /* CRLF inside quotes kept as LF */
	    {6, 3, {"last", "", "end"}},            /* after a blank line; a blank line ends it */
	};
	for (size_t r = 0; r < XF_ARRAY_LEN(want); r++) {
		assert_int_equal(t.records[r].line, want[r].line);
		assert_int_equal(t.records[r].n_fields, want[r].n);
		for (size_t f = 0; f < want[r].n; f++)
			assert_string_equal(t.records[r].fields[f], want[r].fields[f]);
	}
	xf_csv_table_release(&t);
	free(text);
}

static void test_parse_line_ends(void **state)
{
	xf_csv_table t;
	xf_csv_problems p;
	/* CR alone (old Mac exports), LF, CRLF; no line end after the last record */
	parse_text("a,b\rc,d\ne,f\r\ng,\"h\rh\"", &t, &p);
	assert_int_equal(p.n, 0);
	assert_int_equal(t.n_records, 4);
	assert_int_equal(t.records[1].line, 2);
	assert_string_equal(t.records[1].fields[0], "c");
	assert_int_equal(t.records[2].line, 3);
	assert_string_equal(t.records[2].fields[1], "f");
	assert_int_equal(t.records[3].line, 4);
	assert_string_equal(t.records[3].fields[1], "h\nh");
	xf_csv_table_release(&t);

	/* an empty trailing field, an empty last line, a trailing comma */
	parse_text("x,\n,\n\n", &t, &p);
	assert_int_equal(t.n_records, 2);
	assert_int_equal(t.records[0].n_fields, 2);
	assert_string_equal(t.records[0].fields[1], "");
	assert_int_equal(t.records[1].n_fields, 2);
	xf_csv_table_release(&t);

	/* nothing at all */
	parse_text("", &t, &p);
	assert_int_equal(t.n_records, 0);
	assert_int_equal(p.n, 0);
	xf_csv_table_release(&t);
}

static void test_parse_problems(void **state)
{
	xf_csv_table t;
	xf_csv_problems p;
	parse_text("a,b\n\"open,\nstill open\n", &t, &p);
	static const char *const unclosed[] = {
	    "2: a quoted field that starts on line 2 never closes"};
	assert_problems(&p, unclosed, 1);
	xf_csv_table_release(&t);
	xf_csv_problems_release(&p);

	parse_text("a,b\nx\"y,z\n\"q\"r,s\n", &t, &p);
	static const char *const stray[] = {
	    "2: a quote inside an unquoted field; quote the whole field and double the quotes "
	    "inside it",
	    "3: text after the closing quote of a field; quote the whole field and double the "
	    "quotes inside it",
	};
	assert_problems(&p, stray, 2);
	/* the parser goes on and keeps the text */
	assert_int_equal(t.n_records, 3);
	assert_string_equal(t.records[1].fields[0], "x\"y");
	assert_string_equal(t.records[2].fields[0], "qr");
	assert_string_equal(t.records[2].fields[1], "s");
	xf_csv_table_release(&t);
	xf_csv_problems_release(&p);

	/* more fields than a record may have: one problem, the record kept short */
	xf_buf wide = XF_BUF_INIT;
	for (int i = 0; i < XF_CSV_MAX_FIELDS + 10; i++)
		xf_buf_puts(&wide, "x,");
	xf_buf_puts(&wide, "\nnext\n");
	parse_text(wide.data, &t, &p);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.items[0].message, "the record has more than 256 fields");
	assert_int_equal(t.records[0].n_fields, XF_CSV_MAX_FIELDS);
	assert_string_equal(t.records[1].fields[0], "next");
	assert_int_equal(t.records[1].line, 2);
	xf_buf_release(&wide);
	xf_csv_table_release(&t);
	xf_csv_problems_release(&p);
}

/* ---- character sets ---- */

static void test_utf8_valid(void **state)
{
	assert_true(xf_utf8_valid("", 0));
	assert_true(xf_utf8_valid("abc", 3));
	assert_true(xf_utf8_valid("保卫科", strlen("保卫科")));
	assert_true(xf_utf8_valid("\xF0\x9F\x98\x80", 4));  /* U+1F600 */
	assert_false(xf_utf8_valid("\xC0\xAF", 2));         /* overlong '/' */
	assert_false(xf_utf8_valid("\xED\xA0\x80", 3));     /* a surrogate */
	assert_false(xf_utf8_valid("\xF4\x90\x80\x80", 4)); /* above U+10FFFF */
	assert_false(xf_utf8_valid("\xE4\xBF", 2));         /* cut short */
	assert_false(xf_utf8_valid("\xB1\xA3", 2));         /* GBK 保 */
}

static void test_decode_utf8_and_bom(void **state)
{
	xf_buf out = XF_BUF_INIT;
	xf_csv_problems p = {0};
	xf_csv_encoding e = XF_CSV_GB18030;
	assert_int_equal(xf_csv_decode("\xEF\xBB\xBF名称\n", 10, &out, &e, &p), XF_OK);
	assert_int_equal(e, XF_CSV_UTF8);
	assert_string_equal(out.data, "名称\n");
	xf_buf_release(&out);
	assert_int_equal(xf_csv_decode("name\n", 5, &out, &e, &p), XF_OK);
	assert_int_equal(e, XF_CSV_UTF8);
	assert_string_equal(out.data, "name\n");
	assert_string_equal(xf_csv_encoding_name(e), "utf-8");
	xf_buf_release(&out);
	assert_int_equal(p.n, 0);
}

static void test_decode_gbk_fixture(void **state)
{
	size_t gbk_len, utf8_len;
	char *gbk = read_fixture("staff-gbk.csv", &gbk_len);
	char *utf8 = read_fixture("staff.csv", &utf8_len);
	assert_false(xf_utf8_valid(gbk, gbk_len));
	xf_buf out = XF_BUF_INIT;
	xf_csv_problems p = {0};
	xf_csv_encoding e;
	assert_int_equal(xf_csv_decode(gbk, gbk_len, &out, &e, &p), XF_OK);
	assert_int_equal(e, XF_CSV_GB18030);
	assert_string_equal(xf_csv_encoding_name(e), "gb18030");
	assert_int_equal(out.len, utf8_len);
	assert_memory_equal(out.data, utf8, utf8_len);
	xf_buf_release(&out);
	free(gbk);
	free(utf8);

	/* GB18030's four-byte forms: U+20AC (euro) is 0xA2E3; U+00B7 is 0xA1A4; a character
	 * outside GBK, U+1F600, is 0x9439FC36 */
	assert_int_equal(xf_csv_decode("\x94\x39\xFC\x36,\xA2\xE3", 7, &out, &e, &p), XF_OK);
	assert_int_equal(e, XF_CSV_GB18030);
	assert_string_equal(out.data, "\xF0\x9F\x98\x80,€");
	xf_buf_release(&out);
	assert_int_equal(p.n, 0);
}

static void test_decode_refusals(void **state)
{
	static const struct {
		const char *bytes;
		size_t len; /* 0: strlen */
		const char *problem;
	} cases[] = {
	    {"\xFF\xFEn\0a\0", 6,
	     "1: the file is UTF-16 text (Excel's 'Unicode text'); save it as "
	     "'CSV UTF-8' or 'CSV' instead"},
	    {"PK\x03\x04rest", 8,
	     "1: the file is an Excel workbook, not CSV; save it as CSV first"},
	    {"a,b\nc\0d\n", 8, "2: the file contains NUL bytes; it is not a text file"},
	    /* a GBK lead byte with a trail byte GB18030 does not have, on line 3 */
	    {"a,b\r\nc,d\r\n\x81\x7F,x\n", 15,
	     "3: byte 0x81 is neither UTF-8 nor GB18030 (GBK) text"},
	    /* 0xFF is never GB18030 */
	    {"a\n\xFF\n", 0, "2: byte 0xFF is neither UTF-8 nor GB18030 (GBK) text"},
	    /* mostly UTF-8 with one bad byte: damaged UTF-8, not GBK */
	    {"保卫科,矿长办公室\n工会,\xB1\xA3\n", 0,
	     "2: the file is UTF-8 except for byte 0xB1; correct it or save the file again"},
	    /* a UTF-8 byte-order mark and then a bad byte */
	    {"\xEF\xBB\xBF"
	     "a\n\xB1\xA3\n",
	     0, "2: the file is UTF-8 except for byte 0xB1; correct it or save the file again"},
	};
	for (size_t i = 0; i < XF_ARRAY_LEN(cases); i++) {
		xf_buf out = XF_BUF_INIT;
		xf_csv_problems p = {0};
		xf_csv_encoding e;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].bytes);
		assert_int_equal(xf_csv_decode(cases[i].bytes, len, &out, &e, &p), XF_ERR);
		assert_problems(&p, &cases[i].problem, 1);
		xf_buf_release(&out);
		xf_csv_problems_release(&p);
	}
}

/* ---- unit files ---- */

static const xf_csv_unit mine_units[] = {
    {1, 0, "本矿", "mine"},       {2, 1, "保卫科", "other"}, {3, 1, "矿长办公室", "department"},
    {4, 1, "综采一队", "team"},   {5, 4, "一班", "team"},    {6, 2, "一班", "other"},
    {7, 1, "工会", "department"},
};

static void check_fixture(xf_import *imp, xf_import_kind kind, const char *name,
                          const xf_csv_unit *units, size_t n_units)
{
	size_t len;
	char *bytes = read_fixture(name, &len);
	xf_import_init(imp, kind);
	xf_import_check(imp, bytes, len, units, n_units);
	free(bytes);
}

static void test_units_fixture(void **state)
{
	/* existing: 本矿 and 保卫科 (kind other, so the file's 科室 updates it) */
	xf_import imp;
	check_fixture(&imp, XF_IMPORT_UNITS, "units.csv", mine_units, 2);
	if (imp.problems.n)
		print_problems(&imp.problems);
	assert_int_equal(xf_csv_problem_count(&imp.problems), 0);
	assert_int_equal(imp.encoding, XF_CSV_UTF8);
	assert_int_equal(imp.n_rows, 5);
	assert_int_equal(imp.created, 4);
	assert_int_equal(imp.updated, 1);
	assert_int_equal(imp.unchanged, 0);
	const xf_unit_row *r = imp.unit_rows;
	/* 保卫科 under 本矿: the stored unit, kind changed */
	assert_int_equal(r[0].line, 2);
	assert_int_equal(r[0].action, XF_IMPORT_UPDATE);
	assert_int_equal(r[0].unit_id, 2);
	assert_string_equal(r[0].kind, "department");
	/* 综采一队: new, under the stored 本矿 */
	assert_int_equal(r[1].action, XF_IMPORT_CREATE);
	assert_int_equal(r[1].parent_id, 1);
	assert_string_equal(r[1].kind, "team");
	/* 一班 under the 综采一队 of line 3 (row 1): parent_id -(1 + 1) */
	assert_int_equal(r[2].action, XF_IMPORT_CREATE);
	assert_int_equal(r[2].parent_id, -2);
	assert_string_equal(r[2].kind, "team");
	/* 一班 under the stored 保卫科: another unit of the same name */
	assert_int_equal(r[3].action, XF_IMPORT_CREATE);
	assert_int_equal(r[3].parent_id, 2);
	assert_string_equal(r[3].kind, "other");
	/* 二班 under the path 本矿/综采一队 */
	assert_int_equal(r[4].parent_id, -2);
	assert_int_equal(r[4].line, 6);
	xf_import_release(&imp);

	/* Against the units it created, the same file changes nothing. */
	static const xf_csv_unit after[] = {
	    {1, 0, "本矿", "mine"}, {2, 1, "保卫科", "department"}, {8, 1, "综采一队", "team"},
	    {9, 8, "一班", "team"}, {10, 2, "一班", "other"},       {11, 8, "二班", "team"},
	};
	check_fixture(&imp, XF_IMPORT_UNITS, "units.csv", after, XF_ARRAY_LEN(after));
	assert_int_equal(xf_csv_problem_count(&imp.problems), 0);
	assert_int_equal(imp.created + imp.updated, 0);
	assert_int_equal(imp.unchanged, 5);
	xf_import_release(&imp);
}

static void test_units_bad_rows(void **state)
{
	xf_import imp;
	check_fixture(&imp, XF_IMPORT_UNITS, "units-bad.csv", mine_units, XF_ARRAY_LEN(mine_units));
	static const char *const expected[] = {
	    "2 name: 'name' is required",
	    "3 kind: unknown kind '车间' (one of 矿, 科室, 区队, 其他 or mine, department, team, "
	    "other)",
	    "4 parent: unknown unit '掘进一队' (neither stored nor on an earlier line)",
	    "5 name: unit '机电科' is listed twice under the same parent (first on line 3)",
	};
	assert_problems(&imp.problems, expected, XF_ARRAY_LEN(expected));
	assert_true(imp.unit_rows[0].bad && imp.unit_rows[1].bad && imp.unit_rows[2].bad &&
	            imp.unit_rows[3].bad);
	assert_int_equal(imp.created + imp.updated + imp.unchanged, 0);
	xf_import_release(&imp);

	/* a name with a '/', an ambiguous parent, the same stored unit named twice */
	static const char file[] = "名称,上级单位\n甲/乙,本矿\n三班,一班\n工会,本矿\n工会,/本矿\n";
	xf_import_init(&imp, XF_IMPORT_UNITS);
	xf_import_check(&imp, file, strlen(file), mine_units, XF_ARRAY_LEN(mine_units));
	static const char *const more[] = {
	    "2 name: 'name' must not contain '/' (it separates the parts of a path)",
	    "3 parent: unit '一班' is ambiguous: 2 units have that name; write its path, e.g. "
	    "'本矿/保卫科/一班'",
	    "5 name: unit '工会' is listed twice under the same parent (first on line 4)",
	};
	assert_problems(&imp.problems, more, XF_ARRAY_LEN(more));
	xf_import_release(&imp);
}

/* ---- staff files ---- */

static void test_staff_gbk_fixture(void **state)
{
	xf_import imp;
	check_fixture(&imp, XF_IMPORT_STAFF, "staff-gbk.csv", mine_units, XF_ARRAY_LEN(mine_units));
	if (imp.problems.n)
		print_problems(&imp.problems);
	assert_int_equal(xf_csv_problem_count(&imp.problems), 0);
	assert_int_equal(imp.encoding, XF_CSV_GB18030);
	assert_int_equal(imp.n_rows, 4);
	const xf_staff_row *r = imp.staff_rows;
	assert_string_equal(r[0].staff_number, "1001");
	assert_string_equal(r[0].name, "张三");
	assert_int_equal(r[0].unit_id, 2);
	assert_string_equal(r[0].position, "科长");
	assert_string_equal(r[0].phone, "13800000001");
	assert_string_equal(r[1].phone, "0351-1234567转801");
	assert_int_equal(r[1].unit_id, 3);
	assert_int_equal(r[2].unit_id, 5); /* 综采一队/一班: a path picks one of the two 一班 */
	assert_string_equal(r[2].phone, "");
	assert_string_equal(r[3].position, "主席,兼退休支部书记");
	assert_int_equal(r[3].line, 5);
	json_t *report = xf_import_report_json(&imp);
	assert_true(json_is_true(json_object_get(report, "ok")));
	assert_string_equal(json_string_value(json_object_get(report, "encoding")), "gb18030");
	assert_int_equal(json_integer_value(json_object_get(report, "rows")), 4);
	assert_int_equal(json_array_size(json_object_get(report, "problems")), 0);
	json_decref(report);
	xf_import_release(&imp);
}

static void test_staff_bad_rows(void **state)
{
	xf_import imp;
	check_fixture(&imp, XF_IMPORT_STAFF, "staff-bad.csv", mine_units, XF_ARRAY_LEN(mine_units));
	static const char *const expected[] = {
	    "2 name: 'name' is required",
	    "3 unit: unknown unit '综采九队'",
	    "4 position: 'position' must not contain line breaks or control characters",
	    "6 staff_number: staff number '2003' is listed twice (first on line 4)",
	    "7 phone: 'phone' '电话号码' must be digits, spaces, + - ( ) # * , / or 转",
	};
	assert_problems(&imp.problems, expected, XF_ARRAY_LEN(expected));
	json_t *report = xf_import_report_json(&imp);
	assert_false(json_is_true(json_object_get(report, "ok")));
	json_t *first = json_array_get(json_object_get(report, "problems"), 0);
	assert_int_equal(json_integer_value(json_object_get(first, "line")), 2);
	assert_string_equal(json_string_value(json_object_get(first, "field")), "name");
	assert_string_equal(json_string_value(json_object_get(first, "message")),
	                    "'name' is required");
	json_decref(report);
	xf_import_release(&imp);
}

static void test_headers(void **state)
{
	xf_import imp;
	/* English names in any case, blanks around them, extra columns ignored and reported */
	static const char english[] = " Staff_Number ,NAME,Unit,序号,备注\n7,钱一,工会,1,x\n";
	xf_import_init(&imp, XF_IMPORT_STAFF);
	xf_import_check(&imp, english, strlen(english), mine_units, XF_ARRAY_LEN(mine_units));
	assert_int_equal(xf_csv_problem_count(&imp.problems), 0);
	assert_int_equal(imp.n_ignored, 2);
	assert_string_equal(imp.ignored_columns[0], "序号");
	assert_null(imp.staff_rows[0].position); /* no column: kept as stored */
	assert_null(imp.staff_rows[0].phone);
	assert_int_equal(imp.staff_rows[0].unit_id, 7);
	xf_import_release(&imp);

	static const char missing[] = "工号,姓名,电话,phone\n1,a,2,3\n";
	xf_import_init(&imp, XF_IMPORT_STAFF);
	xf_import_check(&imp, missing, strlen(missing), mine_units, XF_ARRAY_LEN(mine_units));
	static const char *const expected[] = {
	    "1 phone: columns 3 and 4 are both 'phone' ('phone'); keep one",
	    "1 unit: the header has no column 'unit' (name it '单位', '部门', '所在单位', 'unit')",
	};
	assert_problems(&imp.problems, expected, XF_ARRAY_LEN(expected));
	xf_import_release(&imp);

	static const char *const empty_files[] = {"", "\n\n", "\xEF\xBB\xBF"};
	for (size_t i = 0; i < XF_ARRAY_LEN(empty_files); i++) {
		xf_import_init(&imp, XF_IMPORT_UNITS);
		xf_import_check(&imp, empty_files[i], strlen(empty_files[i]), NULL, 0);
		static const char *const empty[] = {
		    "1: the file is empty; its first line must name the columns"};
		assert_problems(&imp.problems, empty, 1);
		xf_import_release(&imp);
	}

	/* blank rows (only empty cells) are no rows; extra cells are a problem */
	static const char blanks[] = "名称\n,,\n 保卫科 \n\n科室2,多余\n";
	xf_import_init(&imp, XF_IMPORT_UNITS);
	xf_import_check(&imp, blanks, strlen(blanks), mine_units, XF_ARRAY_LEN(mine_units));
	assert_int_equal(imp.n_rows, 2);
	assert_string_equal(imp.unit_rows[0].name, "保卫科"); /* trimmed */
	assert_int_equal(imp.unit_rows[0].parent_id, 0);
	static const char *const extra[] = {"5: the row has 2 fields but the header names 1 "
	                                    "columns; is a comma in a value not quoted?"};
	assert_problems(&imp.problems, extra, 1);
	xf_import_release(&imp);
}

static void test_values(void **state)
{
	assert_null(xf_phone_problem(""));
	assert_null(xf_phone_problem("13800000000"));
	assert_null(xf_phone_problem("+86 (351) 123-4567"));
	assert_null(xf_phone_problem("0351-1234567转801"));
	assert_non_null(xf_phone_problem("1.38E+10"));
	assert_non_null(xf_phone_problem("--"));
	assert_non_null(xf_phone_problem("phone"));
	assert_non_null(xf_phone_problem("123456789012345678901234567890123"));
	assert_null(xf_staff_number_problem("0001"));
	assert_null(xf_staff_number_problem("ZC-001"));
	assert_non_null(xf_staff_number_problem(""));
	assert_non_null(xf_staff_number_problem("1 2"));
	assert_non_null(xf_staff_number_problem("1.2E+5"));
	assert_string_equal(xf_unit_kind_parse("矿"), "mine");
	assert_string_equal(xf_unit_kind_parse("科室"), "department");
	assert_string_equal(xf_unit_kind_parse("区队"), "team");
	assert_string_equal(xf_unit_kind_parse("其他"), "other");
	assert_string_equal(xf_unit_kind_parse("Team"), "team");
	assert_null(xf_unit_kind_parse("车间"));
	assert_null(xf_unit_kind_parse(""));
}

static void test_problem_cap(void **state)
{
	/* every row lacks its name: one problem per row, the ones beyond the cap counted */
	xf_buf file = XF_BUF_INIT;
	xf_buf_puts(&file, "name,kind\n");
	for (int i = 0; i < XF_CSV_MAX_PROBLEMS + 20; i++)
		xf_buf_puts(&file, ",team\n");
	xf_import imp;
	xf_import_init(&imp, XF_IMPORT_UNITS);
	xf_import_check(&imp, file.data, file.len, mine_units, 1);
	assert_int_equal(imp.problems.n, XF_CSV_MAX_PROBLEMS);
	assert_int_equal(imp.problems.dropped, 20);
	assert_int_equal(imp.problems.items[XF_CSV_MAX_PROBLEMS - 1].line, XF_CSV_MAX_PROBLEMS + 1);
	json_t *report = xf_import_report_json(&imp);
	assert_int_equal(json_integer_value(json_object_get(report, "problems_dropped")), 20);
	json_decref(report);
	xf_import_release(&imp);
	xf_buf_release(&file);
}

static void test_too_many_rows(void **state)
{
	xf_buf file = XF_BUF_INIT;
	xf_buf_puts(&file, "name\n");
	for (int i = 0; i <= XF_CSV_MAX_ROWS; i++)
		xf_buf_printf(&file, "单位%d\n", i);
	xf_import imp;
	xf_import_init(&imp, XF_IMPORT_UNITS);
	xf_import_check(&imp, file.data, file.len, mine_units, 1);
	static const char *const expected[] = {"20002: the file has 20001 rows, more than 20000; "
	                                       "split it"};
	assert_problems(&imp.problems, expected, 1);
	assert_int_equal(imp.n_rows, XF_CSV_MAX_ROWS + 1);
	assert_null(imp.unit_rows);
	json_t *report = xf_import_report_json(&imp);
	assert_int_equal(json_integer_value(json_object_get(report, "rows")), XF_CSV_MAX_ROWS + 1);
	json_decref(report);
	xf_import_release(&imp);
	xf_buf_release(&file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_quoting_fixture),
	    cmocka_unit_test(test_parse_line_ends),
	    cmocka_unit_test(test_parse_problems),
	    cmocka_unit_test(test_utf8_valid),
	    cmocka_unit_test(test_decode_utf8_and_bom),
	    cmocka_unit_test(test_decode_gbk_fixture),
	    cmocka_unit_test(test_decode_refusals),
	    cmocka_unit_test(test_units_fixture),
	    cmocka_unit_test(test_units_bad_rows),
	    cmocka_unit_test(test_staff_gbk_fixture),
	    cmocka_unit_test(test_staff_bad_rows),
	    cmocka_unit_test(test_headers),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_problem_cap),
	    cmocka_unit_test(test_too_many_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
