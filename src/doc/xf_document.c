/* The document model's builder (every string copied into the document's arena,
 * checked as UTF-8, control characters dropped), the output sink the writers share,
 * and the JSON form read by `xinfang render` (xf_doc_from_json). */
#include "doc/xf_document.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "util/xf_utf8.h"

xf_document *xf_doc_new(void)
{
	xf_document *d = calloc(1, sizeof *d);
	if (!d)
		abort();
	xf_arena_init(&d->arena);
	d->meta_tail = &d->meta;
	d->sections_tail = &d->sections;
	return d;
}

void xf_doc_free(xf_document *d)
{
	if (!d)
		return;
	xf_arena_release(&d->arena);
	free(d);
}

/* A copy of s without control characters other than \n and \t (\r\n becomes \n);
 * NULL when s is not valid UTF-8 or too long. NULL s copies as "". */
static const char *copy_text(xf_document *d, const char *s)
{
	if (!s)
		return "";
	size_t n = strlen(s);
	if (n > XF_DOC_MAX_TEXT || !xf_utf8_valid(s, n))
		return NULL;
	char *out = xf_arena_alloc(&d->arena, n + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
			continue;
		/* U+0080..U+009F (C1 controls), U+FFFE and U+FFFF: not for XML 1.0 either */
		if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			p++;
			continue;
		}
		if (p[0] == 0xef && p[1] == 0xbf && (p[2] == 0xbe || p[2] == 0xbf)) {
			p += 2;
			continue;
		}
		*o++ = (char)*p;
	}
	*o = '\0';
	return out;
}

#define SETTER(field)                                                                              \
	int xf_doc_set_##field(xf_document *d, const char *s)                                      \
	{                                                                                          \
		const char *c = s ? copy_text(d, s) : NULL;                                        \
		if (s && !c)                                                                       \
			return XF_ERR;                                                             \
		d->field = c && *c ? c : NULL;                                                     \
		return XF_OK;                                                                      \
	}
SETTER(title)
SETTER(issuer)
SETTER(number)
SETTER(date)
SETTER(recipient)
SETTER(watermark)

int xf_doc_add_meta(xf_document *d, const char *key, const char *value)
{
	const char *k = copy_text(d, key), *v = copy_text(d, value);
	if (!k || !v)
		return XF_ERR;
	xf_doc_kv *kv = xf_arena_alloc(&d->arena, sizeof *kv);
	kv->key = k;
	kv->value = v;
	*d->meta_tail = kv;
	d->meta_tail = &kv->next;
	return XF_OK;
}

void xf_doc_format_date(char out[32], int year, int month, int day)
{
	snprintf(out, 32, "%d年%d月%d日", year, month, day);
}

xf_doc_section *xf_doc_section_add(xf_document *d, const char *heading, int level)
{
	const char *h = copy_text(d, heading);
	if (!h || level < 1 || level > 3 || d->n_blocks >= XF_DOC_MAX_BLOCKS)
		return NULL;
	xf_doc_section *s = xf_arena_alloc(&d->arena, sizeof *s);
	s->heading = h;
	s->level = level;
	s->blocks_tail = &s->blocks;
	*d->sections_tail = s;
	d->sections_tail = &s->next;
	d->n_sections++;
	d->n_blocks++; /* a heading counts as a block against the limit */
	return s;
}

static xf_doc_block *block_add(xf_document *d, xf_doc_section *s, xf_doc_block_kind kind)
{
	if (d->n_blocks >= XF_DOC_MAX_BLOCKS)
		return NULL;
	xf_doc_block *b = xf_arena_alloc(&d->arena, sizeof *b);
	b->kind = kind;
	b->items_tail = &b->items;
	b->header_tail = &b->header;
	b->rows_tail = &b->rows;
	*s->blocks_tail = b;
	s->blocks_tail = &b->next;
	d->n_blocks++;
	return b;
}

