/* Written notices and the public lookup: the SQL of xf_store_notices.h (the tables are
 * migration 23 in xf_migrations.c). The issued files live in the records' content store
 * (src/api/records.c); only their hashes are here. */
#include "store/xf_store_notices.h"

#include <stdio.h>
#include <string.h>

#include "store/xf_store_db.h"
#include "store/xf_store_rows.h"

int xf_store_notice_insert(xf_db *db, int64_t matter_id, const char *kind, const char *fields,
                           int64_t user_id, int64_t now_ms, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO matter_notices (matter_id, kind, fields, created_ms, created_by,"
	        " updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?4) RETURNING id");
	xf_sql_bind_int64(st, 1, matter_id);
	xf_sql_bind_text(st, 2, kind, -1);
	xf_sql_bind_text(st, 3, fields, -1);
	xf_sql_bind_int64(st, 4, now_ms);
	xf_sql_bind_int64(st, 5, user_id);
	return xf_row_insert(db, st, id);
}

static void read_notice_row(xf_sql_stmt *st, void *row)
{
	xf_notice_row *out = row;
	memset(out, 0, sizeof *out);
	out->id = xf_sql_column_int64(st, 0);
	out->matter_id = xf_sql_column_int64(st, 1);
	xf_row_copy(out->kind, sizeof out->kind, st, 2);
	xf_row_copy(out->status, sizeof out->status, st, 3);
	out->seq = xf_sql_column_int64(st, 4);
	xf_row_copy(out->number, sizeof out->number, st, 5);
	out->issued_ms = xf_sql_column_int64(st, 6);
	out->issued_by = xf_sql_column_int64(st, 7);
	xf_row_copy(out->pdf_sha256, sizeof out->pdf_sha256, st, 8);
	xf_row_copy(out->docx_sha256, sizeof out->docx_sha256, st, 9);
	xf_row_copy(out->delivery_method, sizeof out->delivery_method, st, 10);
}

int xf_store_notice_get(xf_db *db, int64_t id, xf_notice_row *out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id, matter_id, kind, status, coalesce(seq, 0), number,"
	        " coalesce(issued_ms, 0), coalesce(issued_by, 0), pdf_sha256, docx_sha256,"
	        " delivery_method FROM matter_notices WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_notice_row, out);
}

int xf_store_notice_update(xf_db *db, int64_t id, const char *fields, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(db, "UPDATE matter_notices SET fields = ?2, updated_ms = ?3"
	                                    " WHERE id = ?1 AND status = 'draft'");
	xf_sql_bind_int64(st, 1, id);
	xf_sql_bind_text(st, 2, fields, -1);
	xf_sql_bind_int64(st, 3, now_ms);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_notice_next_seq(xf_db *db, int year, int64_t *seq)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT coalesce(max(seq), 0) + 1 FROM matter_notices WHERE year = ?");
	xf_sql_bind_int64(st, 1, year);
	return xf_row_int64(db, st, seq);
}

