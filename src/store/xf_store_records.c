/* Records of incidents: the SQL of xf_store_records.h (the table is migration 12 in
 * xf_migrations.c). The files themselves live under the data directory; see
 * src/api/records.c. */
#include "store/xf_store_records.h"

#include <stdlib.h>
#include <string.h>

#include "store/xf_store_db.h"
#include "store/xf_store_rows.h"

static void bind_text_or_null(xf_sql_stmt *st, int i, const char *text)
{
	if (text)
		xf_sql_bind_text(st, i, text, -1);
	else
		xf_sql_bind_null(st, i);
}

int xf_store_record_insert(xf_db *db, const xf_record_new *in, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "INSERT INTO records (incident_id, kind, title, captured_ms, place, note, filename,"
	    " sha256, size, mime, thumb_sha256, interview, added_by, added_ms)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id");
	xf_sql_bind_int64(st, 1, in->incident_id);
	xf_sql_bind_text(st, 2, in->kind, -1);
	xf_sql_bind_text(st, 3, in->title ? in->title : "", -1);
	if (in->captured_ms)
		xf_sql_bind_int64(st, 4, in->captured_ms);
	else
		xf_sql_bind_null(st, 4);
	xf_sql_bind_text(st, 5, in->place ? in->place : "", -1);
	xf_sql_bind_text(st, 6, in->note ? in->note : "", -1);
	bind_text_or_null(st, 7, in->filename);
	bind_text_or_null(st, 8, in->sha256);
	if (in->sha256)
		xf_sql_bind_int64(st, 9, in->size);
	else
		xf_sql_bind_null(st, 9);
	bind_text_or_null(st, 10, in->mime);
	bind_text_or_null(st, 11, in->thumb_sha256);
	bind_text_or_null(st, 12, in->interview);
	xf_sql_bind_int64(st, 13, in->added_by);
	xf_sql_bind_int64(st, 14, in->now_ms);
	return xf_row_insert(db, st, id);
}

static void read_record_row(xf_sql_stmt *st, void *row)
{
	xf_record_row *out = row;
	memset(out, 0, sizeof *out);
	out->id = xf_sql_column_int64(st, 0);
	out->incident_id = xf_sql_column_int64(st, 1);
	xf_row_copy(out->kind, sizeof out->kind, st, 2);
	xf_row_copy(out->sha256, sizeof out->sha256, st, 3);
	out->size = xf_sql_column_int64(st, 4);
	xf_row_copy(out->mime, sizeof out->mime, st, 5);
	xf_row_copy(out->filename, sizeof out->filename, st, 6);
	xf_row_copy(out->thumb_sha256, sizeof out->thumb_sha256, st, 7);
}

int xf_store_record_get(xf_db *db, int64_t id, xf_record_row *out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id, incident_id, kind, sha256, coalesce(size, 0), mime, filename,"
	        " thumb_sha256 FROM records WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_record_row, out);
}

static json_t *read_record(xf_sql_stmt *st)
{
	json_t *r = json_object();
	json_object_set_new(r, "id", json_integer(xf_sql_column_int64(st, 0)));
	json_object_set_new(r, "incident_id", json_integer(xf_sql_column_int64(st, 1)));
	json_object_set_new(r, "kind", json_string(xf_row_text(st, 2)));
	json_object_set_new(r, "title", json_string(xf_row_text(st, 3)));
	json_object_set_new(r, "captured_at", xf_row_time(st, 4));
	json_object_set_new(r, "place", json_string(xf_row_text(st, 5)));
	json_object_set_new(r, "note", json_string(xf_row_text(st, 6)));
	json_object_set_new(r, "filename", xf_row_string(st, 7));
	json_object_set_new(r, "sha256", xf_row_string(st, 8));
	json_object_set_new(
	    r, "size",
	    xf_sql_column_is_null(st, 9) ? json_null() : json_integer(xf_sql_column_int64(st, 9)));
	json_object_set_new(r, "mime", xf_row_string(st, 10));
	json_object_set_new(r, "has_thumbnail", json_boolean(!xf_sql_column_is_null(st, 11)));
	json_t *interview = NULL;
	if (!xf_sql_column_is_null(st, 12))
		interview = json_loads(xf_row_text(st, 12), 0, NULL);
	json_object_set_new(r, "interview", interview ? interview : json_null());
	json_object_set_new(r, "added_by", json_integer(xf_sql_column_int64(st, 13)));
	json_object_set_new(r, "added_by_name", json_string(xf_row_text(st, 14)));
	json_object_set_new(r, "added_at", xf_row_time(st, 15));
	return r;
}

int xf_store_record_json(xf_db *db, int64_t id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT r.id, r.incident_id, r.kind, r.title, r.captured_ms, r.place, r.note,"
	        " r.filename, r.sha256, r.size, r.mime, r.thumb_sha256, r.interview, r.added_by,"
	        " coalesce(u.name, ''), r.added_ms FROM records r LEFT JOIN users u"
	        " ON u.id = r.added_by WHERE r.id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_json(db, st, read_record, out);
}

int xf_store_record_list(xf_db *db, int64_t incident_id, json_t **out)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT id FROM records WHERE incident_id = ? ORDER BY id");
	xf_sql_bind_int64(st, 1, incident_id);
	return xf_rows_json_by_id(db, st, xf_store_record_json, out);
}

int xf_store_record_files(xf_db *db, int (*each)(void *ctx, const char *sha256, int64_t record_id),
                          void *ctx)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT sha256, min(id) FROM records WHERE sha256 IS NOT NULL GROUP BY sha256"
	        " UNION SELECT thumb_sha256, min(id) FROM records WHERE thumb_sha256 IS NOT NULL"
	        " GROUP BY thumb_sha256 ORDER BY 2");
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		if (each(ctx, xf_row_text(st, 0), xf_sql_column_int64(st, 1)) != 0) {
			xf_sql_reset(st);
			return XF_ERR;
		}
	}
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}
