/* Seals of archived incidents and the retention of records, in SQL (see
 * xf_store_seal.h; docs/audit.md, "Seals" and "Retention"). The snapshot names its
 * columns: a column added later is not covered by seals made before it, and a seal
 * made with these lists is recomputed with the same lists (XF_SEAL_FORMAT). */
#include "store/xf_store_seal.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/xf_audit.h"
#include "store/xf_store_db.h"
#include "store/xf_store_rows.h"

static void sha256_hex(const char *text, char out[XF_HASH_HEX_LEN])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)text, strlen(text));
	xf_hex_encode(digest, sizeof digest, out);
}

/* The current row as an object of its columns by name (integers, text, NULL as null). */
static json_t *row_object(xf_sql_stmt *st)
{
	json_t *o = json_object();
	for (int i = 0; i < xf_sql_column_count(st); i++) {
		json_t *v;
		switch (xf_sql_column_kind(st, i)) {
		case XF_SQL_KIND_INTEGER:
			v = json_integer(xf_sql_column_int64(st, i));
			break;
		case XF_SQL_KIND_REAL:
			v = json_real(xf_sql_column_double(st, i));
			break;
		case XF_SQL_KIND_NULL:
			v = json_null();
			break;
		default:
			v = json_string(xf_row_text(st, i));
			break;
		}
		json_object_set_new(o, xf_sql_column_name(st, i), v ? v : json_null());
	}
	return o;
}

/* SHA-256 of the canonical form of a value (borrowed). */
static json_t *hash_of(const json_t *value)
{
	char *text = xf_json_canonical(value);
	char hex[XF_HASH_HEX_LEN];
	sha256_hex(text, hex);
	free(text);
	return json_string(hex);
}

/* Binds an incident's id as the events' object_id (text). */
static void bind_object_id(xf_sql_stmt *st, int i, int64_t incident_id)
{
	char id_text[24];
	snprintf(id_text, sizeof id_text, "%" PRId64, incident_id);
	xf_sql_bind_text(st, i, id_text, -1);
}

static json_t *unit_entry(xf_sql_stmt *st)
{
	return json_integer(xf_sql_column_int64(st, 0));
}

static json_t *note_entry(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:s}", "seq", (json_int_t)xf_sql_column_int64(st, 0), "hash",
	                 xf_row_text(st, 1));
}

/* A record: what its file is and a hash of the whole row (the seal keeps no content,
 * so retention can remove the row and its event can put the entry back). */
static json_t *record_entry(xf_sql_stmt *st)
{
	json_t *row = row_object(st);
	json_t *e = json_pack("{s:O, s:O, s:O, s:o}", "id", json_object_get(row, "id"), "kind",
	                      json_object_get(row, "kind"), "sha256",
	                      json_object_get(row, "sha256"), "row", hash_of(row));
	json_decref(row);
	return e;
}

static json_t *report_entry(xf_sql_stmt *st)
{
	json_t *row = row_object(st);
	json_t *e = json_pack(
	    "{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:o}", "id", json_object_get(row, "id"), "kind",
	    json_object_get(row, "kind"), "status", json_object_get(row, "status"), "version",
	    json_object_get(row, "version"), "number", json_object_get(row, "number"), "pdf_sha256",
	    json_object_get(row, "pdf_sha256"), "docx_sha256", json_object_get(row, "docx_sha256"),
	    "row", hash_of(row));
	json_decref(row);
	return e;
}

static int record_id_cmp(const void *a, const void *b)
{
	json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "id"));
	json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "id"));
	return x < y ? -1 : x > y;
}

