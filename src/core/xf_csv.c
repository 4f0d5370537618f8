/* CSV import files: character sets, RFC 4180 records and the checks of unit and staff
 * rows (see xf_csv.h). The work is done in three passes over the input, each simple on
 * its own: decode the bytes to UTF-8, cut the text into records, then read the records
 * through the header's column map. Names of units are looked up through a small hash
 * index, so a roster of thousands of rows against hundreds of units stays linear. */
#include "core/xf_csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAME_MAX_CHARS     64
#define POSITION_MAX_CHARS 64
#define PHONE_MAX_CHARS    32
#define NUMBER_MAX_CHARS   32
#define QUOTE_BYTES        48 /* longest piece of a cell quoted in a message */

const char *xf_csv_encoding_name(xf_csv_encoding encoding)
{
	return encoding == XF_CSV_GB18030 ? "gb18030" : "utf-8";
}

/* ---- problems ---- */

/* Problem texts end up in JSON answers and on terminals: a cell quoted in a message is
 * cut on a character boundary and control characters become '?'. */
static const char *quote_cell(const char *s, char out[QUOTE_BYTES + 4])
{
	size_t n = strlen(s), cut = n > QUOTE_BYTES ? QUOTE_BYTES : n;
	while (cut < n && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	for (size_t i = 0; i < cut; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7F ? '?' : s[i];
	if (cut < n)
		memcpy(out + cut, "...", 4);
	else
		out[cut] = '\0';
	return out;
}

void xf_csv_problem_add(xf_csv_problems *p, size_t line, const char *field, const char *fmt, ...)
{
	if (p->n >= XF_CSV_MAX_PROBLEMS) {
		p->dropped++;
		return;
	}
	XF_GROW(p->items, p->n + 1, p->cap);
	xf_csv_problem *item = &p->items[p->n++];
	item->line = line;
	snprintf(item->field, sizeof item->field, "%s", field ? field : "");
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(item->message, sizeof item->message, fmt, ap);
	va_end(ap);
	/* A message cut at its buffer's end must not end inside a character. */
	size_t n = strlen(item->message);
	if (n == sizeof item->message - 1) {
		size_t end = n;
		while (end > 0 && ((unsigned char)item->message[end - 1] & 0xC0) == 0x80)
			end--;
		if (end > 0 && ((unsigned char)item->message[end - 1] & 0xC0) == 0xC0)
			item->message[end - 1] = '\0';
	}
}

size_t xf_csv_problem_count(const xf_csv_problems *p)
{
	return p->n + p->dropped;
}

void xf_csv_problems_release(xf_csv_problems *p)
{
	free(p->items);
	memset(p, 0, sizeof *p);
}

/* ---- character sets ---- */

/* The line (1-based) of byte offset off: LF, CR LF and a lone CR each end a line. */
static size_t line_at(const char *s, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++)
		if (s[i] == '\n' || (s[i] == '\r' && (i + 1 >= off || s[i + 1] != '\n')))
			line++;
	return line;
}

/* Converts GB18030 to UTF-8 into out. On a byte that is not GB18030 returns XF_ERR with
 * *bad its offset. */
static int gb18030_to_utf8(const char *bytes, size_t len, xf_buf *out, size_t *bad)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		xf_die("iconv cannot convert from GB18030: %s", strerror(errno));
	char *in = (char *)bytes;
	size_t in_left = len;
	char chunk[4096];
	int rc = XF_OK;
	while (in_left > 0) {
		char *o = chunk;
		size_t o_left = sizeof chunk;
		size_t r = iconv(cd, &in, &in_left, &o, &o_left);
		int err = errno;
		xf_buf_append(out, chunk, sizeof chunk - o_left);
		if (r == (size_t)-1 && err != E2BIG) {
			*bad = (size_t)(in - bytes);
			rc = XF_ERR;
			break;
		}
	}
	iconv_close(cd);
	return rc;
}