int xf_store_notice_issue(xf_db *db, int64_t id, int year, int64_t seq, const char *number,
                          int64_t issued_ms, int64_t issued_by, const char *pdf_sha256,
                          const char *docx_sha256)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE matter_notices SET status = 'issued', year = ?2, seq = ?3, number = ?4,"
	        " issued_ms = ?5, issued_by = ?6, pdf_sha256 = ?7, docx_sha256 = ?8,"
	        " updated_ms = ?5 WHERE id = ?1 AND status = 'draft'");
	xf_sql_bind_int64(st, 1, id);
	xf_sql_bind_int64(st, 2, year);
	xf_sql_bind_int64(st, 3, seq);
	xf_sql_bind_text(st, 4, number, -1);
	xf_sql_bind_int64(st, 5, issued_ms);
	xf_sql_bind_int64(st, 6, issued_by);
	xf_sql_bind_text(st, 7, pdf_sha256, -1);
	xf_sql_bind_text(st, 8, docx_sha256, -1);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_notice_deliver(xf_db *db, int64_t id, const char *method, const char *date,
                            const char *reference, int64_t user_id, int64_t now_ms)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "UPDATE matter_notices SET delivery_method = ?2, delivery_date = ?3,"
	                      " delivery_reference = ?4, delivered_ms = ?5, delivered_by = ?6"
	                      " WHERE id = ?1 AND status = 'issued'");
	xf_sql_bind_int64(st, 1, id);
	xf_sql_bind_text(st, 2, method, -1);
	xf_sql_bind_text(st, 3, date, -1);
	if (reference)
		xf_sql_bind_text(st, 4, reference, -1);
	else
		xf_sql_bind_null(st, 4);
	xf_sql_bind_int64(st, 5, now_ms);
	xf_sql_bind_int64(st, 6, user_id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

#define NOTICE_COLUMNS                                                                             \
	"n.id, n.matter_id, n.kind, n.status, n.number, n.version, n.fields, n.created_ms,"        \
	" cu.name, n.updated_ms, n.issued_ms, iu.name, n.pdf_sha256, n.docx_sha256,"               \
	" n.delivery_method, n.delivery_date, n.delivery_reference, n.delivered_ms, du.name"       \
	" FROM matter_notices n LEFT JOIN users cu ON cu.id = n.created_by"                        \
	" LEFT JOIN users iu ON iu.id = n.issued_by LEFT JOIN users du ON du.id = n.delivered_by"

static json_t *read_notice(xf_sql_stmt *st)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(xf_sql_column_int64(st, 0)));
	json_object_set_new(o, "matter_id", json_integer(xf_sql_column_int64(st, 1)));
	json_object_set_new(o, "kind", json_string(xf_row_text(st, 2)));
	json_object_set_new(o, "status", json_string(xf_row_text(st, 3)));
	json_object_set_new(o, "number", xf_row_string(st, 4));
	json_object_set_new(o, "version", json_integer(xf_sql_column_int64(st, 5)));
	json_t *fields = json_loads(xf_row_text(st, 6), 0, NULL);
	json_object_set_new(o, "fields", fields ? fields : json_object());
	json_object_set_new(o, "created_at", xf_row_time(st, 7));
	json_object_set_new(o, "created_by_name", xf_row_string(st, 8));
	json_object_set_new(o, "updated_at", xf_row_time(st, 9));
	json_object_set_new(o, "issued_at", xf_row_time(st, 10));
	json_object_set_new(o, "issued_by_name", xf_row_string(st, 11));
	json_object_set_new(o, "pdf_sha256", xf_row_string(st, 12));
	json_object_set_new(o, "docx_sha256", xf_row_string(st, 13));
	json_t *delivery = json_null();
	if (*xf_row_text(st, 14))
		delivery = json_pack("{s:s, s:s, s:o, s:o, s:o}", "method", xf_row_text(st, 14),
		                     "date", xf_row_text(st, 15), "reference",
		                     xf_row_string(st, 16), "recorded_at", xf_row_time(st, 17),
		                     "recorded_by_name", xf_row_string(st, 18));
	json_object_set_new(o, "delivery", delivery);
	return o;
}

int xf_store_notice_json(xf_db *db, int64_t id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " NOTICE_COLUMNS " WHERE n.id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_json(db, st, read_notice, out);
}

int xf_store_notice_list(xf_db *db, int64_t matter_id, json_t **out)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT " NOTICE_COLUMNS " WHERE n.matter_id = ? ORDER BY n.id");
	xf_sql_bind_int64(st, 1, matter_id);
	return xf_rows_json(db, st, read_notice, out);
}

int xf_store_notices_issued(xf_db *db, int64_t matter_id, json_t **out)
{
	json_t *list;
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " NOTICE_COLUMNS " WHERE n.matter_id = ?"
	                                    " AND n.status = 'issued' ORDER BY n.id");
	xf_sql_bind_int64(st, 1, matter_id);
	int rc = xf_rows_json(db, st, read_notice, &list);
	if (rc != XF_OK)
		return rc;
	json_t *by_kind = json_object();
	size_t i;
	json_t *n;
	json_array_foreach(list, i, n)
	    json_object_set(by_kind, json_string_value(json_object_get(n, "kind")), n);
	json_decref(list);
	*out = by_kind;
	return XF_OK;
}

static json_t *read_facts(xf_sql_stmt *st)
{
	const char *phone = xf_row_text(st, 9);
	size_t len = strlen(phone);
	char last4[8] = "";
	if (len >= 4)
		memcpy(last4, phone + len - 4, 5);
	json_t *matter = json_object();
	json_object_set_new(matter, "id", json_integer(xf_sql_column_int64(st, 0)));
	json_object_set_new(matter, "category", json_string(xf_row_text(st, 1)));
	json_object_set_new(matter, "content", json_string(xf_row_text(st, 2)));
	json_object_set_new(matter, "received_ms", json_integer(xf_sql_column_int64(st, 3)));
	json_object_set_new(matter, "accepted_ms", json_integer(xf_sql_column_int64(st, 4)));
	json_object_set_new(matter, "concluded_ms", json_integer(xf_sql_column_int64(st, 5)));
	json_object_set_new(matter, "outcome", json_string(xf_row_text(st, 6)));
	json_object_set_new(matter, "unit", json_string(xf_row_text(st, 7)));
	return json_pack("{s:o, s:{s:s, s:s}, s:s}", "matter", matter, "person", "name",
	                 xf_row_text(st, 8), "phone_last4", last4, "issuer", xf_row_text(st, 10));
}

