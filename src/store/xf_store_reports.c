/* Written reports: the SQL of xf_store_reports.h (the table is migration 13 in
 * xf_migrations.c), and the facts of an incident a report is built from. The issued
 * files live in the records' content store (src/api/records.c); only their hashes are
 * here. */
#include "store/xf_store_reports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xf_person.h"
#include "store/xf_store_db.h"
#include "store/xf_store_rows.h"

int xf_store_report_insert(xf_db *db, int64_t incident_id, const char *kind, const char *title,
                           const char *sections, int64_t replaces_id, int64_t user_id,
                           int64_t now_ms, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO reports (incident_id, kind, title, sections, replaces_id, created_ms,"
	        " created_by, updated_ms, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7) "
	        "RETURNING id");
	xf_sql_bind_int64(st, 1, incident_id);
	xf_sql_bind_text(st, 2, kind, -1);
	xf_sql_bind_text(st, 3, title, -1);
	xf_sql_bind_text(st, 4, sections, -1);
	xf_bind_id(st, 5, replaces_id);
	xf_sql_bind_int64(st, 6, now_ms);
	xf_sql_bind_int64(st, 7, user_id);
	return xf_row_insert(db, st, id);
}

static void read_report_row(xf_sql_stmt *st, void *row)
{
	xf_report_row *out = row;
	memset(out, 0, sizeof *out);
	out->id = xf_sql_column_int64(st, 0);
	out->incident_id = xf_sql_column_int64(st, 1);
	xf_row_copy(out->kind, sizeof out->kind, st, 2);
	xf_row_copy(out->status, sizeof out->status, st, 3);
	out->version = xf_sql_column_int64(st, 4);
	xf_row_copy(out->number, sizeof out->number, st, 5);
	out->replaces_id = xf_sql_column_int64(st, 6);
	out->issued_ms = xf_sql_column_int64(st, 7);
	out->issued_by = xf_sql_column_int64(st, 8);
	xf_row_copy(out->pdf_sha256, sizeof out->pdf_sha256, st, 9);
	xf_row_copy(out->docx_sha256, sizeof out->docx_sha256, st, 10);
}

int xf_store_report_get(xf_db *db, int64_t id, xf_report_row *out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id, incident_id, kind, status, coalesce(version, 0), number,"
	        " coalesce(replaces_id, 0), coalesce(issued_ms, 0), coalesce(issued_by, 0),"
	        " pdf_sha256, docx_sha256 FROM reports WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_report_row, out);
}

int xf_store_report_update(xf_db *db, int64_t id, const char *title, const char *sections,
                           int64_t user_id, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE reports SET title = coalesce(?2, title), sections = coalesce(?3, sections),"
	        " updated_ms = ?4, updated_by = ?5 WHERE id = ?1 AND status = 'draft'");
	xf_sql_bind_int64(st, 1, id);
	if (title)
		xf_sql_bind_text(st, 2, title, -1);
	if (sections)
		xf_sql_bind_text(st, 3, sections, -1);
	xf_sql_bind_int64(st, 4, now_ms);
	xf_sql_bind_int64(st, 5, user_id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_report_next(xf_db *db, int64_t incident_id, const char *kind, int year,
                         int64_t *version, char number[40])
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT coalesce(max(version), 0) + 1 FROM reports"
	                      " WHERE incident_id = ? AND kind = ? AND status = 'issued'");
	xf_sql_bind_int64(st, 1, incident_id);
	xf_sql_bind_text(st, 2, kind, -1);
	int rc = xf_row_int64(db, st, version);
	if (rc != XF_OK)
		return rc;
	char prefix[24];
	snprintf(prefix, sizeof prefix, "〔%04d〕", year % 10000);
	/* Each mine numbers its own reports (xf_store_mines.h); a one-mine database counts
	 * them all. */
	st = xf_db_prepare(
	    db, "SELECT count(*) FROM reports r JOIN incidents i ON i.id = r.incident_id"
	        " WHERE r.status = 'issued' AND substr(r.number, 1, length(?1)) = ?1"
	        " AND coalesce(i.mine_id, 0) = (SELECT coalesce(mine_id, 0) FROM incidents"
	        " WHERE id = ?2)");
	xf_sql_bind_text(st, 1, prefix, -1);
	xf_sql_bind_int64(st, 2, incident_id);
	int64_t issued;
	rc = xf_row_int64(db, st, &issued);
	if (rc != XF_OK)
		return rc;
	snprintf(number, 40, "〔%04d〕%d号", year % 10000, (int)(issued % 1000000) + 1);
	return XF_OK;
}

