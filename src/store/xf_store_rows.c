/* Row reading helpers of the store: see xf_store_rows.h. */
#include "store/xf_store_rows.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xf_util.h"

const char *xf_row_text(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	return s ? s : "";
}

void xf_row_copy(char *out, size_t size, sqlite3_stmt *st, int i)
{
	snprintf(out, size, "%s", xf_row_text(st, i));
}

json_t *xf_row_id(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
	           ? json_null()
	           : json_integer(sqlite3_column_int64(st, i));
}

void xf_bind_id(sqlite3_stmt *st, int i, int64_t id)
{
	if (id > 0)
		sqlite3_bind_int64(st, i, id);
	else
		sqlite3_bind_null(st, i);
}

json_t *xf_row_time(sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL || sqlite3_column_int64(st, i) == 0)
		return json_null();
	char text[XF_TIME_LEN];
	xf_time_format(sqlite3_column_int64(st, i), text);
	return json_string(text);
}

int xf_row_one(xf_db *db, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		return XF_OK;
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? XF_NOTFOUND : xf_db_fail(db, rc);
}

int xf_row_changed(xf_db *db, int rc)
{
	if (rc == XF_OK && sqlite3_changes(xf_db_handle(db)) == 0)
		return XF_NOTFOUND;
	return rc;
}

int xf_rows_read(xf_db *db, sqlite3_stmt *st, size_t elem, void (*read)(sqlite3_stmt *, void *),
                 void **out, size_t *n)
{
	assert(elem > 0 && read);
	unsigned char *items = NULL;
	size_t count = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			cap = xf_grow_cap(count + 1, cap, elem);
			items = xf_realloc(items, cap * elem);
		}
		read(st, items + count * elem);
		count++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(items);
		return xf_db_fail(db, rc);
	}
	*out = items;
	*n = count;
	return XF_OK;
}

static void read_id(sqlite3_stmt *st, void *out)
{
	*(int64_t *)out = sqlite3_column_int64(st, 0);
}

int xf_rows_ids(xf_db *db, sqlite3_stmt *st, int64_t **out, size_t *n)
{
	void *ids;
	int rc = xf_rows_read(db, st, sizeof **out, read_id, &ids, n);
	if (rc == XF_OK)
		*out = ids;
	return rc;
}

int xf_rows_json_where(xf_db *db, sqlite3_stmt *st, bool (*keep)(sqlite3_stmt *, const void *),
                       const void *ctx, json_t *(*read)(sqlite3_stmt *), json_t **out)
{
	json_t *list = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (!keep || keep(st, ctx))
			json_array_append_new(list, read(st));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		json_decref(list);
		return xf_db_fail(db, rc);
	}
	*out = list;
	return XF_OK;
}

int xf_rows_json(xf_db *db, sqlite3_stmt *st, json_t *(*read)(sqlite3_stmt *), json_t **out)
{
	return xf_rows_json_where(db, st, NULL, NULL, read, out);
}

int xf_rows_json_by_id(xf_db *db, sqlite3_stmt *st, int (*one)(xf_db *, int64_t, json_t **),
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

int xf_row_get(xf_db *db, sqlite3_stmt *st, void (*read)(sqlite3_stmt *, void *), void *out)
{
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	read(st, out);
	sqlite3_reset(st);
	return XF_OK;
}

/* xf_row_json through xf_row_get: the reader and the value it made. */
typedef struct json_reader {
	json_t *(*read)(sqlite3_stmt *);
	json_t *value;
} json_reader;

static void read_json(sqlite3_stmt *st, void *out)
{
	json_reader *r = out;
	r->value = r->read(st);
}

int xf_row_json(xf_db *db, sqlite3_stmt *st, json_t *(*read)(sqlite3_stmt *), json_t **out)
{
	json_reader r = {read, NULL};
	int rc = xf_row_get(db, st, read_json, &r);
	if (rc == XF_OK)
		*out = r.value;
	return rc;
}

int xf_row_int64(xf_db *db, sqlite3_stmt *st, int64_t *out)
{
	return xf_row_get(db, st, read_id, out);
}

int xf_row_insert(xf_db *db, sqlite3_stmt *st, int64_t *id)
{
	int rc = xf_db_exec(db, st);
	if (rc == XF_OK)
		*id = sqlite3_last_insert_rowid(xf_db_handle(db));
	return rc;
}

json_t *xf_row_string(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? json_null()
	                                                 : json_string(xf_row_text(st, i));
}