int xf_csv_decode(const char *bytes, size_t len, xf_buf *out, xf_csv_encoding *encoding,
                  xf_csv_problems *problems)
{
	const unsigned char *u = (const unsigned char *)bytes;
	*encoding = XF_CSV_UTF8;
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		xf_csv_problem_add(problems, 1, NULL,
		                   "the file is UTF-16 text (Excel's 'Unicode text'); save it as "
		                   "'CSV UTF-8' or 'CSV' instead");
		return XF_ERR;
	}
	if ((len >= 4 && memcmp(bytes, "PK\x03\x04", 4) == 0) ||
	    (len >= 4 && memcmp(bytes, "\xD0\xCF\x11\xE0", 4) == 0)) {
		xf_csv_problem_add(problems, 1, NULL,
		                   "the file is an Excel workbook, not CSV; save it as CSV first");
		return XF_ERR;
	}
	const char *nul = len ? memchr(bytes, '\0', len) : NULL;
	if (nul) {
		xf_csv_problem_add(problems, line_at(bytes, (size_t)(nul - bytes)), NULL,
		                   "the file contains NUL bytes; it is not a text file");
		return XF_ERR;
	}
	size_t skip = len >= 3 && memcmp(bytes, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;

	/* Valid UTF-8 is UTF-8. A file that is mostly well-formed multi-byte UTF-8 with a few
	 * bad bytes is damaged UTF-8, not GBK: reading it as GB18030 would import garbled
	 * names without a word, so it is refused at the first bad byte. */
	size_t multibyte = 0, invalid = 0, first_bad = 0;
	for (size_t i = skip; i < len;) {
		size_t k = xf_utf8_sequence(u + i, len - i);
		if (!k) {
			if (!invalid)
				first_bad = i;
			invalid++;
			i++;
			continue;
		}
		multibyte += k > 1;
		i += k;
	}
	if (!invalid) {
		xf_buf_append(out, bytes + skip, len - skip);
		return XF_OK;
	}
	if (skip || (multibyte >= 4 && multibyte > 4 * invalid)) {
		xf_csv_problem_add(
		    problems, line_at(bytes, first_bad), NULL,
		    "the file is UTF-8 except for byte 0x%02X; correct it or save the "
		    "file again",
		    u[first_bad]);
		return XF_ERR;
	}
	*encoding = XF_CSV_GB18030;
	size_t start = out->len, bad = 0;
	if (gb18030_to_utf8(bytes, len, out, &bad) != XF_OK) {
		xf_csv_problem_add(problems, line_at(bytes, bad), NULL,
		                   "byte 0x%02X is neither UTF-8 nor GB18030 (GBK) text", u[bad]);
		return XF_ERR;
	}
	/* A GB18030 byte-order mark becomes U+FEFF. */
	if (out->len - start >= 3 && memcmp(out->data + start, "\xEF\xBB\xBF", 3) == 0) {
		memmove(out->data + start, out->data + start + 3, out->len - start - 3);
		out->len -= 3;
		out->data[out->len] = '\0';
	}
	return XF_OK;
}

/* ---- records ---- */

void xf_csv_table_init(xf_csv_table *t)
{
	memset(t, 0, sizeof *t);
	xf_arena_init(&t->arena);
}

void xf_csv_table_release(xf_csv_table *t)
{
	free(t->records);
	xf_arena_release(&t->arena);
	memset(t, 0, sizeof *t);
}

/* The record being read: its fields so far, as offsets into one buffer. */
typedef struct pending {
	xf_buf text;
	size_t ends[XF_CSV_MAX_FIELDS];
	size_t n;
	bool too_many;
	size_t line;
} pending;

static void end_field(pending *r, xf_csv_problems *problems)
{
	if (r->n == XF_CSV_MAX_FIELDS) {
		if (!r->too_many)
			xf_csv_problem_add(problems, r->line, NULL,
			                   "the record has more than %d fields", XF_CSV_MAX_FIELDS);
		r->too_many = true;
		/* drop the field's text: back to just after the last kept field */
		r->text.len = r->ends[r->n - 1] + 1;
		r->text.data[r->text.len] = '\0';
		return;
	}
	xf_buf_append(&r->text, "", 1);
	r->ends[r->n++] = r->text.len - 1;
}

static void end_record(pending *r, xf_csv_table *t, xf_csv_problems *problems)
{
	end_field(r, problems);
	/* An empty line is one empty field: not a record. */
	if (!(r->n == 1 && r->ends[0] == 0)) {
		XF_GROW(t->records, t->n_records + 1, t->cap);
		xf_csv_record *rec = &t->records[t->n_records++];
		rec->line = r->line;
		rec->n_fields = r->n;
		rec->fields = xf_arena_alloc(&t->arena, r->n * sizeof *rec->fields);
		char *copy = xf_arena_alloc(&t->arena, r->text.len);
		memcpy(copy, r->text.data, r->text.len);
		for (size_t i = 0, start = 0; i < r->n; i++) {
			rec->fields[i] = copy + start;
			start = r->ends[i] + 1;
		}
	}
	xf_buf_reset(&r->text);
	r->n = 0;
	r->too_many = false;
}