int xf_store_report_issue(xf_db *db, int64_t id, int64_t version, const char *number,
                          int64_t issued_ms, int64_t issued_by, const char *pdf_sha256,
                          const char *docx_sha256)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "UPDATE reports SET status = 'issued', version = ?2, number = ?3, issued_ms = ?4,"
	    " issued_by = ?5, pdf_sha256 = ?6, docx_sha256 = ?7, updated_ms = ?4, updated_by = ?5"
	    " WHERE id = ?1 AND status = 'draft'");
	xf_sql_bind_int64(st, 1, id);
	xf_sql_bind_int64(st, 2, version);
	xf_sql_bind_text(st, 3, number, -1);
	xf_sql_bind_int64(st, 4, issued_ms);
	xf_sql_bind_int64(st, 5, issued_by);
	xf_sql_bind_text(st, 6, pdf_sha256, -1);
	xf_sql_bind_text(st, 7, docx_sha256, -1);
	return xf_row_changed(db, xf_db_exec(db, st));
}

#define REPORT_COLUMNS                                                                             \
	"r.id, r.incident_id, i.number, r.kind, r.status, r.version, r.number, r.replaces_id,"     \
	" (SELECT number FROM reports WHERE id = r.replaces_id), r.title, r.sections,"             \
	" r.created_ms, cu.name, r.updated_ms, uu.name, r.issued_ms, iu.name, r.pdf_sha256,"       \
	" r.docx_sha256, (SELECT group_concat(t.id) FROM tasks t WHERE t.report_id = r.id),"       \
	" ra.acknowledged_ms, ra.acknowledged_by, au.name"                                         \
	" FROM reports r JOIN incidents i ON i.id = r.incident_id"                                 \
	" LEFT JOIN users cu ON cu.id = r.created_by LEFT JOIN users uu ON uu.id = r.updated_by"   \
	" LEFT JOIN users iu ON iu.id = r.issued_by"                                               \
	" LEFT JOIN report_acknowledgements ra ON ra.report_id = r.id"                             \
	" LEFT JOIN users au ON au.id = ra.acknowledged_by"

static json_t *read_report(xf_sql_stmt *st, bool with_sections)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(xf_sql_column_int64(st, 0)));
	json_object_set_new(o, "incident_id", json_integer(xf_sql_column_int64(st, 1)));
	json_object_set_new(o, "incident_number", json_string(xf_row_text(st, 2)));
	json_object_set_new(o, "kind", json_string(xf_row_text(st, 3)));
	json_object_set_new(o, "status", json_string(xf_row_text(st, 4)));
	json_object_set_new(o, "version", xf_row_id(st, 5));
	json_object_set_new(o, "number", xf_row_string(st, 6));
	json_object_set_new(o, "replaces_id", xf_row_id(st, 7));
	json_object_set_new(o, "replaces_number", xf_row_string(st, 8));
	json_object_set_new(o, "title", json_string(xf_row_text(st, 9)));
	if (with_sections) {
		json_t *s = json_loads(xf_row_text(st, 10), 0, NULL);
		json_object_set_new(o, "sections", s ? s : json_array());
	}
	json_object_set_new(o, "created_at", xf_row_time(st, 11));
	json_object_set_new(o, "created_by_name", json_string(xf_row_text(st, 12)));
	json_object_set_new(o, "updated_at", xf_row_time(st, 13));
	json_object_set_new(o, "updated_by_name", json_string(xf_row_text(st, 14)));
	json_object_set_new(o, "issued_at", xf_row_time(st, 15));
	json_object_set_new(o, "issued_by_name", xf_row_string(st, 16));
	json_object_set_new(o, "pdf_sha256", xf_row_string(st, 17));
	json_object_set_new(o, "docx_sha256", xf_row_string(st, 18));
	json_t *tasks = json_array();
	const char *ids = xf_row_text(st, 19);
	while (*ids) {
		json_array_append_new(tasks, json_integer(strtoll(ids, NULL, 10)));
		const char *comma = strchr(ids, ',');
		ids = comma ? comma + 1 : "";
	}
	json_object_set_new(o, "task_ids", tasks);
	/* Received by the group's 信访办 (xf_store_mines.h): when and by whom; null until. */
	json_object_set_new(o, "acknowledgement",
	                    xf_sql_column_is_null(st, 20)
	                        ? json_null()
	                        : json_pack("{s:o, s:o, s:o}", "at", xf_row_time(st, 20), "by_id",
	                                    xf_row_id(st, 21), "by", xf_row_string(st, 22)));
	return o;
}