/* Adds the entries of records removed by retention (their events) and sorts by id. */
static int add_removed_records(xf_db *db, int64_t incident_id, json_t *records)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT data FROM events WHERE object_type = 'incident' AND object_id = ?"
	        " AND action = 'retention.apply' ORDER BY seq");
	bind_object_id(st, 1, incident_id);
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		json_t *data = json_loads(xf_row_text(st, 0), 0, NULL);
		json_t *removed = json_object_get(data, "records"), *e;
		size_t i;
		json_array_foreach(removed, i, e)
		{
			json_array_append_new(records,
			                      json_pack("{s:O, s:O, s:O, s:O}", "id",
			                                json_object_get(e, "id"), "kind",
			                                json_object_get(e, "kind"), "sha256",
			                                json_object_get(e, "sha256"), "row",
			                                json_object_get(e, "row")));
		}
		json_decref(data);
	}
	xf_sql_reset(st);
	if (rc != XF_SQL_DONE)
		return xf_db_fail(db, rc);
	size_t n = json_array_size(records);
	if (n > 1) {
		json_t **items = xf_calloc(n, sizeof *items);
		for (size_t i = 0; i < n; i++)
			items[i] = json_incref(json_array_get(records, i));
		qsort(items, n, sizeof *items, record_id_cmp);
		json_array_clear(records);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(records, items[i]);
		free(items);
	}
	return XF_OK;
}

/* The columns of a record in its seal entry (and in retention's, which must match). */
#define RECORD_SEAL_COLUMNS                                                                        \
	"id, incident_id, kind, title, captured_ms, place, note, filename, sha256, size, mime,"    \
	" thumb_sha256, interview, added_by, added_ms"

/* The lists of the snapshot, in its order: each statement takes the incident's id as ?1,
 * as text where it is the events' object_id. */
static const struct {
	const char *key, *sql;
	json_t *(*entry)(xf_sql_stmt *);
	bool id_as_text;
} seal_lists[] = {
    {"units", "SELECT unit_id FROM incident_units WHERE incident_id = ?1 ORDER BY unit_id",
     unit_entry, false},
    /* 包保 follow-up tasks belong to the person and go on after archiving. */
    {"tasks",
     "SELECT id, incident_id, position, step_id, kind, title, text, workstream,"
     " owner_kind, owner_value, assignee_id, evidence, dispatch, chooses_venue, round,"
     " base_ms, due_minutes, due_ms, status, overdue, note, skip_reason, created_ms,"
     " started_ms, done_ms FROM tasks WHERE incident_id = ?1 AND kind <> 'followup'"
     " ORDER BY id",
     row_object, false},
    /* A note is its event; the chain's hash of it covers its text and time. */
    {"notes",
     "SELECT seq, hash FROM events WHERE object_type = 'incident'"
     " AND object_id = ?1 AND action = 'note.create' ORDER BY seq",
     note_entry, true},
    {"records", "SELECT " RECORD_SEAL_COLUMNS " FROM records WHERE incident_id = ?1 ORDER BY id",
     record_entry, false},
    {"reports",
     "SELECT id, incident_id, kind, status, version, number, replaces_id, title,"
     " sections, created_ms, created_by, updated_ms, updated_by, issued_ms, issued_by,"
     " pdf_sha256, docx_sha256 FROM reports WHERE incident_id = ?1 ORDER BY id",
     report_entry, false},
};

static json_t *row_hash(xf_sql_stmt *st)
{
	json_t *row = row_object(st);
	json_t *hash = hash_of(row);
	json_decref(row);
	return hash;
}

/* The incident's row, its lists and the hash of its evaluation (null when none) into
 * snapshot. */