int xf_csv_parse(const char *text, size_t len, xf_csv_table *t, xf_csv_problems *problems)
{
	enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED } state = FIELD_START;
	size_t before = xf_csv_problem_count(problems);
	pending r = {.line = 1};
	size_t line = 1, quote_line = 0;
	bool stray_reported = false;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		bool newline = c == '\n' || c == '\r';
		if (c == '\r' && i + 1 < len && text[i + 1] == '\n')
			i++; /* CR LF is one line break */
		switch (state) {
		case QUOTED:
			if (c == '"')
				state = QUOTE_IN_QUOTED;
			else
				xf_buf_append(&r.text, newline ? "\n" : &c, 1);
			break;
		case QUOTE_IN_QUOTED:
			if (c == '"') {
				xf_buf_append(&r.text, "\"", 1);
				state = QUOTED;
			} else if (c != ',' && !newline) {
				xf_csv_problem_add(
				    problems, line, NULL,
				    "text after the closing quote of a field; quote the whole "
				    "field and double the quotes inside it");
				xf_buf_append(&r.text, &c, 1);
				state = UNQUOTED;
			} else {
				state =
				    UNQUOTED; /* the field ends here, as an unquoted one would */
				goto field_end;
			}
			break;
		case FIELD_START:
		case UNQUOTED:
		field_end:
			if (c == ',') {
				end_field(&r, problems);
				state = FIELD_START;
			} else if (newline) {
				end_record(&r, t, problems);
				state = FIELD_START;
				stray_reported = false;
				r.line = line + 1;
			} else if (c == '"' && state == FIELD_START) {
				state = QUOTED;
				quote_line = line;
			} else {
				if (c == '"' && !stray_reported) {
					xf_csv_problem_add(
					    problems, line, NULL,
					    "a quote inside an unquoted field; quote the whole "
					    "field and double the quotes inside it");
					stray_reported = true;
				}
				xf_buf_append(&r.text, &c, 1);
				state = UNQUOTED;
			}
			break;
		}
		if (newline)
			line++;
	}
	if (state == QUOTED)
		xf_csv_problem_add(problems, quote_line, NULL,
		                   "a quoted field that starts on line %zu never closes",
		                   quote_line);
	if (state != FIELD_START || r.n > 0)
		end_record(&r, t, problems);
	xf_buf_release(&r.text);
	return xf_csv_problem_count(problems) == before ? XF_OK : XF_ERR;
}

/* ---- cells ---- */

/* Trims ASCII blanks, ideographic spaces (U+3000) and no-break spaces (U+00A0), which
 * spreadsheets leave around values, in place. */
static char *trim(char *s)
{
	for (;;) {
		if (*s == ' ' || *s == '\t')
			s++;
		else if (strncmp(s, "\xE3\x80\x80", 3) == 0)
			s += 3;
		else if (strncmp(s, "\xC2\xA0", 2) == 0)
			s += 2;
		else
			break;
	}
	size_t n = strlen(s);
	for (;;) {
		if (n >= 1 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		else if (n >= 3 && memcmp(s + n - 3, "\xE3\x80\x80", 3) == 0)
			n -= 3;
		else if (n >= 2 && memcmp(s + n - 2, "\xC2\xA0", 2) == 0)
			n -= 2;
		else
			break;
	}
	s[n] = '\0';
	return s;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return true;
	return false;
}

static bool ascii_equal_nocase(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
		if (x != y)
			return false;
	}
	return *a == *b;
}

/* "1.38E+10": what Excel shows for a long number in a cell not formatted as text, and
 * what it then writes to CSV, digits lost. */
static bool scientific_notation(const char *s)
{
	const char *p = s;
	while (*p >= '0' && *p <= '9')
		p++;
	if (p == s)
		return false;
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != 'E' && *p != 'e')
		return false;
	p++;
	if (*p == '+' || *p == '-')
		p++;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0';
}

/* What is wrong with a phone or staff number whatever its characters: longer than 32
 * characters, or a number Excel turned into scientific notation. NULL when neither. */
static const char *code_problem(const char *s)
{
	_Static_assert(PHONE_MAX_CHARS == 32 && NUMBER_MAX_CHARS == 32, "the message says 32");
	if (xf_utf8_chars(s) > PHONE_MAX_CHARS)
		return "must be at most 32 characters";
	if (scientific_notation(s))
		return "looks like a number Excel wrote in scientific notation; format the column "
		       "as text and export again";
	return NULL;
}

const char *xf_phone_problem(const char *s)
{
	const char *why = code_problem(s);
	if (why)
		return why;
	bool digit = false;
	for (const char *p = s; *p;) {
		if (*p >= '0' && *p <= '9') {
			digit = true;
			p++;
		} else if (strchr(" +-()#*,/", *p)) {
			p++;
		} else if (strncmp(p, "转", strlen("转")) == 0) { /* extension: 0351-1234567转801 */
			p += strlen("转");
		} else {
			return "must be digits, spaces, + - ( ) # * , / or 转";
		}
	}
	if (*s && !digit)
		return "must contain digits";
	return NULL;
}

const char *xf_staff_number_problem(const char *s)
{
	if (!*s)
		return "must not be empty";
	const char *why = code_problem(s);
	if (why)
		return why;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7F)
			return "must not contain spaces or control characters";
	return NULL;
}

