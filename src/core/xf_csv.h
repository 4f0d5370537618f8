/* CSV files exported from spreadsheets, as the unit and staff imports read them: the
 * character set is detected and converted to UTF-8, the text is parsed as RFC 4180
 * records that remember the line each starts on, and the rows of a unit file or a
 * staff roster (花名册) are checked against the units known before the import.
 *
 * Pure: no SQL and no HTTP. The store (xf_store_roster.c) gives the units it has, runs
 * xf_import_check() and applies what it returns; unit tests and the fuzzer call the
 * same functions with their own units.
 *
 * Promises:
 * - Bytes that are valid UTF-8 (with or without a byte-order mark) are UTF-8; anything
 *   else is read as GB18030 (a superset of GBK, what Chinese Excel writes). Bytes that
 *   are neither give one problem naming the line of the first bad byte.
 * - Every problem names the line in the file (the header is line 1; a record with an
 *   embedded line break is named by the line it starts on) and the field, with a
 *   message a person can act on. Up to XF_CSV_MAX_PROBLEMS are kept; the rest counted.
 * - Problems never stop the check: one pass reports every bad row.
 * - Nothing here allocates without aborting on failure (util/xf_util.h). */
#ifndef XF_CSV_H
#define XF_CSV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/xf_arena.h"
#include "util/xf_buf.h"
#include "util/xf_utf8.h"

#define XF_CSV_MAX_PROBLEMS 500
#define XF_CSV_MAX_ROWS     20000 /* data rows of one import file */
#define XF_CSV_MAX_FIELDS   256   /* fields of one record */

typedef enum xf_csv_encoding { XF_CSV_UTF8, XF_CSV_GB18030 } xf_csv_encoding;

/* "utf-8" or "gb18030", as the API reports it. */
const char *xf_csv_encoding_name(xf_csv_encoding encoding);

typedef struct xf_csv_problem {
	size_t line;    /* 1-based line in the file; 0: the file as a whole */
	char field[24]; /* the column's English id ("staff_number"); "" for the row or file */
	char message[256];
} xf_csv_problem;

typedef struct xf_csv_problems {
	xf_csv_problem *items;
	size_t n, cap;
	size_t dropped; /* problems beyond XF_CSV_MAX_PROBLEMS */
} xf_csv_problems;

void xf_csv_problem_add(xf_csv_problems *p, size_t line, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
size_t xf_csv_problem_count(const xf_csv_problems *p); /* kept + dropped */
void xf_csv_problems_release(xf_csv_problems *p);

/* Converts bytes to UTF-8 text in out (appended), dropping a UTF-8 byte-order mark,
 * and tells which encoding it found. On failure returns XF_ERR with one problem. */
int xf_csv_decode(const char *bytes, size_t len, xf_buf *out, xf_csv_encoding *encoding,
                  xf_csv_problems *problems);

typedef struct xf_csv_record {
	size_t line;     /* where the record starts */
	size_t n_fields; /* at least 1 */
	char **fields;   /* UTF-8, NUL-terminated, as written (not trimmed) */
} xf_csv_record;

typedef struct xf_csv_table {
	xf_csv_record *records; /* blank lines are left out */
	size_t n_records;
	size_t cap;
	xf_arena arena; /* the fields and their arrays */
} xf_csv_table;

void xf_csv_table_init(xf_csv_table *t);
void xf_csv_table_release(xf_csv_table *t);

/* Parses UTF-8 text as RFC 4180: fields separated by commas, records by CRLF, LF or CR;
 * quoted fields may hold commas, line breaks (kept as LF) and doubled quotes. A quote
 * inside an unquoted field, text after a closing quote, and a quote never closed are
 * problems; the parser reports them and goes on. Records that are only an empty line
 * are skipped. Returns XF_OK when no problem was found. */
int xf_csv_parse(const char *text, size_t len, xf_csv_table *t, xf_csv_problems *problems);

/* ---- the import files ---- */

typedef enum xf_import_kind { XF_IMPORT_UNITS, XF_IMPORT_STAFF } xf_import_kind;
typedef enum xf_import_action {
	XF_IMPORT_CREATE,
	XF_IMPORT_UPDATE,
	XF_IMPORT_UNCHANGED
} xf_import_action;

/* A unit that exists before the import. */
typedef struct xf_csv_unit {
	int64_t id;
	int64_t parent_id; /* 0: top level */
	const char *name, *kind;
} xf_csv_unit;

/* A row of a unit file. Units are keyed by (parent, name). */
typedef struct xf_unit_row {
	size_t line;
	const char *name;
	const char *kind;  /* mine, department, team, other; NULL: not given */
	int64_t parent_id; /* > 0 an existing unit; 0 top level; < 0 the unit created by
	                    * row (-parent_id - 1) of this file */
	int64_t unit_id;   /* the existing unit the row names; 0 when the row creates it */
	xf_import_action action;
	bool bad; /* the row has a problem; its other fields may be partial */
} xf_unit_row;

/* A row of a staff roster. Staff are keyed by staff number; the store decides the action. */
typedef struct xf_staff_row {
	size_t line;
	const char *staff_number, *name;
	int64_t unit_id;
	const char *position, *phone; /* NULL: the file has no such column (kept as stored) */
	xf_import_action action;      /* set by the store */
	bool bad;                     /* the row has a problem; its other fields may be partial */
} xf_staff_row;

typedef struct xf_import {
	xf_import_kind kind;
	xf_csv_encoding encoding;
	bool decoded; /* the bytes were text and encoding is known */
	xf_csv_table table;
	xf_csv_problems problems;
	const char **ignored_columns; /* header cells of columns the import does not read */
	size_t n_ignored;
	size_t n_rows; /* data rows (not blank) */
	/* n_rows of them; NULL when the rows were not checked (a problem with the file, the
	 * header or the number of rows) */
	xf_unit_row *unit_rows;   /* XF_IMPORT_UNITS */
	xf_staff_row *staff_rows; /* XF_IMPORT_STAFF */
	size_t created, updated, unchanged;
} xf_import;

void xf_import_init(xf_import *imp, xf_import_kind kind);
void xf_import_release(xf_import *imp);

/* Decodes, parses and checks the file against the units that exist. Unit files may
 * name as parent a unit created on an earlier line; staff files only existing units.
 * A unit is named by its name when that is unique, else by its path ("本矿/综采一队").
 * For unit files the action of every row is decided here; for staff the store decides
 * it (it knows the stored staff). The units must outlive imp. */
void xf_import_check(xf_import *imp, const char *bytes, size_t len, const xf_csv_unit *units,
                     size_t n_units);

/* The report of docs/roster.md: {"ok","encoding","rows","problems":[{"line","field",
 * "message"}],"problems_dropped","ignored_columns","created","updated","unchanged"}. */
json_t *xf_import_report_json(const xf_import *imp);

/* ---- values the rosters share with the API ---- */

/* NULL when s is an acceptable phone number (may be empty), else why not. */
const char *xf_phone_problem(const char *s);
/* NULL when s is an acceptable staff number (工号), else why not. */
const char *xf_staff_number_problem(const char *s);
/* The unit kind a cell names (矿/科室/区队/其他 or the English ids), or NULL. */
const char *xf_unit_kind_parse(const char *s);

#endif
