/* Reading and appending the events table, the one hash-chained log of every change.
 * The hashing itself is core/xf_audit.c; this file moves rows in and out. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/xf_json.h"
#include "store/xf_store_rows.h"
#include "store/xf_store.h"

int xf_audit_append(xf_db *db, const xf_actor *actor, const char *action,
                    const char *object_type, const char *object_id, json_t *data)
{
	unsigned char prev[XF_HASH_LEN] = {0}, hash[XF_HASH_LEN];
	char prev_hex[XF_HASH_HEX_LEN], hash_hex[XF_HASH_HEX_LEN], at[XF_TIME_LEN];
	int64_t seq = 1;

	sqlite3_stmt *st = xf_db_prepare(db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		seq = sqlite3_column_int64(st, 0) + 1;
		if (xf_hex_decode(xf_row_text(st, 1), prev, XF_HASH_LEN) != XF_OK) {
			sqlite3_reset(st);
			json_decref(data);
			return XF_ERR; /* a damaged head: `xinfang check` names it */
		}
	} else if (rc != SQLITE_DONE) {
		json_decref(data);
		return xf_db_fail(db, rc);
	}
	sqlite3_reset(st);

	char *data_text = data ? xf_json_canonical(data) : xf_strdup("{}");
	json_decref(data);
	xf_time_format(xf_now_ms(), at);
	xf_audit_row row = {
		.seq = seq,
		.at = at,
		.actor_id = actor->id,
		.actor = actor->name ? actor->name : "system",
		.action = action,
		.object_type = object_type,
		.object_id = object_id ? object_id : "",
		.data = data_text,
		.request_id = actor->request_id ? actor->request_id : "",
	};
	xf_audit_hash(prev, &row, hash);
	xf_hex_encode(prev, XF_HASH_LEN, prev_hex);
	xf_hex_encode(hash, XF_HASH_LEN, hash_hex);

	st = xf_db_prepare(db, "INSERT INTO events (seq, at, actor_id, actor, action, object_type,"
	                       " object_id, data, request_id, prev_hash, hash)"
	                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	sqlite3_bind_int64(st, 1, row.seq);
	sqlite3_bind_text(st, 2, row.at, -1, SQLITE_STATIC);
	if (row.actor_id)
		sqlite3_bind_int64(st, 3, row.actor_id);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, row.actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, row.action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, row.object_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, row.object_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, row.data, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, row.request_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, prev_hex, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, hash_hex, -1, SQLITE_STATIC);
	rc = xf_db_exec(db, st);
	free(data_text);
	if (rc == XF_OK)
		xf_store_data_dirty = true;
	return rc;
}

/* Reads the row at the statement's cursor into an audit row (strings borrowed). */
static void read_row(sqlite3_stmt *st, xf_audit_row *row)
{
	row->seq = sqlite3_column_int64(st, 0);
	row->at = xf_row_text(st, 1);
	row->actor_id = sqlite3_column_int64(st, 2);
	row->actor = xf_row_text(st, 3);
	row->action = xf_row_text(st, 4);
	row->object_type = xf_row_text(st, 5);
	row->object_id = xf_row_text(st, 6);
	row->data = xf_row_text(st, 7);
	row->request_id = xf_row_text(st, 8);
}

#define EVENT_COLUMNS \
	"seq, at, actor_id, actor, action, object_type, object_id, data, request_id, prev_hash, hash"

int xf_audit_page(xf_db *db, int64_t after, int limit, json_t **events, int64_t *next_after)
{
	sqlite3_stmt *st = xf_db_prepare(
		db, "SELECT " EVENT_COLUMNS " FROM events WHERE seq > ? ORDER BY seq LIMIT ?");
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_int(st, 2, limit + 1);
	json_t *list = json_array();
	int rc, n = 0;
	*next_after = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == limit) {
			*next_after = json_integer_value(
				json_object_get(json_array_get(list, (size_t)n - 1), "seq"));
			break;
		}
		xf_audit_row row;
		read_row(st, &row);
		json_t *data = json_loads(row.data, 0, NULL);
		json_t *e = json_pack("{s:I, s:s, s:o, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s}", "seq",
		                      (json_int_t)row.seq, "at", row.at, "actor_id",
		                      row.actor_id ? json_integer(row.actor_id) : json_null(), "actor",
		                      row.actor, "action", row.action, "object_type", row.object_type,
		                      "object_id", row.object_id, "data",
		                      data ? data : json_string(row.data), "request_id", row.request_id,
		                      "prev_hash", xf_row_text(st, 9), "hash", xf_row_text(st, 10));
		json_array_append_new(list, e);
		n++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		json_decref(list);
		return xf_db_fail(db, rc);
	}
	sqlite3_reset(st);
	*events = list;
	return XF_OK;
}

int xf_audit_verify(xf_db *db, xf_audit_walk *walk)
{
	xf_audit_walk_init(walk);
	sqlite3_stmt *st = xf_db_prepare(db, "SELECT " EVENT_COLUMNS " FROM events ORDER BY seq");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		xf_audit_row row;
		read_row(st, &row);
		if (!xf_audit_walk_step(walk, &row, xf_row_text(st, 9), xf_row_text(st, 10)))
			break;
	}
	int result = rc == SQLITE_ROW || rc == SQLITE_DONE ? XF_OK : xf_db_fail(db, rc);
	sqlite3_reset(st);
	return result;
}