static json_t *read_report_full(xf_sql_stmt *st)
{
	return read_report(st, true);
}

static json_t *read_report_entry(xf_sql_stmt *st)
{
	return read_report(st, false);
}

int xf_store_report_json(xf_db *db, int64_t id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " REPORT_COLUMNS " WHERE r.id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_json(db, st, read_report_full, out);
}

int xf_store_report_list(xf_db *db, int64_t incident_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT " REPORT_COLUMNS " WHERE r.incident_id = ?"
	        " ORDER BY CASE r.kind WHEN 'first' THEN 0 WHEN 'follow_up' THEN 1"
	        " WHEN 'final' THEN 2 ELSE 3 END, r.version IS NULL, r.version, r.id");
	xf_sql_bind_int64(st, 1, incident_id);
	return xf_rows_json(db, st, read_report_entry, out);
}

static json_t *person_row(xf_sql_stmt *st)
{
	const char *id_number = xf_row_text(st, 1);
	size_t n = strlen(id_number) + 1;
	char *masked = xf_malloc(n);
	xf_mask_id_number(id_number, masked, n);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "name", xf_row_text(st, 0),
	                      "id_number", masked, "employment", xf_row_text(st, 2), "unit",
	                      xf_row_text(st, 3), "role", xf_row_text(st, 4), "official",
	                      xf_row_text(st, 5), "assignment", xf_row_text(st, 6));
	free(masked);
	return o;
}

static json_t *matter_row(xf_sql_stmt *st)
{
	const char *category = xf_row_text(st, 1);
	/* the content of an accusation never leaves the petition office (DOCUMENTS.md) */
	bool accusation = strcmp(category, "accusation") == 0;
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o}", "person", xf_row_text(st, 0), "category",
	                 category, "content",
	                 accusation ? json_null() : json_string(xf_row_text(st, 2)), "outcome",
	                 xf_row_string(st, 3), "satisfaction", xf_row_string(st, 4), "concluded_at",
	                 xf_row_time(st, 5));
}

static json_t *record_row(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)xf_sql_column_int64(st, 0),
	                 "title", xf_row_text(st, 1), "kind", xf_row_text(st, 2), "at",
	                 xf_row_time(st, 3), "sha256", xf_row_string(st, 4));
}

static json_t *name_row(xf_sql_stmt *st)
{
	return json_string(xf_row_text(st, 0));
}

static json_t *dispatch_row(xf_sql_stmt *st)
{
	return json_pack("{s:s, s:I, s:s, s:o, s:o, s:o}", "resource", xf_row_text(st, 0),
	                 "quantity", (json_int_t)xf_sql_column_int64(st, 1), "note",
	                 xf_row_text(st, 2), "ordered_at", xf_row_time(st, 3), "arrived_at",
	                 xf_row_time(st, 4), "released_at", xf_row_time(st, 5));
}

/* The lists of the facts: each statement takes the incident's id as ?1. */
static const struct {
	const char *key, *sql;
	json_t *(*row)(xf_sql_stmt *);
} fact_lists[] = {
    {"units",
     "SELECT u.name FROM incident_units iu JOIN units u ON u.id = iu.unit_id"
     " WHERE iu.incident_id = ?1 ORDER BY u.id",
     name_row},
    {"persons",
     "SELECT p.name, p.id_number, p.employment, coalesce(un.name, ''), ip.role,"
     " coalesce(o.name, ''), coalesce(a.status, '')"
     " FROM incident_persons ip JOIN persons p ON p.id = ip.person_id"
     " LEFT JOIN units un ON un.id = p.unit_id"
     " LEFT JOIN assignments a ON a.id = (SELECT max(id) FROM assignments"
     "   WHERE person_id = p.id AND ended_ms IS NULL)"
     " LEFT JOIN users o ON o.id = a.official_id"
     " WHERE ip.incident_id = ?1 ORDER BY ip.role = 'participant', p.id",
     person_row},
    {"matters",
     "SELECT p.name, m.category, m.content, m.outcome, m.satisfaction, m.concluded_ms"
     " FROM matters m JOIN persons p ON p.id = m.person_id"
     " WHERE m.incident_id = ?1 ORDER BY m.id",
     matter_row},
    {"records",
     "SELECT id, title, kind, coalesce(captured_ms, added_ms), sha256 FROM records"
     " WHERE incident_id = ?1 ORDER BY id",
     record_row},
    {"dispatches",
     "SELECT resource, quantity, note, ordered_ms, arrived_ms, released_ms"
     " FROM dispatches WHERE incident_id = ?1 ORDER BY id",
     dispatch_row},
};