static int seal_rows(xf_db *db, int64_t incident_id, json_t *snapshot)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT id, number, year, year_seq, headcount, destination, advance_info, place,"
	        " category, demands, drill, status, in_scope, grade, grade_name, grade_computed,"
	        " procedure, procedure_name, reasons, override, plan_id, created_by, registered_ms,"
	        " activated_ms, updated_ms, withdrawn, escalation, occurred_ms, expected_ms,"
	        " expected_destination FROM incidents WHERE id = ?");
	xf_sql_bind_int64(st, 1, incident_id);
	json_t *v;
	int rc = xf_row_json(db, st, row_object, &v);
	if (rc == XF_OK)
		json_object_set_new(snapshot, "incident", v);
	for (size_t i = 0; rc == XF_OK && i < sizeof seal_lists / sizeof *seal_lists; i++) {
		st = xf_db_prepare(db, seal_lists[i].sql);
		if (seal_lists[i].id_as_text)
			bind_object_id(st, 1, incident_id);
		else
			xf_sql_bind_int64(st, 1, incident_id);
		if ((rc = xf_rows_json(db, st, seal_lists[i].entry, &v)) == XF_OK)
			json_object_set_new(snapshot, seal_lists[i].key, v);
	}
	if (rc == XF_OK)
		rc = add_removed_records(db, incident_id, json_object_get(snapshot, "records"));
	if (rc == XF_OK) {
		st = xf_db_prepare(db, "SELECT incident_id, scores, lessons, facts, completed_ms,"
		                       " completed_by, updated_ms, updated_by FROM evaluations"
		                       " WHERE incident_id = ?");
		xf_sql_bind_int64(st, 1, incident_id);
		rc = xf_row_json(db, st, row_hash, &v);
		if (rc == XF_NOTFOUND) {
			v = json_null();
			rc = XF_OK;
		}
		if (rc == XF_OK)
			json_object_set_new(snapshot, "evaluation", v);
	}
	return rc;
}

/* The hash of each part of the snapshot but its format. */
static json_t *part_hashes(json_t *snapshot)
{
	json_t *parts = json_object();
	const char *key;
	json_t *value;
	json_object_foreach(snapshot, key, value)
	{
		if (strcmp(key, "format") != 0)
			json_object_set_new(parts, key, hash_of(value));
	}
	return parts;
}

int xf_seal_compute(xf_db *db, int64_t incident_id, int64_t audit_seq, const char *audit_head,
                    char **canonical, char hash[XF_HASH_HEX_LEN], json_t **parts)
{
	json_t *snapshot = json_pack("{s:s}", "format", XF_SEAL_FORMAT);
	int rc = seal_rows(db, incident_id, snapshot);
	if (rc != XF_OK) {
		json_decref(snapshot);
		return rc;
	}
	json_object_set_new(
	    snapshot, "audit",
	    json_pack("{s:I, s:s}", "seq", (json_int_t)audit_seq, "hash", audit_head));
	char *text = xf_json_canonical(snapshot);
	sha256_hex(text, hash);
	if (parts)
		*parts = part_hashes(snapshot);
	json_decref(snapshot);
	if (canonical)
		*canonical = text;
	else
		free(text);
	return XF_OK;
}

int xf_seal_incident(xf_db *db, const xf_actor *actor, int64_t incident_id,
                     char hash[XF_HASH_HEX_LEN])
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
	int rc = xf_row_one(db, st);
	int64_t seq = 0;
	char head[XF_HASH_HEX_LEN] = "";
	if (rc == XF_OK) {
		seq = xf_sql_column_int64(st, 0);
		xf_row_copy(head, sizeof head, st, 1);
	}
	xf_sql_reset(st);
	if (rc != XF_OK)
		return rc == XF_NOTFOUND ? XF_ERR : rc;
	char seal[XF_HASH_HEX_LEN];
	json_t *parts = NULL;
	rc = xf_seal_compute(db, incident_id, seq, head, NULL, seal, &parts);
	if (rc != XF_OK)
		return rc;
	char *parts_text = xf_json_canonical(parts);
	int64_t now = xf_now_ms();
	st = xf_db_prepare(db, "INSERT INTO seals (incident_id, sealed_ms, format, audit_seq,"
	                       " audit_head, parts, hash) VALUES (?, ?, ?, ?, ?, ?, ?)");
	xf_sql_bind_int64(st, 1, incident_id);
	xf_sql_bind_int64(st, 2, now);
	xf_sql_bind_text(st, 3, XF_SEAL_FORMAT, -1);
	xf_sql_bind_int64(st, 4, seq);
	xf_sql_bind_text(st, 5, head, -1);
	xf_sql_bind_text(st, 6, parts_text, -1);
	xf_sql_bind_text(st, 7, seal, -1);
	rc = xf_db_exec(db, st);
	free(parts_text);
	char id_text[24];
	snprintf(id_text, sizeof id_text, "%" PRId64, incident_id);
	if (rc == XF_OK)
		rc =
		    xf_audit_append(db, actor, "incident.seal", "incident", id_text,
		                    json_pack("{s:s, s:s, s:s, s:I, s:s, s:o}", "summary",
		                              "归档封存：事件及其任务、备注、记录、报告此后只读",
		                              "seal", seal, "format", XF_SEAL_FORMAT, "audit_seq",
		                              (json_int_t)seq, "audit_head", head, "parts", parts));
	else
		json_decref(parts);
	if (rc == XF_OK && hash)
		memcpy(hash, seal, XF_HASH_HEX_LEN);
	return rc;
}

