/* Row reading helpers of the store: see xf_store_rows.h. */
#include "store/xf_store_rows.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/xf_store_hooks.h"
#include "util/xf_util.h"

const char *xf_row_text(xf_sql_stmt *st, int i)
{
	const char *s = xf_sql_column_text(st, i);
	return s ? s : "";
}

void xf_row_copy(char *out, size_t size, xf_sql_stmt *st, int i)
{
	snprintf(out, size, "%s", xf_row_text(st, i));
}

json_t *xf_row_id(xf_sql_stmt *st, int i)
{
	return xf_sql_column_is_null(st, i) ? json_null()
	                                    : json_integer(xf_sql_column_int64(st, i));
}

void xf_bind_id(xf_sql_stmt *st, int i, int64_t id)
{
	if (id > 0)
		xf_sql_bind_int64(st, i, id);
	else
		xf_sql_bind_null(st, i);
}

json_t *xf_row_time(xf_sql_stmt *st, int i)
{
	if (xf_sql_column_is_null(st, i) || xf_sql_column_int64(st, i) == 0)
		return json_null();
	char text[XF_TIME_LEN];
	xf_time_format(xf_sql_column_int64(st, i), text);
	return json_string(text);
}

int xf_row_one(xf_db *db, xf_sql_stmt *st)
{
	int rc = xf_sql_step(st);
	if (rc == XF_SQL_ROW)
		return XF_OK;
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_NOTFOUND : xf_db_fail(db, rc);
}

int xf_row_none(xf_db *db, xf_sql_stmt *st)
{
	int rc = xf_row_one(db, st);
	if (rc == XF_OK) {
		xf_sql_reset(st);
		return XF_CONFLICT;
	}
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

int xf_row_changed(xf_db *db, int rc)
{
	if (rc == XF_OK && xf_db_changes(db) == 0)
		return XF_NOTFOUND;
	return rc;
}

int xf_rows_read(xf_db *db, xf_sql_stmt *st, size_t elem, void (*read)(xf_sql_stmt *, void *),
                 void **out, size_t *n)
{
	assert(elem > 0 && read);
	unsigned char *items = NULL;
	size_t count = 0, cap = 0;
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		if (count == cap) {
			cap = xf_grow_cap(count + 1, cap, elem);
			items = xf_realloc(items, cap * elem);
		}
		read(st, items + count * elem);
		count++;
	}
	xf_sql_reset(st);
	if (rc != XF_SQL_DONE) {
		free(items);
		return xf_db_fail(db, rc);
	}
	*out = items;
	*n = count;
	return XF_OK;
}

static void read_id(xf_sql_stmt *st, void *out)
{
	*(int64_t *)out = xf_sql_column_int64(st, 0);
}

int xf_rows_ids(xf_db *db, xf_sql_stmt *st, int64_t **out, size_t *n)
{
	void *ids;
	int rc = xf_rows_read(db, st, sizeof **out, read_id, &ids, n);
	if (rc == XF_OK)
		*out = ids;
	return rc;
}

int xf_rows_json_where(xf_db *db, xf_sql_stmt *st, bool (*keep)(xf_sql_stmt *, const void *),
                       const void *ctx, json_t *(*read)(xf_sql_stmt *), json_t **out)
{
	json_t *list = json_array();
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW)
		if (!keep || keep(st, ctx))
			json_array_append_new(list, read(st));
	xf_sql_reset(st);
	if (rc != XF_SQL_DONE) {
		json_decref(list);
		return xf_db_fail(db, rc);
	}
	*out = list;
	return XF_OK;
}

int xf_rows_json(xf_db *db, xf_sql_stmt *st, json_t *(*read)(xf_sql_stmt *), json_t **out)
{
	return xf_rows_json_where(db, st, NULL, NULL, read, out);
}

int xf_rows_json_by_id(xf_db *db, xf_sql_stmt *st, int (*one)(xf_db *, int64_t, json_t **),
                       json_t **out)
{
	int64_t *ids;
	size_t n;
	int rc = xf_rows_ids(db, st, &ids, &n);
	if (rc != XF_OK)
		return rc;
	json_t *list = json_array();
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		json_t *item;
		if ((rc = one(db, ids[i], &item)) == XF_OK)
			json_array_append_new(list, item);
	}
	free(ids);
	if (rc != XF_OK) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return XF_OK;
}

int xf_row_get(xf_db *db, xf_sql_stmt *st, void (*read)(xf_sql_stmt *, void *), void *out)
{
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	read(st, out);
	xf_sql_reset(st);
	return XF_OK;
}

/* xf_row_json through xf_row_get: the reader and the value it made. */
typedef struct json_reader {
	json_t *(*read)(xf_sql_stmt *);
	json_t *value;
} json_reader;

static void read_json(xf_sql_stmt *st, void *out)
{
	json_reader *r = out;
	r->value = r->read(st);
}

int xf_row_json(xf_db *db, xf_sql_stmt *st, json_t *(*read)(xf_sql_stmt *), json_t **out)
{
	json_reader r = {read, NULL};
	int rc = xf_row_get(db, st, read_json, &r);
	if (rc == XF_OK)
		*out = r.value;
	return rc;
}

int xf_row_int64(xf_db *db, xf_sql_stmt *st, int64_t *out)
{
	return xf_row_get(db, st, read_id, out);
}

int xf_row_insert(xf_db *db, xf_sql_stmt *st, int64_t *id)
{
	int rc = xf_sql_step(st);
	if (rc == XF_SQL_ROW) {
		*id = xf_sql_column_int64(st, 0);
		rc = xf_sql_step(st);
	} else if (rc == XF_SQL_DONE) {
		xf_sql_reset(st);
		xf_db_set_error(db, "an insert gave no id: '%.200s' lacks RETURNING?",
		                xf_sql_text(st));
		return XF_ERR;
	}
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}

json_t *xf_row_string(xf_sql_stmt *st, int i)
{
	return xf_sql_column_is_null(st, i) ? json_null() : json_string(xf_row_text(st, i));
}

void xf_row_int64s(xf_sql_stmt *st, int first, ...)
{
	va_list ap;
	va_start(ap, first);
	for (int64_t *f; (f = va_arg(ap, int64_t *)) != NULL; first++)
		*f = xf_sql_column_int64(st, first);
	va_end(ap);
}

int xf_rows_json_key(xf_db *db, json_t *obj, const char *key, const char *sql, int64_t id,
                     json_t *(*read)(xf_sql_stmt *))
{
	xf_sql_stmt *st = xf_db_prepare(db, sql);
	xf_sql_bind_int64(st, 1, id);
	json_t *list;
	int rc = xf_rows_json(db, st, read, &list);
	if (rc == XF_OK)
		json_object_set_new(obj, key, list);
	return rc;
}