xf_doc_block *xf_doc_paragraph(xf_document *d, xf_doc_section *s, const char *text)
{
	const char *t = copy_text(d, text);
	if (!t)
		return NULL;
	xf_doc_block *b = block_add(d, s, XF_DOC_PARAGRAPH);
	if (b)
		b->text = t;
	return b;
}

xf_doc_block *xf_doc_kv_add(xf_document *d, xf_doc_section *s, const char *key, const char *value)
{
	const char *k = copy_text(d, key), *v = copy_text(d, value);
	if (!k || !v || d->n_cells + 2 > XF_DOC_MAX_CELLS)
		return NULL;
	xf_doc_block *b = NULL;
	for (xf_doc_block *x = s->blocks; x; x = x->next)
		b = x;
	if (!b || b->kind != XF_DOC_KV)
		b = block_add(d, s, XF_DOC_KV);
	if (!b)
		return NULL;
	xf_doc_kv *kv = xf_arena_alloc(&d->arena, sizeof *kv);
	kv->key = k;
	kv->value = v;
	*b->items_tail = kv;
	b->items_tail = &kv->next;
	d->n_cells += 2;
	return b;
}

xf_doc_block *xf_doc_table(xf_document *d, xf_doc_section *s, size_t n_cols, const double *widths)
{
	if (n_cols < 1 || n_cols > XF_DOC_MAX_COLS)
		return NULL;
	if (widths)
		for (size_t i = 0; i < n_cols; i++)
			if (!(widths[i] > 0 && widths[i] < 1e6))
				return NULL;
	xf_doc_block *b = block_add(d, s, XF_DOC_TABLE);
	if (!b)
		return NULL;
	b->n_cols = n_cols;
	if (widths) {
		b->widths = xf_arena_alloc(&d->arena, n_cols * sizeof *b->widths);
		memcpy(b->widths, widths, n_cols * sizeof *b->widths);
	}
	return b;
}

static xf_doc_row *row_make(xf_document *d, xf_doc_block *t, const char *const *cells)
{
	if (d->n_cells + t->n_cols > XF_DOC_MAX_CELLS)
		return NULL;
	xf_doc_row *r = xf_arena_alloc(&d->arena, sizeof *r);
	r->cells = xf_arena_alloc(&d->arena, t->n_cols * sizeof *r->cells);
	for (size_t i = 0; i < t->n_cols; i++)
		if (!(r->cells[i] = copy_text(d, cells ? cells[i] : NULL)))
			return NULL;
	d->n_cells += t->n_cols;
	return r;
}

/* Appends a row of cells at *tail (a list of t's) and counts it in *n. */
static int row_append(xf_document *d, xf_doc_block *t, const char *const *cells, xf_doc_row ***tail,
                      size_t *n)
{
	xf_doc_row *r = row_make(d, t, cells);
	if (!r)
		return XF_ERR;
	**tail = r;
	*tail = &r->next;
	(*n)++;
	return XF_OK;
}

int xf_doc_table_header(xf_document *d, xf_doc_block *t, const char *const *cells)
{
	return row_append(d, t, cells, &t->header_tail, &t->n_header);
}

int xf_doc_table_row(xf_document *d, xf_doc_block *t, const char *const *cells)
{
	return row_append(d, t, cells, &t->rows_tail, &t->n_rows);
}

int xf_doc_sink_write(xf_doc_sink *s, const void *bytes, size_t n)
{
	if (s->failed)
		return XF_ERR;
	if (s->buf) {
		if (xf_buf_append(s->buf, bytes, n) != XF_OK)
			s->failed = true;
		return s->failed ? XF_ERR : XF_OK;
	}
	const char *p = bytes;
	while (n > 0) {
		ssize_t w = write(s->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			s->failed = true;
			return XF_ERR;
		}
		p += w;
		n -= (size_t)w;
	}
	return XF_OK;
}

/* ---- the JSON form ---- */

typedef struct jctx {
	xf_document *d;
	char *err;
	char path[160];
} jctx;