int xf_seal_get(xf_db *db, int64_t incident_id, bool *sealed, char hash[XF_HASH_HEX_LEN],
                int64_t *sealed_ms)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT hash, sealed_ms FROM seals WHERE incident_id = ?");
	xf_sql_bind_int64(st, 1, incident_id);
	int rc = xf_row_one(db, st);
	*sealed = rc == XF_OK;
	if (rc == XF_OK) {
		if (hash)
			xf_row_copy(hash, XF_HASH_HEX_LEN, st, 0);
		if (sealed_ms)
			*sealed_ms = xf_sql_column_int64(st, 1);
	}
	xf_sql_reset(st);
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

/* A seal as the check reads it. */
typedef struct seal_row {
	int64_t incident_id, audit_seq;
	char number[24], head[XF_HASH_HEX_LEN], hash[XF_HASH_HEX_LEN];
} seal_row;

static void read_seal_row(xf_sql_stmt *st, void *row)
{
	seal_row *r = row;
	r->incident_id = xf_sql_column_int64(st, 0);
	xf_row_copy(r->number, sizeof r->number, st, 1);
	r->audit_seq = xf_sql_column_int64(st, 2);
	xf_row_copy(r->head, sizeof r->head, st, 3);
	xf_row_copy(r->hash, sizeof r->hash, st, 4);
}

/* The names of the parts whose hash differs from the one the seal of the incident
 * keeps, ", "-separated into changed ("" when it keeps none). */
static int changed_parts(xf_db *db, int64_t incident_id, json_t *parts, char *changed, size_t size)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT parts FROM seals WHERE incident_id = ?");
	xf_sql_bind_int64(st, 1, incident_id);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	json_t *before = json_loads(xf_row_text(st, 0), 0, NULL);
	xf_sql_reset(st);
	changed[0] = '\0';
	const char *key;
	json_t *value;
	json_object_foreach(parts, key, value)
	{
		const char *was = json_string_value(json_object_get(before, key));
		if (!was || strcmp(was, json_string_value(value)) != 0)
			snprintf(changed + strlen(changed), size - strlen(changed), "%s%s",
			         changed[0] ? ", " : "", key);
	}
	json_decref(before);
	return XF_OK;
}

/* Recomputes one seal: 0 when it holds, 1 when it does not (said on err), -1 when the
 * database fails. */
static int check_seal(xf_db *db, FILE *err, const seal_row *r)
{
	/* The head it was sealed at must still be that event of the chain. */
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT hash FROM events WHERE seq = ?");
	xf_sql_bind_int64(st, 1, r->audit_seq);
	int rc = xf_row_one(db, st);
	bool head_ok = rc == XF_OK && strcmp(xf_row_text(st, 0), r->head) == 0;
	xf_sql_reset(st);
	if (rc != XF_OK && rc != XF_NOTFOUND)
		return -1;
	char again[XF_HASH_HEX_LEN], changed[256];
	json_t *parts = NULL;
	if (xf_seal_compute(db, r->incident_id, r->audit_seq, r->head, NULL, again, &parts) !=
	    XF_OK)
		return -1;
	if (head_ok && strcmp(again, r->hash) == 0) {
		json_decref(parts);
		return 0;
	}
	/* Which parts changed: the seal keeps a hash of each. */
	rc = changed_parts(db, r->incident_id, parts, changed, sizeof changed);
	json_decref(parts);
	if (rc != XF_OK)
		return -1;
	if (!head_ok)
		fprintf(err,
		        "xinfang: check failed: incident %" PRId64
		        " '%s': the audit event seq=%" PRId64
		        " it was sealed at is not the one recorded in its seal\n",
		        r->incident_id, r->number, r->audit_seq);
	else
		fprintf(err,
		        "xinfang: check failed: incident %" PRId64
		        " '%s' changed after it was sealed (%s): seal %s, rows now give %s\n",
		        r->incident_id, r->number, changed[0] ? changed : "the seal row", r->hash,
		        again);
	return 1;
}