static int facts_lists(xf_db *db, int64_t incident_id, json_t *f)
{
	int rc = XF_OK;
	for (size_t i = 0; rc == XF_OK && i < sizeof fact_lists / sizeof *fact_lists; i++) {
		xf_sql_stmt *st = xf_db_prepare(db, fact_lists[i].sql);
		xf_sql_bind_int64(st, 1, incident_id);
		json_t *v;
		if ((rc = xf_rows_json(db, st, fact_lists[i].row, &v)) == XF_OK)
			json_object_set_new(f, fact_lists[i].key, v);
	}
	return rc;
}

/* Sets key of f to the value of st's one row, or to fallback (owned) when it has none. */
static int fact_one(xf_db *db, xf_sql_stmt *st, json_t *(*row)(xf_sql_stmt *), json_t *f,
                    const char *key, json_t *fallback)
{
	json_t *v;
	int rc = xf_row_json(db, st, row, &v);
	if (rc == XF_NOTFOUND) {
		v = fallback;
		rc = XF_OK;
	} else {
		json_decref(fallback);
	}
	if (rc == XF_OK)
		json_object_set_new(f, key, v);
	return rc;
}

static json_t *evaluation_row(xf_sql_stmt *st)
{
	json_t *scores = json_loads(xf_row_text(st, 0), 0, NULL);
	return json_pack("{s:o, s:s, s:o}", "scores", scores ? scores : json_object(), "lessons",
	                 xf_row_text(st, 1), "completed_at", xf_row_time(st, 2));
}

static json_t *chain_head_row(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s}", "seq", (json_int_t)xf_sql_column_int64(st, 0), "hash",
	                 xf_row_text(st, 1));
}

/* The evaluation (null when none was saved). */
static int facts_evaluation(xf_db *db, int64_t incident_id, json_t *f)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT scores, lessons, completed_ms FROM evaluations WHERE incident_id = ?");
	xf_sql_bind_int64(st, 1, incident_id);
	return fact_one(db, st, evaluation_row, f, "evaluation", json_null());
}

/* When the incident's last report was issued, as a time and in ms. */
static int facts_last_issued(xf_db *db, int64_t incident_id, json_t *f)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT max(issued_ms) FROM reports WHERE "
	                                    "incident_id = ? AND status = 'issued'");
	xf_sql_bind_int64(st, 1, incident_id);
	int rc = xf_row_one(db, st);
	if (rc == XF_OK) {
		json_object_set_new(f, "last_issued_at", xf_row_time(st, 0));
		json_object_set_new(f, "last_issued_ms", json_integer(xf_sql_column_int64(st, 0)));
		xf_sql_reset(st);
	}
	return rc;
}

/* The issuer (the top unit, or the office of the leadership group) and the head of the
 * audit chain (null before the first event). */
static int facts_issuer_and_chain(xf_db *db, json_t *f)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT name FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1");
	int rc = fact_one(db, st, name_row, f, "issuer", json_string("信访工作领导小组办公室"));
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
	return fact_one(db, st, chain_head_row, f, "chain_head", json_null());
}

int xf_store_report_facts(xf_db *db, int64_t incident_id, json_t **out)
{
	json_t *f = json_object(), *v;
	int rc = facts_lists(db, incident_id, f);
	if (rc == XF_OK && (rc = xf_store_task_list(db, incident_id, &v)) == XF_OK)
		json_object_set_new(f, "tasks", v);
	if (rc == XF_OK && (rc = xf_store_timeline(db, incident_id, 0, &v)) == XF_OK)
		json_object_set_new(f, "timeline", v);
	if (rc == XF_OK)
		rc = facts_evaluation(db, incident_id, f);
	if (rc == XF_OK)
		rc = facts_last_issued(db, incident_id, f);
	if (rc == XF_OK)
		rc = facts_issuer_and_chain(db, f);
	if (rc != XF_OK) {
		json_decref(f);
		return rc;
	}
	*out = f;
	return XF_OK;
}