const char *xf_unit_kind_parse(const char *s)
{
	static const struct {
		const char *zh, *id;
	} kinds[] = {{"矿", "mine"}, {"科室", "department"}, {"区队", "team"}, {"其他", "other"}};
	for (size_t i = 0; i < XF_ARRAY_LEN(kinds); i++)
		if (strcmp(s, kinds[i].zh) == 0 || ascii_equal_nocase(s, kinds[i].id))
			return kinds[i].id;
	return NULL;
}

/* ---- columns ---- */

enum { COL_MAX = 8 };

typedef struct column_def {
	const char *id;
	bool required;
	const char *names[6]; /* Chinese names first; NULL-terminated */
} column_def;

static const column_def unit_columns[] = {
    {"name", true, {"名称", "单位名称", "单位", "name", NULL}},
    {"parent", false, {"上级单位", "上级", "parent", NULL}},
    {"kind", false, {"类型", "单位类型", "kind", NULL}},
    {NULL, false, {NULL}},
};

static const column_def staff_columns[] = {
    {"staff_number", true, {"工号", "员工编号", "职工编号", "staff_number", "number", NULL}},
    {"name", true, {"姓名", "name", NULL}},
    {"unit", true, {"单位", "部门", "所在单位", "unit", NULL}},
    {"position", false, {"职务", "岗位", "position", NULL}},
    {"phone", false, {"电话", "手机", "手机号", "联系电话", "phone", NULL}},
    {NULL, false, {NULL}},
};

/* Where each column is in the file; -1 when absent. */
typedef struct column_map {
	const column_def *defs;
	long at[COL_MAX];
} column_map;

static bool header_names(const column_def *def, const char *cell)
{
	for (size_t i = 0; def->names[i]; i++)
		if (strcmp(def->names[i], cell) == 0 || ascii_equal_nocase(def->names[i], cell))
			return true;
	return false;
}

/* Reads the header row; returns false (with problems) when the rows cannot be read. */
static bool read_header(xf_import *imp, const column_def *defs, column_map *map)
{
	const xf_csv_record *h = &imp->table.records[0];
	bool ok = true;
	char quoted[QUOTE_BYTES + 4];
	map->defs = defs;
	for (size_t c = 0; c < COL_MAX; c++)
		map->at[c] = -1;
	imp->ignored_columns = xf_calloc(h->n_fields, sizeof *imp->ignored_columns);
	for (size_t f = 0; f < h->n_fields; f++) {
		char *cell = trim(h->fields[f]);
		if (!*cell)
			continue;
		size_t c = 0;
		while (defs[c].id && !header_names(&defs[c], cell))
			c++;
		if (!defs[c].id) {
			imp->ignored_columns[imp->n_ignored++] = cell;
			continue;
		}
		if (map->at[c] >= 0) {
			xf_csv_problem_add(&imp->problems, h->line, defs[c].id,
			                   "columns %ld and %zu are both '%s' ('%s'); keep one",
			                   map->at[c] + 1, f + 1, defs[c].id,
			                   quote_cell(cell, quoted));
			ok = false;
			continue;
		}
		map->at[c] = (long)f;
	}
	for (size_t c = 0; defs[c].id; c++) {
		if (!defs[c].required || map->at[c] >= 0)
			continue;
		char names[160] = "";
		size_t used = 0;
		for (size_t i = 0; defs[c].names[i] && used < sizeof names; i++)
			used += (size_t)snprintf(names + used, sizeof names - used, "%s'%s'",
			                         i ? ", " : "", defs[c].names[i]);
		xf_csv_problem_add(&imp->problems, h->line, defs[c].id,
		                   "the header has no column '%s' (name it %s)", defs[c].id, names);
		ok = false;
	}
	return ok;
}

/* The trimmed cell of column c in rec; NULL when the file has no such column. */
static const char *cell_of(const column_map *map, const xf_csv_record *rec, size_t c)
{
	if (map->at[c] < 0)
		return NULL;
	if ((size_t)map->at[c] >= rec->n_fields)
		return "";
	return trim(rec->fields[map->at[c]]);
}

/* Reports extra non-empty cells beyond the header; true when there were some. */
static bool extra_cells(xf_import *imp, const xf_csv_record *rec)
{
	size_t header = imp->table.records[0].n_fields;
	for (size_t f = header; f < rec->n_fields; f++)
		if (*trim(rec->fields[f])) {
			xf_csv_problem_add(
			    &imp->problems, rec->line, NULL,
			    "the row has %zu fields but the header names %zu columns; is a "
			    "comma in a value not quoted?",
			    rec->n_fields, header);
			return true;
		}
	return false;
}

static bool blank_record(const xf_csv_record *rec)
{
	for (size_t f = 0; f < rec->n_fields; f++)
		if (*trim(rec->fields[f]))
			return false;
	return true;
}