int xf_seal_check_all(xf_db *db, FILE *err, int64_t *n_sealed)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT s.incident_id, coalesce(i.number, ''), s.audit_seq, s.audit_head, s.hash"
	        " FROM seals s LEFT JOIN incidents i ON i.id = s.incident_id"
	        " ORDER BY s.incident_id");
	void *rows;
	size_t n;
	if (xf_rows_read(db, st, sizeof(seal_row), read_seal_row, &rows, &n) != XF_OK)
		return -1;
	int problems = 0;
	for (size_t i = 0; i < n; i++) {
		int bad = check_seal(db, err, (seal_row *)rows + i);
		if (bad < 0) {
			problems = -1;
			break;
		}
		problems += bad;
	}
	free(rows);
	if (n_sealed)
		*n_sealed = (int64_t)n;
	return problems;
}

/* ---- retention ---- */

int xf_retention_due(xf_db *db, const char *const *kinds, const int *days, size_t n_kinds,
                     int64_t as_of_ms, xf_retention_item **items, size_t *n)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT r.id, r.incident_id, i.number, r.kind, coalesce(r.sha256, ''),"
	        " coalesce(r.thumb_sha256, ''), coalesce(r.size, 0),"
	        " coalesce(s.sealed_ms, i.updated_ms)"
	        " FROM records r JOIN incidents i ON i.id = r.incident_id"
	        " LEFT JOIN seals s ON s.incident_id = i.id"
	        " WHERE i.status IN ('archived', 'withdrawn', 'not_activated')"
	        " ORDER BY r.incident_id, r.id");
	size_t cap = 0;
	*items = NULL;
	*n = 0;
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		const char *kind = xf_row_text(st, 3);
		int keep_days = 0;
		for (size_t k = 0; k < n_kinds; k++)
			if (strcmp(kinds[k], kind) == 0)
				keep_days = days[k];
		int64_t closed = xf_sql_column_int64(st, 7);
		if (keep_days <= 0 || closed + keep_days * XF_DAY_MS > as_of_ms)
			continue;
		XF_GROW(*items, *n + 1, cap);
		xf_retention_item *it = &(*items)[(*n)++];
		memset(it, 0, sizeof *it);
		it->record_id = xf_sql_column_int64(st, 0);
		it->incident_id = xf_sql_column_int64(st, 1);
		xf_row_copy(it->number, sizeof it->number, st, 2);
		xf_row_copy(it->kind, sizeof it->kind, st, 3);
		xf_row_copy(it->sha256, sizeof it->sha256, st, 4);
		xf_row_copy(it->thumb_sha256, sizeof it->thumb_sha256, st, 5);
		it->size = xf_sql_column_int64(st, 6);
		it->closed_ms = closed;
	}
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}