static int fail(jctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(jctx *c, const char *fmt, ...)
{
	char msg[128];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(c->err, 256, "%.120s: %.120s", c->path, msg);
	return XF_ERR;
}

/* The optional string member `name` of o; XF_ERR when present and not a string. */
static int opt_string(jctx *c, json_t *o, const char *name, const char **out)
{
	json_t *v = json_object_get(o, name);
	*out = NULL;
	if (!v || json_is_null(v))
		return XF_OK;
	size_t base = strlen(c->path);
	snprintf(c->path + base, sizeof c->path - base, "%s%s", base ? "." : "", name);
	if (!json_is_string(v))
		return fail(c, "expected a string");
	if (json_string_length(v) > XF_DOC_MAX_TEXT)
		return fail(c, "longer than %u bytes", XF_DOC_MAX_TEXT);
	if (strlen(json_string_value(v)) != json_string_length(v))
		return fail(c, "contains a NUL character");
	c->path[base] = '\0';
	*out = json_string_value(v);
	return XF_OK;
}

static void path_push(jctx *c, size_t *saved, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void path_push(jctx *c, size_t *saved, const char *fmt, ...)
{
	*saved = strlen(c->path);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->path + *saved, sizeof c->path - *saved, fmt, ap);
	va_end(ap);
}

static int string_cells(jctx *c, json_t *row, size_t n_cols, const char **cells)
{
	if (!json_is_array(row))
		return fail(c, "expected an array of %zu strings", n_cols);
	if (json_array_size(row) != n_cols)
		return fail(c, "expected %zu cells, found %zu", n_cols, json_array_size(row));
	for (size_t i = 0; i < n_cols; i++) {
		json_t *v = json_array_get(row, i);
		if (json_is_null(v)) {
			cells[i] = NULL;
			continue;
		}
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v) ||
		    json_string_length(v) > XF_DOC_MAX_TEXT) {
			size_t saved;
			path_push(c, &saved, "[%zu]", i);
			return fail(c, "expected a string");
		}
		cells[i] = json_string_value(v);
	}
	return XF_OK;
}

static int table_rows(jctx *c, json_t *b, const char *name, xf_doc_block *t, bool header)
{
	json_t *rows = json_object_get(b, name);
	size_t saved;
	path_push(c, &saved, ".%s", name);
	if (!rows) {
		c->path[saved] = '\0';
		return XF_OK;
	}
	if (!json_is_array(rows))
		return fail(c, "expected an array of rows");
	const char *cells[XF_DOC_MAX_COLS];
	for (size_t i = 0; i < json_array_size(rows); i++) {
		size_t s2;
		path_push(c, &s2, "[%zu]", i);
		if (string_cells(c, json_array_get(rows, i), t->n_cols, cells) != XF_OK)
			return XF_ERR;
		int rc =
		    header ? xf_doc_table_header(c->d, t, cells) : xf_doc_table_row(c->d, t, cells);
		if (rc != XF_OK)
			return fail(c, "too many cells (at most %d in a document)",
			            XF_DOC_MAX_CELLS);
		c->path[s2] = '\0';
	}
	c->path[saved] = '\0';
	return XF_OK;
}