/* A text value: problems for control characters and length. Returns true when good. */
static bool text_ok(xf_import *imp, size_t line, const char *field, const char *value,
                    size_t max_chars)
{
	if (has_control(value)) {
		xf_csv_problem_add(&imp->problems, line, field,
		                   "'%s' must not contain line breaks or control characters",
		                   field);
		return false;
	}
	if (xf_utf8_chars(value) > max_chars) {
		xf_csv_problem_add(&imp->problems, line, field,
		                   "'%s' must be at most %zu characters", field, max_chars);
		return false;
	}
	return true;
}

/* ---- the units known: existing ones and, in unit files, those created so far ---- */

typedef struct known_unit {
	int64_t id;  /* > 0 stored; < 0 created by row (-id - 1) */
	long parent; /* index into the list, -1 top level or a parent we do not know */
	const char *name, *kind;
	long same_name;      /* the next unit with this name, -1 at the end */
	size_t claimed_line; /* a row of the file has named this unit already (unit files) */
} known_unit;

typedef struct unit_index {
	known_unit *units;
	size_t n, cap;
	long *buckets; /* first unit of each name's chain, -1 empty; open addressing */
	size_t n_buckets;
} unit_index;

static uint64_t hash_text(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* The bucket holding name's chain, or the empty bucket where it would go. */
static size_t bucket_of(const unit_index *x, const char *name)
{
	size_t i = (size_t)hash_text(name) & (x->n_buckets - 1);
	while (x->buckets[i] >= 0 && strcmp(x->units[x->buckets[i]].name, name) != 0)
		i = (i + 1) & (x->n_buckets - 1);
	return i;
}

static long index_add(unit_index *x, int64_t id, long parent, const char *name, const char *kind)
{
	if (x->n == x->cap)
		xf_die("unit index overflow"); /* sized for every unit and row up front */
	long at = (long)x->n++;
	known_unit *u = &x->units[at];
	*u = (known_unit){.id = id, .parent = parent, .name = name, .kind = kind, .same_name = -1};
	size_t b = bucket_of(x, name);
	u->same_name = x->buckets[b];
	x->buckets[b] = at;
	return at;
}

static int cmp_unit_id(const void *a, const void *b)
{
	int64_t x = ((const xf_csv_unit *)a)->id, y = ((const xf_csv_unit *)b)->id;
	return x < y ? -1 : x > y;
}

/* Indexes the stored units, with room for `extra` more. */
static void index_build(unit_index *x, const xf_csv_unit *units, size_t n_units, size_t extra)
{
	memset(x, 0, sizeof *x);
	x->cap = n_units + extra;
	x->units = xf_calloc(x->cap ? x->cap : 1, sizeof *x->units);
	x->n_buckets = 16;
	while (x->n_buckets < 2 * (x->cap + 1))
		x->n_buckets *= 2;
	x->buckets = xf_malloc(x->n_buckets * sizeof *x->buckets);
	for (size_t i = 0; i < x->n_buckets; i++)
		x->buckets[i] = -1;
	xf_csv_unit *sorted = xf_malloc((n_units ? n_units : 1) * sizeof *sorted);
	if (n_units)
		memcpy(sorted, units, n_units * sizeof *sorted);
	qsort(sorted, n_units, sizeof *sorted, cmp_unit_id);
	for (size_t i = 0; i < n_units; i++)
		index_add(x, sorted[i].id, -1, sorted[i].name ? sorted[i].name : "",
		          sorted[i].kind ? sorted[i].kind : "");
	for (size_t i = 0; i < n_units; i++) {
		xf_csv_unit key = {.id = sorted[i].parent_id};
		xf_csv_unit *p = sorted[i].parent_id > 0
		                     ? bsearch(&key, sorted, n_units, sizeof *sorted, cmp_unit_id)
		                     : NULL;
		x->units[i].parent = p ? (long)(p - sorted) : -1;
	}
	free(sorted);
}

static void index_release(unit_index *x)
{
	free(x->units);
	free(x->buckets);
	memset(x, 0, sizeof *x);
}

static long first_named(const unit_index *x, const char *name)
{
	return x->buckets[bucket_of(x, name)];
}

/* Whether unit u's ancestry ends with segments[0..n) (the last one is u itself); with
 * absolute, the first segment must be a top-level unit. Bounded against cycles. */
static bool path_matches(const unit_index *x, long u, char **segments, size_t n, bool absolute)
{
	for (size_t k = n; k-- > 0;) {
		if (u < 0 || strcmp(x->units[u].name, segments[k]) != 0)
			return false;
		u = x->units[u].parent;
	}
	return !absolute || u < 0;
}

/* Finds the unit a cell names: a unique name, or a path "上级/单位" (a leading '/'
 * starts at the top). Returns its index, -1 when none, -2 when several match (*count
 * and *example say how many and one of them). */
static long resolve(const unit_index *x, xf_arena *scratch, const char *ref, size_t *count,
                    long *example)
{
	long found = -1;
	*count = 0;
	for (long u = first_named(x, ref); u >= 0; u = x->units[u].same_name) {
		if (!*count)
			found = u;
		(*count)++;
	}
	if (*count == 0 && strchr(ref, '/')) {
		char *copy = xf_arena_strdup(scratch, ref);
		bool absolute = copy[0] == '/';
		char *segments[64];
		size_t n = 0;
		for (char *s = copy + absolute, *slash; s && n < XF_ARRAY_LEN(segments);
		     s = slash) {
			slash = strchr(s, '/');
			if (slash)
				*slash++ = '\0';
			segments[n++] = trim(s);
		}
		if (n > 0 && *segments[n - 1])
			for (long u = first_named(x, segments[n - 1]); u >= 0;
			     u = x->units[u].same_name)
				if (path_matches(x, u, segments, n, absolute)) {
					if (!*count)
						found = u;
					(*count)++;
				}
	}
	*example = found;
	return *count == 1 ? found : *count == 0 ? -1 : -2;
}

/* "本矿/综采一队/一班" for messages, into the arena. */
static const char *path_of(const unit_index *x, xf_arena *scratch, long u)
{
	const char *parts[8];
	size_t n = 0;
	for (long p = u; p >= 0 && n < XF_ARRAY_LEN(parts); p = x->units[p].parent)
		parts[n++] = x->units[p].name;
	xf_buf b = XF_BUF_INIT;
	while (n-- > 0)
		xf_buf_printf(&b, "%s%s", parts[n], n ? "/" : "");
	char *s = xf_arena_strdup(scratch, b.data ? b.data : "");
	xf_buf_release(&b);
	return s;
}

/* Resolves the unit named in column field of a row; reports and returns -1 when it
 * names none or several. */
static long unit_cell(xf_import *imp, const unit_index *x, size_t line, const char *field,
                      const char *ref, const char *where)
{
	size_t count;
	long example;
	char quoted[QUOTE_BYTES + 4];
	long u = resolve(x, &imp->table.arena, ref, &count, &example);
	if (u == -1)
		xf_csv_problem_add(&imp->problems, line, field, "unknown unit '%s'%s",
		                   quote_cell(ref, quoted), where);
	else if (u == -2)
		xf_csv_problem_add(
		    &imp->problems, line, field,
		    "unit '%s' is ambiguous: %zu units have that name; write its path, "
		    "e.g. '%s'",
		    quote_cell(ref, quoted), count, path_of(x, &imp->table.arena, example));
	return u < 0 ? -1 : u;
}

/* ---- the checks ---- */

enum { UNIT_C_NAME, UNIT_C_PARENT, UNIT_C_KIND };

/* A unit row's cells: a name (required, without '/'), a kind and a parent (stored or on an
 * earlier line). Returns whether the row can be keyed: its name and parent are good. The
 * parent's index in x goes to *parent_at, -1 for none. */
static bool unit_row_cells(xf_import *imp, unit_index *x, const column_map *map,
                           const xf_csv_record *rec, xf_unit_row *row, long *parent_at)
{
	char quoted[QUOTE_BYTES + 4];
	const char *name = cell_of(map, rec, UNIT_C_NAME);
	const char *parent = cell_of(map, rec, UNIT_C_PARENT);
	const char *kind = cell_of(map, rec, UNIT_C_KIND);
	bool name_ok = false;
	if (!*name)
		xf_csv_problem_add(&imp->problems, rec->line, "name", "'name' is required");
	else if (strchr(name, '/'))
		xf_csv_problem_add(
		    &imp->problems, rec->line, "name",
		    "'name' must not contain '/' (it separates the parts of a path)");
	else
		name_ok = text_ok(imp, rec->line, "name", name, NAME_MAX_CHARS);
	row->name = name;
	if (kind && *kind) {
		row->kind = xf_unit_kind_parse(kind);
		if (!row->kind)
			xf_csv_problem_add(
			    &imp->problems, rec->line, "kind",
			    "unknown kind '%s' (one of 矿, 科室, 区队, 其他 or mine, "
			    "department, team, other)",
			    quote_cell(kind, quoted));
	}
	*parent_at = -1;
	bool parent_ok = true;
	if (parent && *parent) {
		*parent_at = unit_cell(imp, x, rec->line, "parent", parent,
		                       " (neither stored nor on an earlier line)");
		parent_ok = *parent_at >= 0;
	}
	row->parent_id = *parent_at >= 0 ? x->units[*parent_at].id : 0;
	return name_ok && parent_ok;
}

/* The unit row i names: the same name under the same parent, stored (unchanged or updated)
 * or new (added to x). False when an earlier line of the file named it already. */
static bool unit_row_match(xf_import *imp, unit_index *x, const xf_csv_record *rec,
                           xf_unit_row *row, size_t i, long parent_at)
{
	long same = -1;
	for (long u = first_named(x, row->name); u >= 0 && same < 0; u = x->units[u].same_name)
		if (x->units[u].parent == parent_at)
			same = u;
	if (same >= 0 && (x->units[same].claimed_line || x->units[same].id < 0)) {
		char quoted[QUOTE_BYTES + 4];
		xf_csv_problem_add(&imp->problems, rec->line, "name",
		                   "unit '%s' is listed twice under the same parent (first on line "
		                   "%zu)",
		                   quote_cell(row->name, quoted), x->units[same].claimed_line);
		return false;
	}
	if (same >= 0) {
		x->units[same].claimed_line = rec->line;
		row->unit_id = x->units[same].id;
		row->action = row->kind && strcmp(row->kind, x->units[same].kind) != 0
		                  ? XF_IMPORT_UPDATE
		                  : XF_IMPORT_UNCHANGED;
	} else {
		long at = index_add(x, -(int64_t)i - 1, parent_at, row->name,
		                    row->kind ? row->kind : "department");
		x->units[at].claimed_line = rec->line;
		row->action = XF_IMPORT_CREATE;
	}
	return true;
}

static void check_units(xf_import *imp, const column_map *map, const xf_csv_unit *units,
                        size_t n_units)
{
	unit_index x;
	index_build(&x, units, n_units, imp->n_rows);
	imp->unit_rows = xf_calloc(imp->n_rows ? imp->n_rows : 1, sizeof *imp->unit_rows);
	for (size_t i = 0; i < imp->n_rows; i++) {
		const xf_csv_record *rec = &imp->table.records[i + 1];
		xf_unit_row *row = &imp->unit_rows[i];
		size_t before = xf_csv_problem_count(&imp->problems);
		row->line = rec->line;
		extra_cells(imp, rec);
		long parent_at;
		if (!unit_row_cells(imp, &x, map, rec, row, &parent_at) || /* cannot be keyed */
		    !unit_row_match(imp, &x, rec, row, i, parent_at)) {
			row->bad = true;
			continue;
		}
		row->bad = xf_csv_problem_count(&imp->problems) != before;
		if (row->bad)
			continue;
		imp->created += row->action == XF_IMPORT_CREATE;
		imp->updated += row->action == XF_IMPORT_UPDATE;
		imp->unchanged += row->action == XF_IMPORT_UNCHANGED;
	}
	index_release(&x);
}

/* Staff numbers seen in the file, for duplicates: open addressing over row indexes. */
static void check_staff(xf_import *imp, const column_map *map, const xf_csv_unit *units,
                        size_t n_units)
{
	enum { C_NUMBER, C_NAME, C_UNIT, C_POSITION, C_PHONE };
	unit_index x;
	index_build(&x, units, n_units, 0);
	imp->staff_rows = xf_calloc(imp->n_rows ? imp->n_rows : 1, sizeof *imp->staff_rows);
	size_t n_seen = 16;
	while (n_seen < 2 * (imp->n_rows + 1))
		n_seen *= 2;
	long *seen = xf_malloc(n_seen * sizeof *seen);
	for (size_t i = 0; i < n_seen; i++)
		seen[i] = -1;
	char quoted[QUOTE_BYTES + 4];
	for (size_t i = 0; i < imp->n_rows; i++) {
		const xf_csv_record *rec = &imp->table.records[i + 1];
		xf_staff_row *row = &imp->staff_rows[i];
		size_t before = xf_csv_problem_count(&imp->problems);
		row->line = rec->line;
		extra_cells(imp, rec);
		row->staff_number = cell_of(map, rec, C_NUMBER);
		row->name = cell_of(map, rec, C_NAME);
		row->position = cell_of(map, rec, C_POSITION);
		row->phone = cell_of(map, rec, C_PHONE);
		const char *unit = cell_of(map, rec, C_UNIT);

		const char *why = xf_staff_number_problem(row->staff_number);
		if (why && !*row->staff_number)
			xf_csv_problem_add(&imp->problems, rec->line, "staff_number",
			                   "'staff_number' is required");
		else if (why)
			xf_csv_problem_add(&imp->problems, rec->line, "staff_number",
			                   "'staff_number' '%s' %s",
			                   quote_cell(row->staff_number, quoted), why);
		else {
			size_t b = (size_t)hash_text(row->staff_number) & (n_seen - 1);
			while (seen[b] >= 0 && strcmp(imp->staff_rows[seen[b]].staff_number,
			                              row->staff_number) != 0)
				b = (b + 1) & (n_seen - 1);
			if (seen[b] >= 0)
				xf_csv_problem_add(
				    &imp->problems, rec->line, "staff_number",
				    "staff number '%s' is listed twice (first on line %zu)",
				    quote_cell(row->staff_number, quoted),
				    imp->staff_rows[seen[b]].line);
			else
				seen[b] = (long)i;
		}
		if (!*row->name)
			xf_csv_problem_add(&imp->problems, rec->line, "name", "'name' is required");
		else
			text_ok(imp, rec->line, "name", row->name, NAME_MAX_CHARS);
		if (!*unit)
			xf_csv_problem_add(&imp->problems, rec->line, "unit", "'unit' is required");
		else {
			long u = unit_cell(imp, &x, rec->line, "unit", unit, "");
			row->unit_id = u >= 0 ? x.units[u].id : 0;
		}
		if (row->position)
			text_ok(imp, rec->line, "position", row->position, POSITION_MAX_CHARS);
		if (row->phone && (why = xf_phone_problem(row->phone)) != NULL)
			xf_csv_problem_add(&imp->problems, rec->line, "phone", "'phone' '%s' %s",
			                   quote_cell(row->phone, quoted), why);
		row->bad = xf_csv_problem_count(&imp->problems) != before;
	}
	free(seen);
	index_release(&x);
}

void xf_import_init(xf_import *imp, xf_import_kind kind)
{
	memset(imp, 0, sizeof *imp);
	imp->kind = kind;
	xf_csv_table_init(&imp->table);
}

void xf_import_release(xf_import *imp)
{
	xf_csv_table_release(&imp->table);
	xf_csv_problems_release(&imp->problems);
	free(imp->ignored_columns);
	free(imp->unit_rows);
	free(imp->staff_rows);
	memset(imp, 0, sizeof *imp);
}

void xf_import_check(xf_import *imp, const char *bytes, size_t len, const xf_csv_unit *units,
                     size_t n_units)
{
	xf_buf text = XF_BUF_INIT;
	if (xf_csv_decode(bytes, len, &text, &imp->encoding, &imp->problems) != XF_OK) {
		xf_buf_release(&text);
		return;
	}
	imp->decoded = true;
	xf_csv_parse(text.data ? text.data : "", text.len, &imp->table, &imp->problems);
	xf_buf_release(&text);
	const xf_csv_table *t = &imp->table;
	if (t->n_records == 0) {
		xf_csv_problem_add(&imp->problems, 1, NULL,
		                   "the file is empty; its first line must name the columns");
		return;
	}
	/* Blank rows (only empty cells, as spreadsheets write below the data) are dropped. */
	size_t kept = 1;
	for (size_t r = 1; r < t->n_records; r++)
		if (!blank_record(&t->records[r]))
			imp->table.records[kept++] = t->records[r];
	imp->table.n_records = kept;
	imp->n_rows = kept - 1;
	if (imp->n_rows > XF_CSV_MAX_ROWS) {
		xf_csv_problem_add(&imp->problems, t->records[XF_CSV_MAX_ROWS + 1].line, NULL,
		                   "the file has %zu rows, more than %d; split it", imp->n_rows,
		                   XF_CSV_MAX_ROWS);
		return; /* the rows are counted, not checked */
	}
	column_map map;
	const column_def *defs = imp->kind == XF_IMPORT_UNITS ? unit_columns : staff_columns;
	if (!read_header(imp, defs, &map)) {
		imp->n_rows = kept - 1;
		return;
	}
	if (imp->kind == XF_IMPORT_UNITS)
		check_units(imp, &map, units, n_units);
	else
		check_staff(imp, &map, units, n_units);
}

json_t *xf_import_report_json(const xf_import *imp)
{
	json_t *problems = json_array(), *ignored = json_array();
	for (size_t i = 0; i < imp->problems.n; i++) {
		const xf_csv_problem *p = &imp->problems.items[i];
		json_array_append_new(
		    problems, json_pack("{s:o, s:o, s:s}", "line",
		                        p->line ? json_integer((json_int_t)p->line) : json_null(),
		                        "field", p->field[0] ? json_string(p->field) : json_null(),
		                        "message", p->message));
	}
	for (size_t i = 0; i < imp->n_ignored; i++)
		json_array_append_new(ignored, json_string(imp->ignored_columns[i]));
	return json_pack("{s:b, s:s, s:I, s:o, s:I, s:o, s:I, s:I, s:I}", "ok",
	                 xf_csv_problem_count(&imp->problems) == 0, "encoding",
	                 xf_csv_encoding_name(imp->encoding), "rows", (json_int_t)imp->n_rows,
	                 "problems", problems, "problems_dropped",
	                 (json_int_t)imp->problems.dropped, "ignored_columns", ignored, "created",
	                 (json_int_t)imp->created, "updated", (json_int_t)imp->updated, "unchanged",
	                 (json_int_t)imp->unchanged);
}
