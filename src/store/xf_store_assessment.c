/* Assessment facts and accountability findings in SQL (xf_store_assessment.h). Each
 * kind of fact is one statement over the units at or below a root; the scoring is
 * core's (core/xf_assessment.c). */
#include "store/xf_store_assessment.h"

#include <stdlib.h>
#include <string.h>

#include "store/xf_store_db.h"
#include "store/xf_store_rows.h"

/* ?1 the root unit (0: every unit); X the unit column to test. */
#define SUB                                                                                        \
	"WITH RECURSIVE sub(id) AS (SELECT CAST(?1 AS BIGINT) UNION SELECT u.id FROM units u"      \
	" JOIN sub ON u.parent_id = sub.id) "
#define IN_ROOT(X) "(?1 = 0 OR " X " IN (SELECT id FROM sub))"

static json_t *unit_row(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:o, s:s}", "id", (json_int_t)xf_sql_column_int64(st, 0),
	                 "parent_id", xf_row_id(st, 1), "name", xf_row_text(st, 2));
}

int xf_store_assessment_units(xf_db *db, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT id, parent_id, name FROM units ORDER BY id");
	return xf_rows_json(db, st, unit_row, out);
}

typedef struct facts {
	xf_arena *arena;
	xf_assess_fact *items;
	size_t n, cap;
} facts;

static xf_assess_fact *fact_add(facts *f)
{
	XF_GROW(f->items, f->n + 1, f->cap);
	xf_assess_fact *x = &f->items[f->n++];
	memset(x, 0, sizeof *x);
	return x;
}

static const char *text_or_null(facts *f, xf_sql_stmt *st, int i)
{
	return xf_sql_column_is_null(st, i) ? NULL : xf_arena_strdup(f->arena, xf_row_text(st, i));
}

static const char *date_of(facts *f, int64_t ms)
{
	char *d = xf_arena_alloc(f->arena, 11);
	xf_assess_date(ms, d);
	return d;
}

/* Steps st to its end, adding a fact per row with add. */
static int each_row(xf_db *db, xf_sql_stmt *st, facts *f, void (*add)(facts *, xf_sql_stmt *))
{
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW)
		add(f, st);
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}

static void bind_period(xf_sql_stmt *st, int64_t root, const xf_assess_period *p, int64_t now)
{
	xf_sql_bind_int64(st, 1, root);
	xf_sql_bind_int64(st, 2, p->from_ms);
	xf_sql_bind_int64(st, 3, p->to_ms);
	xf_sql_bind_int64(st, 4, now);
}

static void add_incident(facts *f, xf_sql_stmt *st)
{
	xf_assess_fact *x = fact_add(f);
	int dest = xf_destination_parse(xf_row_text(st, 3));
	x->event = XF_AE_INCIDENT;
	x->source_type = "incident";
	x->source_id = xf_sql_column_int64(st, 0);
	x->number = text_or_null(f, st, 1);
	x->headcount = (int)xf_sql_column_int64(st, 2);
	x->destination = dest < 0 ? XF_DEST_MINE : (xf_destination)dest;
	x->date = date_of(f, xf_sql_column_int64(st, 4));
	x->unit_id = xf_sql_column_int64(st, 5);
}

static void add_matter(facts *f, xf_sql_stmt *st)
{
	const char *s = xf_row_text(st, 1);
	xf_assess_fact *x = fact_add(f);
	x->event = strcmp(s, "repeat") == 0                ? XF_AE_REPEAT_MATTER
	           : strcmp(s, "satisfied") == 0           ? XF_AE_MATTER_SATISFIED
	           : strcmp(s, "basically_satisfied") == 0 ? XF_AE_MATTER_BASICALLY_SATISFIED
	                                                   : XF_AE_MATTER_UNSATISFIED;
	x->source_type = "matter";
	x->source_id = xf_sql_column_int64(st, 0);
	x->date = date_of(f, xf_sql_column_int64(st, 2));
	x->unit_id = xf_sql_column_int64(st, 3);
	x->number = text_or_null(f, st, 4);
}

static void add_task(facts *f, xf_sql_stmt *st)
{
	const char *kind = xf_row_text(st, 1);
	xf_assess_fact *x = fact_add(f);
	x->event = strncmp(kind, "report_", 7) == 0 ? XF_AE_REPORT_UP_OVERDUE : XF_AE_TASK_OVERDUE;
	x->source_type = "task";
	x->source_id = xf_sql_column_int64(st, 0);
	x->date = date_of(f, xf_sql_column_int64(st, 2));
	x->unit_id = xf_sql_column_int64(st, 3);
	x->number = text_or_null(f, st, 4);
	x->label = text_or_null(f, st, 5);
}