int xf_retention_remove(xf_db *db, const xf_actor *actor, int64_t incident_id,
                        const xf_retention_item *items, size_t n)
{
	json_t *removed = json_array(), *counts = json_object();
	int rc = XF_OK;
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		/* The entry the seal holds for the record, made by the same code. */
		xf_sql_stmt *st =
		    xf_db_prepare(db, "SELECT " RECORD_SEAL_COLUMNS " FROM records WHERE id = ?");
		xf_sql_bind_int64(st, 1, items[i].record_id);
		rc = xf_row_one(db, st);
		if (rc == XF_OK)
			json_array_append_new(removed, record_entry(st));
		xf_sql_reset(st);
		json_int_t c = json_integer_value(json_object_get(counts, items[i].kind));
		json_object_set_new(counts, items[i].kind, json_integer(c + 1));
	}
	/* The seal's triggers let the deletion through while seal_unlock has a row; it is
	 * emptied again before the transaction ends. */
	if (rc == XF_OK)
		rc = xf_db_exec(
		    db, xf_db_prepare(db, "INSERT INTO seal_unlock (reason) VALUES ('retention')"));
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		xf_sql_stmt *st = xf_db_prepare(db, "DELETE FROM records WHERE id = ?");
		xf_sql_bind_int64(st, 1, items[i].record_id);
		rc = xf_row_changed(db, xf_db_exec(db, st));
	}
	if (rc == XF_OK)
		rc = xf_db_exec(db, xf_db_prepare(db, "DELETE FROM seal_unlock"));
	char id_text[24];
	snprintf(id_text, sizeof id_text, "%" PRId64, incident_id);
	char *summary = NULL;
	if (rc == XF_OK) {
		xf_buf b = XF_BUF_INIT;
		xf_buf_printf(&b, "保存期限届满，删除记录 %zu 件（", n);
		const char *key;
		json_t *value;
		bool first = true;
		json_object_foreach(counts, key, value)
		{
			xf_buf_printf(&b, "%s%s %lld", first ? "" : "，", key,
			              (long long)json_integer_value(value));
			first = false;
		}
		xf_buf_puts(&b, "）；封存校验以本事件记载的哈希为准");
		summary = xf_strdup(b.data);
		xf_buf_release(&b);
		rc =
		    xf_audit_append(db, actor, "retention.apply", "incident", id_text,
		                    json_pack("{s:s, s:O, s:O, s:I}", "summary", summary, "records",
		                              removed, "counts", counts, "removed", (json_int_t)n));
	}
	free(summary);
	json_decref(removed);
	json_decref(counts);
	return rc;
}

int xf_retention_file_used(xf_db *db, const char *sha256, bool *used)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT EXISTS (SELECT 1 FROM records WHERE sha256 = ?1 OR thumb_sha256 = ?1)"
	        " OR EXISTS (SELECT 1 FROM reports WHERE pdf_sha256 = ?1 OR docx_sha256 = ?1)");
	xf_sql_bind_text(st, 1, sha256, -1);
	int rc = xf_row_one(db, st);
	if (rc == XF_OK)
		*used = xf_sql_column_int(st, 0) != 0;
	xf_sql_reset(st);
	return rc;
}

/* ---- the archive download ---- */

int xf_archive_contents(xf_db *db, int64_t incident_id, json_t **records, json_t **reports)
{
	*records = *reports = NULL;
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "SELECT id, kind, title, filename, sha256, size, mime, captured_ms, added_ms, place,"
	    " note, interview FROM records WHERE incident_id = ? ORDER BY id");
	xf_sql_bind_int64(st, 1, incident_id);
	int rc = xf_rows_json(db, st, row_object, records);
	if (rc == XF_OK) {
		st = xf_db_prepare(
		    db,
		    "SELECT id, kind, version, number, title, issued_ms, pdf_sha256, docx_sha256"
		    " FROM reports WHERE incident_id = ? AND status = 'issued' ORDER BY kind, "
		    "version");
		xf_sql_bind_int64(st, 1, incident_id);
		rc = xf_rows_json(db, st, row_object, reports);
	}
	if (rc != XF_OK) {
		json_decref(*records);
		*records = NULL;
	}
	return rc;
}

static json_t *read_seal(xf_sql_stmt *st)
{
	return json_pack("{s:s, s:o, s:s, s:I, s:s}", "hash", xf_row_text(st, 5), "sealed_at",
	                 xf_row_time(st, 1), "format", xf_row_text(st, 2), "audit_seq",
	                 (json_int_t)xf_sql_column_int64(st, 3), "audit_head", xf_row_text(st, 4));
}

int xf_seal_json(xf_db *db, int64_t incident_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT incident_id, sealed_ms, format, audit_seq,"
	                                    " audit_head, hash FROM seals WHERE incident_id = ?");
	xf_sql_bind_int64(st, 1, incident_id);
	return xf_row_json(db, st, read_seal, out);
}