static int block_from_json(jctx *c, xf_doc_section *s, json_t *b)
{
	if (json_is_string(b)) { /* shorthand: a paragraph */
		if (strlen(json_string_value(b)) != json_string_length(b))
			return fail(c, "contains a NUL character");
		if (!xf_doc_paragraph(c->d, s, json_string_value(b)))
			return fail(c, "too long or too many blocks");
		return XF_OK;
	}
	if (!json_is_object(b))
		return fail(c, "expected an object or a string");
	const char *type;
	if (opt_string(c, b, "type", &type) != XF_OK)
		return XF_ERR;
	if (!type)
		return fail(c, "missing \"type\" (paragraph, kv or table)");
	if (strcmp(type, "paragraph") == 0) {
		const char *text;
		if (opt_string(c, b, "text", &text) != XF_OK)
			return XF_ERR;
		if (!text)
			return fail(c, "missing \"text\"");
		if (!xf_doc_paragraph(c->d, s, text))
			return fail(c, "too many blocks (at most %d)", XF_DOC_MAX_BLOCKS);
		return XF_OK;
	}
	if (strcmp(type, "kv") == 0) {
		json_t *items = json_object_get(b, "items");
		size_t saved;
		path_push(c, &saved, ".items");
		if (!json_is_array(items))
			return fail(c, "expected an array of [key, value] pairs");
		for (size_t i = 0; i < json_array_size(items); i++) {
			const char *kv[2];
			size_t s2;
			path_push(c, &s2, "[%zu]", i);
			if (string_cells(c, json_array_get(items, i), 2, kv) != XF_OK)
				return XF_ERR;
			if (!xf_doc_kv_add(c->d, s, kv[0], kv[1]))
				return fail(c, "too many cells or blocks");
			c->path[s2] = '\0';
		}
		c->path[saved] = '\0';
		return XF_OK;
	}
	if (strcmp(type, "table") != 0)
		return fail(c, "unknown type '%.40s' (paragraph, kv or table)", type);
	json_t *cols = json_object_get(b, "columns"), *widths = json_object_get(b, "widths");
	size_t saved;
	if (!json_is_integer(cols) || json_integer_value(cols) < 1 ||
	    json_integer_value(cols) > XF_DOC_MAX_COLS) {
		path_push(c, &saved, ".columns");
		return fail(c, "expected a whole number from 1 to %d", XF_DOC_MAX_COLS);
	}
	size_t n = (size_t)json_integer_value(cols);
	double w[XF_DOC_MAX_COLS];
	if (widths) {
		path_push(c, &saved, ".widths");
		if (!json_is_array(widths) || json_array_size(widths) != n)
			return fail(c, "expected %zu positive numbers", n);
		for (size_t i = 0; i < n; i++) {
			json_t *v = json_array_get(widths, i);
			if (!json_is_number(v) || !(json_number_value(v) > 0) ||
			    json_number_value(v) >= 1e6)
				return fail(c, "expected %zu positive numbers", n);
			w[i] = json_number_value(v);
		}
		c->path[saved] = '\0';
	}
	xf_doc_block *t = xf_doc_table(c->d, s, n, widths ? w : NULL);
	if (!t)
		return fail(c, "too many blocks (at most %d)", XF_DOC_MAX_BLOCKS);
	if (table_rows(c, b, "header", t, true) != XF_OK ||
	    table_rows(c, b, "rows", t, false) != XF_OK)
		return XF_ERR;
	return XF_OK;
}

static const char *const document_keys[] = {"title",     "issuer",    "number", "date",
                                            "recipient", "watermark", "meta",   "sections",
                                            "one_page",  NULL};

/* The document's own fields: no unknown key, the texts of the 文头, and a title. */
static int head_from_json(jctx *c, json_t *root)
{
	const char *key;
	json_t *v;
	json_object_foreach(root, key, v)
	{
		if (!xf_str_in(key, document_keys)) {
			snprintf(c->path, sizeof c->path, "%.60s", key);
			return fail(c, "unknown field");
		}
	}
	const char *s;
	int (*setters[])(xf_document *, const char *) = {
	    xf_doc_set_title, xf_doc_set_issuer,    xf_doc_set_number,
	    xf_doc_set_date,  xf_doc_set_recipient, xf_doc_set_watermark};
	for (size_t i = 0; i < XF_ARRAY_LEN(setters); i++) {
		if (opt_string(c, root, document_keys[i], &s) != XF_OK)
			return XF_ERR;
		if (setters[i](c->d, s) != XF_OK) {
			snprintf(c->path, sizeof c->path, "%s", document_keys[i]);
			return fail(c, "not valid text");
		}
	}
	json_t *one_page = json_object_get(root, "one_page");
	if (one_page && !json_is_boolean(one_page)) {
		snprintf(c->path, sizeof c->path, "one_page");
		return fail(c, "expected true or false");
	}
	c->d->one_page = json_is_true(one_page);
	if (!c->d->title) {
		snprintf(c->path, sizeof c->path, "title");
		return fail(c, "missing; a document needs a title");
	}
	return XF_OK;
}