static void add_screening(facts *f, xf_sql_stmt *st)
{
	xf_assess_fact *x = fact_add(f);
	x->event = xf_sql_column_is_null(st, 3) ? XF_AE_SCREENING_MISSED : XF_AE_SCREENING_LATE;
	x->source_type = "screening";
	x->source_id = xf_sql_column_int64(st, 0);
	x->unit_id = xf_sql_column_int64(st, 1);
	x->part = x->unit_id;
	x->date = date_of(f, xf_sql_column_int64(st, 2));
	x->label = text_or_null(f, st, 4);
}

static void add_finding(facts *f, xf_sql_stmt *st)
{
	xf_assess_fact *x = fact_add(f);
	x->event = XF_AE_FINDING;
	x->source_type = "finding";
	x->source_id = xf_sql_column_int64(st, 0);
	x->decision = text_or_null(f, st, 1);
	x->date = text_or_null(f, st, 2);
	x->unit_id = xf_sql_column_int64(st, 3);
}

int xf_store_assessment_facts(xf_db *db, int64_t root, const xf_assess_period *period,
                              int64_t now_ms, xf_arena *arena, xf_assess_fact **out, size_t *n)
{
	static const char *const incidents =
	    SUB "SELECT i.id, i.number, i.headcount, i.destination,"
	        " coalesce(i.occurred_ms, i.registered_ms), iu.unit_id"
	        " FROM incidents i JOIN incident_units iu ON iu.incident_id = i.id"
	        " WHERE i.drill = 0 AND i.withdrawn IS NULL AND i.status <> 'withdrawn'"
	        " AND coalesce(i.occurred_ms, i.registered_ms) >= ?2"
	        " AND coalesce(i.occurred_ms, i.registered_ms) < ?3 AND ?4 >= 0"
	        " AND " IN_ROOT(
	            "iu.unit_id") " ORDER BY coalesce(i.occurred_ms, i.registered_ms), i.id";
	/* A matter counts for the unit concerned, else the petitioner's unit. */
	static const char *const matters =
	    SUB "SELECT m.id, m.satisfaction, m.concluded_ms, coalesce(m.unit_id, p.unit_id),"
	        " i.number FROM matters m JOIN persons p ON p.id = m.person_id"
	        " LEFT JOIN incidents i ON i.id = m.incident_id"
	        " WHERE m.satisfaction IS NOT NULL AND m.concluded_ms >= ?2 AND m.concluded_ms < ?3"
	        " AND (i.id IS NULL OR i.drill = 0) AND ?4 >= 0"
	        " AND coalesce(m.unit_id, p.unit_id) IS NOT NULL"
	        " AND " IN_ROOT("coalesce(m.unit_id, p.unit_id)") " ORDER BY m.concluded_ms, m.id";
	/* 重复访: marked as repeating another matter, or received after the same person's
	 * earlier matter was concluded. */
	static const char *const repeats =
	    SUB "SELECT m.id, 'repeat', m.received_ms, coalesce(m.unit_id, p.unit_id), i.number"
	        " FROM matters m JOIN persons p ON p.id = m.person_id"
	        " LEFT JOIN incidents i ON i.id = m.incident_id"
	        " WHERE m.received_ms >= ?2 AND m.received_ms < ?3 AND ?4 >= 0"
	        " AND (i.id IS NULL OR i.drill = 0)"
	        " AND (m.repeat_of IS NOT NULL OR EXISTS (SELECT 1 FROM matters e"
	        "   WHERE e.person_id = m.person_id AND e.id <> m.id AND e.concluded_ms IS NOT NULL"
	        "   AND e.concluded_ms <= m.received_ms))"
	        " AND coalesce(m.unit_id, p.unit_id) IS NOT NULL"
	        " AND " IN_ROOT("coalesce(m.unit_id, p.unit_id)") " ORDER BY m.received_ms, m.id";
	/* A task that went overdue counts for the units of its incident. */
	static const char *const tasks =
	    SUB "SELECT t.id, t.kind, t.due_ms, iu.unit_id, i.number, t.title"
	        " FROM tasks t JOIN incidents i ON i.id = t.incident_id"
	        " JOIN incident_units iu ON iu.incident_id = i.id"
	        " WHERE t.overdue = 1 AND t.due_ms >= ?2 AND t.due_ms < ?3 AND ?4 >= 0"
	        " AND i.drill = 0 AND i.withdrawn IS NULL AND i.status <> 'withdrawn'"
	        " AND " IN_ROOT("iu.unit_id") " ORDER BY t.due_ms, t.id";
	static const char *const screening =
	    SUB "SELECT c.id, r.unit_id, c.due_ms, r.reported_ms, c.title"
	        " FROM screening_reports r JOIN screening_campaigns c ON c.id = r.campaign_id"
	        " WHERE c.due_ms >= ?2 AND c.due_ms < ?3 AND c.due_ms < ?4"
	        " AND (r.reported_ms IS NULL OR r.reported_ms > c.due_ms)"
	        " AND " IN_ROOT("r.unit_id") " ORDER BY c.due_ms, c.id, r.unit_id";
	/* A finding counts for the unit it names, else the named person's unit. */
	static const char *const findings =
	    SUB "SELECT f.id, f.decision, f.decided_on, coalesce(f.unit_id, u.unit_id)"
	        " FROM accountability_findings f LEFT JOIN users u ON u.id = f.user_id"
	        " WHERE f.decided_on >= ?5 AND f.decided_on < ?6 AND ?2 <= ?3 AND ?4 >= 0"
	        " AND " IN_ROOT("coalesce(f.unit_id, u.unit_id)") " ORDER BY f.decided_on, f.id";
	struct {
		const char *sql;
		void (*add)(facts *, xf_sql_stmt *);
	} kinds[] = {{incidents, add_incident},  {matters, add_matter},
	             {repeats, add_matter},      {tasks, add_task},
	             {screening, add_screening}, {findings, add_finding}};
	facts f = {.arena = arena};
	int rc = XF_OK;
	for (size_t k = 0; k < XF_ARRAY_LEN(kinds) && rc == XF_OK; k++) {
		xf_sql_stmt *st = xf_db_prepare(db, kinds[k].sql);
		bind_period(st, root, period, now_ms);
		if (kinds[k].add == add_finding) {
			xf_sql_bind_text(st, 5, period->from, -1);
			xf_sql_bind_text(st, 6, period->to, -1);
		}
		rc = each_row(db, st, &f, kinds[k].add);
	}
	if (rc != XF_OK) {
		free(f.items);
		return rc;
	}
	/* Into the arena, so that the caller frees nothing. */
	*out = xf_arena_alloc(arena, (f.n ? f.n : 1) * sizeof **out);
	if (f.n)
		memcpy(*out, f.items, f.n * sizeof **out);
	*n = f.n;
	free(f.items);
	return XF_OK;
}

