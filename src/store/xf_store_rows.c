/* Row reading helpers of the store: see xf_store_rows.h. */
#include "store/xf_store_rows.h"

#include <stdio.h>

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

json_t *xf_row_parse_own(xf_buf *b)
{
	json_t *v = json_loadb(b->data, b->len, 0, NULL);
	if (!v)
		xf_die("the store wrote JSON it cannot read back: %s", b->data);
	xf_buf_release(b);
	return v;
}