int xf_store_notice_facts(xf_db *db, int64_t matter_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT m.id, m.category, m.content, m.received_ms, coalesce(m.accepted_ms, 0),"
	        " coalesce(m.concluded_ms, 0), coalesce(m.outcome, ''), coalesce(u.name, ''),"
	        " p.name, p.phone, coalesce((SELECT name FROM units WHERE parent_id IS NULL"
	        " ORDER BY id LIMIT 1), '信访工作领导小组办公室')"
	        " FROM matters m JOIN persons p ON p.id = m.person_id"
	        " LEFT JOIN units u ON u.id = p.unit_id WHERE m.id = ?");
	xf_sql_bind_int64(st, 1, matter_id);
	return xf_row_json(db, st, read_facts, out);
}

int xf_store_query_code_put(xf_db *db, int64_t matter_id, const char *code_sha256,
                            int64_t notice_id, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT 1 FROM matter_query_codes WHERE matter_id = ?");
	xf_sql_bind_int64(st, 1, matter_id);
	int rc = xf_row_none(db, st);
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(db, "INSERT INTO matter_query_codes (matter_id, code_sha256, notice_id,"
	                       " created_ms) VALUES (?, ?, ?, ?)");
	xf_sql_bind_int64(st, 1, matter_id);
	xf_sql_bind_text(st, 2, code_sha256, -1);
	xf_sql_bind_int64(st, 3, notice_id);
	xf_sql_bind_int64(st, 4, now_ms);
	return xf_db_exec(db, st);
}

typedef struct code_hit {
	int64_t matter_id;
	char phone[64];
} code_hit;

static void read_code_hit(xf_sql_stmt *st, void *out)
{
	code_hit *h = out;
	h->matter_id = xf_sql_column_int64(st, 0);
	xf_row_copy(h->phone, sizeof h->phone, st, 1);
}

int xf_store_query_code_find(xf_db *db, const char *code_sha256, int64_t *matter_id, char phone[64])
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT c.matter_id, p.phone FROM matter_query_codes c"
	        " JOIN matters m ON m.id = c.matter_id JOIN persons p ON p.id = m.person_id"
	        " WHERE c.code_sha256 = ?");
	xf_sql_bind_text(st, 1, code_sha256, -1);
	code_hit h;
	int rc = xf_row_get(db, st, read_code_hit, &h);
	if (rc == XF_OK) {
		*matter_id = h.matter_id;
		memcpy(phone, h.phone, sizeof h.phone);
	}
	return rc;
}

int xf_store_lookup_log(xf_db *db, int64_t matter_id, const char *action, const char *outcome,
                        const char *client_sha256, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO matter_lookups (at_ms, matter_id, action, outcome, client_sha256)"
	        " VALUES (?, ?, ?, ?, ?)");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_bind_id(st, 2, matter_id);
	xf_sql_bind_text(st, 3, action, -1);
	xf_sql_bind_text(st, 4, outcome, -1);
	xf_sql_bind_text(st, 5, client_sha256, -1);
	return xf_db_exec(db, st);
}

int xf_store_rating_add(xf_db *db, int64_t matter_id, const char *rating, int64_t now_ms)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "INSERT INTO matter_ratings (matter_id, rating, source, rated_ms)"
	                      " VALUES (?, ?, 'self', ?)");
	xf_sql_bind_int64(st, 1, matter_id);
	xf_sql_bind_text(st, 2, rating, -1);
	xf_sql_bind_int64(st, 3, now_ms);
	return xf_db_exec(db, st);
}

static void read_rating(xf_sql_stmt *st, void *out)
{
	xf_row_copy(out, 24, st, 0);
}

int xf_store_rating_last(xf_db *db, int64_t matter_id, char rating[24])
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT rating FROM matter_ratings WHERE matter_id = ?"
	                                    " ORDER BY id DESC LIMIT 1");
	xf_sql_bind_int64(st, 1, matter_id);
	rating[0] = '\0';
	int rc = xf_row_get(db, st, read_rating, rating);
	return rc == XF_NOTFOUND ? XF_OK : rc;
}