/* ---- findings ---- */

int xf_store_accountability_insert(xf_db *db, const xf_accountability_new *f, int64_t *id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "INSERT INTO accountability_findings (unit_id, user_id, basis, decision, decided_by,"
	    " decided_on, text, created_by, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
	    " RETURNING id");
	xf_bind_id(st, 1, f->unit_id);
	xf_bind_id(st, 2, f->user_id);
	xf_sql_bind_text(st, 3, f->basis, -1);
	xf_sql_bind_text(st, 4, f->decision, -1);
	xf_sql_bind_text(st, 5, f->decided_by, -1);
	xf_sql_bind_text(st, 6, f->decided_on, -1);
	xf_sql_bind_text(st, 7, f->text ? f->text : "", -1);
	xf_sql_bind_int64(st, 8, f->created_by);
	xf_sql_bind_int64(st, 9, f->now_ms);
	return xf_row_insert(db, st, id);
}

int xf_store_accountability_link(xf_db *db, int64_t finding_id, const char *kind, int64_t ref_id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO accountability_links (finding_id, kind, ref_id) VALUES (?, ?, ?)"
	        " ON CONFLICT DO NOTHING");
	xf_sql_bind_int64(st, 1, finding_id);
	xf_sql_bind_text(st, 2, kind, -1);
	xf_sql_bind_int64(st, 3, ref_id);
	return xf_db_exec(db, st);
}

int xf_store_accountability_statement(xf_db *db, int64_t finding_id, int64_t author_id,
                                      const char *text, int64_t now_ms, int64_t *id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "INSERT INTO accountability_statements (finding_id, author_id, text,"
	                      " created_ms) VALUES (?, ?, ?, ?) RETURNING id");
	xf_sql_bind_int64(st, 1, finding_id);
	xf_sql_bind_int64(st, 2, author_id);
	xf_sql_bind_text(st, 3, text, -1);
	xf_sql_bind_int64(st, 4, now_ms);
	return xf_row_insert(db, st, id);
}

int xf_store_accountability_user(xf_db *db, int64_t id, int64_t *user_id)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT coalesce(user_id, 0) FROM accountability_findings WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_int64(db, st, user_id);
}