/* "meta": the 版记, [key, value] pairs, at most 64. */
static int meta_from_json(jctx *c, json_t *meta)
{
	snprintf(c->path, sizeof c->path, "meta");
	if (!json_is_array(meta))
		return fail(c, "expected an array of [key, value] pairs");
	for (size_t i = 0; i < json_array_size(meta); i++) {
		const char *kv[2];
		snprintf(c->path, sizeof c->path, "meta[%zu]", i);
		if (string_cells(c, json_array_get(meta, i), 2, kv) != XF_OK)
			return XF_ERR;
		if (i >= 64 || xf_doc_add_meta(c->d, kv[0], kv[1]) != XF_OK)
			return fail(c, "too many entries (at most 64)");
	}
	return XF_OK;
}

/* sections[i]: {heading, level, attachment, blocks}, c->path naming it. */
static int section_from_json(jctx *c, json_t *sec)
{
	if (!json_is_object(sec))
		return fail(c, "expected an object");
	const char *heading;
	if (opt_string(c, sec, "heading", &heading) != XF_OK)
		return XF_ERR;
	json_t *level = json_object_get(sec, "level"), *att = json_object_get(sec, "attachment");
	int lv = 1;
	if (level) {
		if (!json_is_integer(level) || json_integer_value(level) < 1 ||
		    json_integer_value(level) > 3)
			return fail(c, "level: expected 1, 2 or 3");
		lv = (int)json_integer_value(level);
	}
	if (att && !json_is_boolean(att))
		return fail(c, "attachment: expected true or false");
	xf_doc_section *s = xf_doc_section_add(c->d, heading, lv);
	if (!s)
		return fail(c, "too many blocks (at most %d)", XF_DOC_MAX_BLOCKS);
	s->attachment = att && json_is_true(att);
	json_t *blocks = json_object_get(sec, "blocks");
	if (!blocks)
		return XF_OK;
	size_t base = strlen(c->path);
	if (!json_is_array(blocks))
		return fail(c, "blocks: expected an array");
	for (size_t j = 0; j < json_array_size(blocks); j++) {
		snprintf(c->path + base, sizeof c->path - base, ".blocks[%zu]", j);
		if (block_from_json(c, s, json_array_get(blocks, j)) != XF_OK)
			return XF_ERR;
	}
	return XF_OK;
}

static int document_from_json(jctx *c, json_t *root)
{
	if (!json_is_object(root)) {
		snprintf(c->path, sizeof c->path, "(document)");
		return fail(c, "expected an object");
	}
	if (head_from_json(c, root) != XF_OK)
		return XF_ERR;
	json_t *meta = json_object_get(root, "meta");
	if (meta && meta_from_json(c, meta) != XF_OK)
		return XF_ERR;
	json_t *sections = json_object_get(root, "sections");
	snprintf(c->path, sizeof c->path, "sections");
	if (!json_is_array(sections))
		return fail(c, "expected an array of sections");
	for (size_t i = 0; i < json_array_size(sections); i++) {
		snprintf(c->path, sizeof c->path, "sections[%zu]", i);
		if (section_from_json(c, json_array_get(sections, i)) != XF_OK)
			return XF_ERR;
	}
	return XF_OK;
}

xf_document *xf_doc_from_json(const char *text, size_t len, char err[256])
{
	json_error_t je;
	json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		snprintf(err, 256, "(document): not valid JSON at line %d column %d: %s", je.line,
		         je.column, je.text);
		xf_utf8_clean(err);
		return NULL;
	}
	jctx c = {.d = xf_doc_new(), .err = err};
	int rc = document_from_json(&c, root);
	json_decref(root);
	if (rc != XF_OK) {
		xf_doc_free(c.d);
		xf_utf8_clean(err); /* a name or a JSON excerpt cut inside a character */
		return NULL;
	}
	return c.d;
}