int xf_store_accountability_ref_exists(xf_db *db, const char *kind, int64_t id, bool *exists)
{
	const char *sql = strcmp(kind, "incident") == 0 ? "SELECT 1 FROM incidents WHERE id = ?"
	                  : strcmp(kind, "matter") == 0 ? "SELECT 1 FROM matters WHERE id = ?"
	                                                : "SELECT 1 FROM tasks WHERE id = ?";
	xf_sql_stmt *st = xf_db_prepare(db, sql);
	xf_sql_bind_int64(st, 1, id);
	int64_t one;
	int rc = xf_row_int64(db, st, &one);
	*exists = rc == XF_OK;
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

static json_t *finding_row(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:I, s:o}", "id",
	                 (json_int_t)xf_sql_column_int64(st, 0), "unit_id", xf_row_id(st, 1),
	                 "unit_name", xf_row_string(st, 2), "user_id", xf_row_id(st, 3),
	                 "user_name", xf_row_string(st, 4), "basis", xf_row_text(st, 5), "decision",
	                 xf_row_text(st, 6), "decided_by", xf_row_text(st, 7), "decided_at",
	                 xf_row_text(st, 8), "text", xf_row_text(st, 9), "created_by",
	                 (json_int_t)xf_sql_column_int64(st, 10), "created_at",
	                 xf_row_time(st, 11));
}

#define FINDING_COLUMNS                                                                            \
	"SELECT f.id, f.unit_id, un.name, f.user_id, us.name, f.basis, f.decision, f.decided_by,"  \
	" f.decided_on, f.text, f.created_by, f.created_ms FROM accountability_findings f"         \
	" LEFT JOIN units un ON un.id = f.unit_id LEFT JOIN users us ON us.id = f.user_id "

static json_t *link_row(xf_sql_stmt *st)
{
	return json_pack("{s:s, s:I, s:o}", "kind", xf_row_text(st, 0), "id",
	                 (json_int_t)xf_sql_column_int64(st, 1), "number", xf_row_string(st, 2));
}

static json_t *statement_row(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:I, s:o, s:s, s:o}", "id", (json_int_t)xf_sql_column_int64(st, 0),
	                 "author_id", (json_int_t)xf_sql_column_int64(st, 1), "author",
	                 xf_row_string(st, 2), "text", xf_row_text(st, 3), "at",
	                 xf_row_time(st, 4));
}

int xf_store_accountability_json(xf_db *db, int64_t id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, FINDING_COLUMNS "WHERE f.id = ?");
	xf_sql_bind_int64(st, 1, id);
	json_t *f;
	int rc = xf_row_json(db, st, finding_row, &f);
	if (rc != XF_OK)
		return rc;
	rc = xf_rows_json_key(db, f, "links",
	                      "SELECT l.kind, l.ref_id, CASE l.kind WHEN 'incident' THEN i.number"
	                      " WHEN 'task' THEN ti.number WHEN 'matter' THEN mi.number END"
	                      " FROM accountability_links l"
	                      " LEFT JOIN incidents i ON l.kind = 'incident' AND i.id = l.ref_id"
	                      " LEFT JOIN tasks t ON l.kind = 'task' AND t.id = l.ref_id"
	                      " LEFT JOIN incidents ti ON ti.id = t.incident_id"
	                      " LEFT JOIN matters m ON l.kind = 'matter' AND m.id = l.ref_id"
	                      " LEFT JOIN incidents mi ON mi.id = m.incident_id"
	                      " WHERE l.finding_id = ? ORDER BY l.kind, l.ref_id",
	                      id, link_row);
	if (rc == XF_OK)
		rc = xf_rows_json_key(db, f, "statements",
		                      "SELECT s.id, s.author_id, u.name, s.text, s.created_ms"
		                      " FROM accountability_statements s LEFT JOIN users u"
		                      " ON u.id = s.author_id WHERE s.finding_id = ? ORDER BY s.id",
		                      id, statement_row);
	if (rc != XF_OK) {
		json_decref(f);
		return rc;
	}
	*out = f;
	return XF_OK;
}

static int finding_one(xf_db *db, int64_t id, json_t **out)
{
	return xf_store_accountability_json(db, id, out);
}

int xf_store_accountability_list(xf_db *db, int64_t user_id, int64_t incident_id, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "SELECT f.id FROM accountability_findings f WHERE (?1 = 0 OR f.user_id = ?1)"
	    " AND (?2 = 0 OR EXISTS (SELECT 1 FROM accountability_links l WHERE"
	    " l.finding_id = f.id AND ((l.kind = 'incident' AND l.ref_id = ?2)"
	    " OR (l.kind = 'task' AND l.ref_id IN (SELECT id FROM tasks WHERE incident_id = ?2))"
	    " OR (l.kind = 'matter' AND l.ref_id IN (SELECT id FROM matters"
	    "   WHERE incident_id = ?2)))))"
	    " ORDER BY f.decided_on DESC, f.id DESC LIMIT 500");
	xf_sql_bind_int64(st, 1, user_id);
	xf_sql_bind_int64(st, 2, incident_id);
	return xf_rows_json_by_id(db, st, finding_one, out);
}
