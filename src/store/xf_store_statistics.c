/* The statistics' queries (xf_store_statistics.h, docs/statistics.md). Each part is one
 * grouped statement over the covering indexes of migration 22 (incidents by occurred_ms,
 * drills left out by the index's own condition; matters by received_ms), read once and
 * summed into every breakdown here, so a year costs one pass over each table's index,
 * not one per breakdown; matters, the big table, are summed by fixed key in one row
 * (no sort) and counted by day. Rows are grouped by Beijing day number ((ms + 8 h) /
 * 1 day, the same integer arithmetic on both engines) and the days made months here.
 * A unit subtree is a recursive CTE over units, as the incident visibility's. */
#include "store/xf_store_statistics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/xf_store_rows.h"

/* ?3: the subtree's root. */
#define SUBTREE                                                                                    \
	"WITH RECURSIVE sub(id) AS (SELECT CAST(?3 AS BIGINT) UNION SELECT u.id FROM units u"      \
	" JOIN sub ON u.parent_id = sub.id) "
/* The real incidents of the period [?1, ?2): "drill = 0" as the partial index says. */
#define INC_WHERE                                                                                  \
	" WHERE i.drill = 0 AND i.occurred_ms >= ?1 AND i.occurred_ms < ?2"                        \
	" AND i.status <> 'withdrawn'"
#define INC_IN_SUB                                                                                 \
	" AND i.id IN (SELECT iu.incident_id FROM incident_units iu WHERE iu.unit_id IN"           \
	" (SELECT id FROM sub))"

#define INC_GROUPS                                                                                 \
	"SELECT (i.occurred_ms + 28800000) / 86400000, i.status, i.category, i.destination, "      \
	"coalesce(i.grade, ''),"                                                                   \
	" coalesce(i.grade_name, ''), coalesce(i.procedure, ''), coalesce(i.procedure_name, ''),"  \
	" count(*) FROM incidents i"
#define INC_GROUP_BY " GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"

static const char *const inc_groups_sql[2] = {
    INC_GROUPS INC_WHERE INC_GROUP_BY,
    SUBTREE INC_GROUPS INC_WHERE INC_IN_SUB INC_GROUP_BY,
};

#define INC_UNITS                                                                                  \
	"SELECT iu.unit_id, un.name, count(*) FROM incidents i JOIN incident_units iu"             \
	" ON iu.incident_id = i.id JOIN units un ON un.id = iu.unit_id" INC_WHERE
#define INC_UNITS_END " GROUP BY iu.unit_id, un.name ORDER BY count(*) DESC, iu.unit_id"
static const char *const inc_units_sql[2] = {
    INC_UNITS INC_UNITS_END,
    SUBTREE INC_UNITS " AND iu.unit_id IN (SELECT id FROM sub)" INC_UNITS_END,
};

#define INC_TIMES                                                                                  \
	"SELECT coalesce(i.activated_ms - i.registered_ms, -1),"                                   \
	" coalesce(i.resolved_ms - i.registered_ms, -1) FROM incidents i" INC_WHERE                \
	" AND (i.activated_ms IS NOT NULL OR i.resolved_ms IS NOT NULL)"
static const char *const inc_times_sql[2] = {INC_TIMES, SUBTREE INC_TIMES INC_IN_SUB};

/* Matters: one pass over the period's index range summing every breakdown at once (the
 * keys are fixed by the table's CHECKs; none of them needs a sort), then the Beijing
 * days for the months. ?4 is now: a clock still running past its limit is missed. */
#define ACC_STOP     "coalesce(m.accepted_ms, m.acceptance_notice_ms)"
#define CON_STOP     "coalesce(m.answered_ms, m.concluded_ms)"
#define ACC_LIMIT    "1296000000" /* 15 days */
#define CON_LIMIT    "(60 + coalesce(m.extension_days, 0)) * 86400000"
#define N_IS(col, v) " sum(CASE WHEN " col " = '" v "' THEN 1 ELSE 0 END),"
/* clang-format off */
#define MAT_SUMS                                                                                   \
	"SELECT count(*),"                                                                         \
	N_IS("m.category", "suggestion") N_IS("m.category", "accusation")                          \
	N_IS("m.category", "appeal")                                                               \
	N_IS("m.channel", "letter") N_IS("m.channel", "visit") N_IS("m.channel", "phone")          \
	N_IS("m.channel", "online")                                                                \
	N_IS("m.outcome", "supported") N_IS("m.outcome", "explained")                              \
	N_IS("m.outcome", "not_supported")                                                         \
	N_IS("m.satisfaction", "satisfied") N_IS("m.satisfaction", "basically_satisfied")          \
	N_IS("m.satisfaction", "unsatisfied")                                                      \
	" sum(CASE WHEN " ACC_STOP " - m.received_ms <= " ACC_LIMIT " THEN 1 ELSE 0 END),"          \
	" sum(CASE WHEN " ACC_STOP " IS NOT NULL THEN CASE WHEN " ACC_STOP " - m.received_ms > "    \
	ACC_LIMIT " THEN 1 ELSE 0 END WHEN ?4 - m.received_ms > " ACC_LIMIT " THEN 1 ELSE 0 END),"  \
	" sum(CASE WHEN m.accepted_ms IS NULL THEN 0 ELSE 1 END),"                                 \
	" sum(CASE WHEN m.accepted_ms IS NOT NULL AND " CON_STOP " - m.accepted_ms <= " CON_LIMIT   \
	" THEN 1 ELSE 0 END),"                                                                     \
	" sum(CASE WHEN m.accepted_ms IS NULL THEN 0 WHEN " CON_STOP " IS NOT NULL THEN CASE WHEN " \
	CON_STOP " - m.accepted_ms > " CON_LIMIT " THEN 1 ELSE 0 END WHEN ?4 - m.accepted_ms > "    \
	CON_LIMIT " THEN 1 ELSE 0 END)"
/* clang-format on */
#define MAT_DAYS "SELECT (m.received_ms + 28800000) / 86400000, count(*)"
#define MAT_WHERE                                                                                  \
	" WHERE m.received_ms >= ?1 AND m.received_ms < ?2 AND (m.incident_id IS NULL OR"          \
	" m.incident_id NOT IN (SELECT x.id FROM incidents x WHERE x.drill <> 0"                   \
	" OR x.status = 'withdrawn'))"
/* The matters of a subtree: those whose unit concerned is in it, and those without one
 * whose petitioner's unit is; each branch from its own index (unit and time; the
 * subtree's petitioners, then their matters by time: CROSS JOIN keeps SQLite from
 * walking every matter without a unit instead), so a small subtree reads its own rows. */
#define MAT_COLS                                                                                   \
	"m.received_ms, m.category, m.channel, m.outcome, m.satisfaction, m.accepted_ms,"          \
	" m.acceptance_notice_ms, m.answered_ms, m.concluded_ms, m.extension_days, m.incident_id"
#define MAT_RANGE " AND m.received_ms >= ?1 AND m.received_ms < ?2"
#define MAT_FROM_SUB                                                                               \
	" FROM (SELECT " MAT_COLS                                                                  \
	" FROM matters m WHERE m.unit_id IN (SELECT id FROM sub)" MAT_RANGE                        \
	" UNION ALL SELECT " MAT_COLS " FROM persons p CROSS JOIN matters m"                       \
	" WHERE m.person_id = p.id AND p.unit_id IN (SELECT id FROM sub) AND m.unit_id IS "        \
	"NULL" MAT_RANGE ") m"
#define MAT_FROM " FROM matters m"

static const char *const mat_sums_sql[2] = {MAT_SUMS MAT_FROM MAT_WHERE,
                                            SUBTREE MAT_SUMS MAT_FROM_SUB MAT_WHERE};
static const char *const mat_days_sql[2] = {MAT_DAYS MAT_FROM MAT_WHERE " GROUP BY 1",
                                            SUBTREE MAT_DAYS MAT_FROM_SUB MAT_WHERE " GROUP BY 1"};

/* Adds n to key's count in list (label kept from the first time the key is seen). */
static void list_add(xf_stat_list *list, const char *key, const char *label, int64_t n)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->items[i].key, key) == 0) {
			list->items[i].count += n;
			if (!list->items[i].label[0] && label && *label)
				snprintf(list->items[i].label, sizeof list->items[i].label, "%s",
				         label);
			return;
		}
	XF_GROW(list->items, list->n + 1, list->cap);
	xf_stat_count *c = &list->items[list->n++];
	memset(c, 0, sizeof *c);
	snprintf(c->key, sizeof c->key, "%s", key);
	if (label)
		snprintf(c->label, sizeof c->label, "%s", label);
	c->count = n;
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const xf_stat_count *)a)->key, ((const xf_stat_count *)b)->key);
}

static void list_sort(xf_stat_list *list)
{
	if (list->n > 1)
		qsort(list->items, list->n, sizeof *list->items, by_key);
}

int64_t xf_stat_get(const xf_stat_list *list, const char *key)
{
	for (size_t i = 0; i < list->n; i++)
		if (strcmp(list->items[i].key, key) == 0)
			return list->items[i].count;
	return 0;
}

static xf_sql_stmt *prepare(xf_db *db, const char *sql, const xf_stat_query *q)
{
	xf_sql_stmt *st = xf_db_prepare(db, sql);
	xf_sql_bind_int64(st, 1, q->from_ms);
	xf_sql_bind_int64(st, 2, q->to_ms);
	if (q->unit_id)
		xf_sql_bind_int64(st, 3, q->unit_id);
	return st;
}

static int done(xf_db *db, xf_sql_stmt *st, int rc)
{
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}

static void month_of_day(int64_t day, char out[8]);

static int incident_groups(xf_db *db, const xf_stat_query *q, xf_statistics *s)
{
	xf_sql_stmt *st = prepare(db, inc_groups_sql[q->unit_id != 0], q);
	int rc;
	char month[8];
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		int64_t n = xf_sql_column_int64(st, 8);
		s->incidents += n;
		month_of_day(xf_sql_column_int64(st, 0), month);
		list_add(&s->inc_month, month, NULL, n);
		list_add(&s->inc_status, xf_row_text(st, 1), NULL, n);
		list_add(&s->inc_category, xf_row_text(st, 2), NULL, n);
		list_add(&s->inc_destination, xf_row_text(st, 3), NULL, n);
		list_add(&s->inc_grade, xf_row_text(st, 4), xf_row_text(st, 5), n);
		list_add(&s->inc_procedure, xf_row_text(st, 6), xf_row_text(st, 7), n);
	}
	return done(db, st, rc);
}

static int incident_units(xf_db *db, const xf_stat_query *q, xf_statistics *s)
{
	xf_sql_stmt *st = prepare(db, inc_units_sql[q->unit_id != 0], q);
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW)
		list_add(&s->inc_unit, xf_row_text(st, 0), xf_row_text(st, 1),
		         xf_sql_column_int64(st, 2));
	return done(db, st, rc);
}

static int by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least q of the values at or below it. */
static void times_of(int64_t *v, size_t n, xf_stat_times *t)
{
	t->n = (int64_t)n;
	if (!n)
		return;
	qsort(v, n, sizeof *v, by_value);
	size_t r50 = (n * 50 + 99) / 100, r90 = (n * 90 + 99) / 100;
	t->p50_ms = v[r50 ? r50 - 1 : 0];
	t->p90_ms = v[r90 ? r90 - 1 : 0];
}

static int incident_times(xf_db *db, const xf_stat_query *q, xf_statistics *s)
{
	xf_sql_stmt *st = prepare(db, inc_times_sql[q->unit_id != 0], q);
	int64_t *act = NULL, *res = NULL;
	size_t n_act = 0, cap_act = 0, n_res = 0, cap_res = 0;
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		int64_t a = xf_sql_column_int64(st, 0), r = xf_sql_column_int64(st, 1);
		if (a >= 0) {
			XF_GROW(act, n_act + 1, cap_act);
			act[n_act++] = a;
		}
		if (r >= 0) {
			XF_GROW(res, n_res + 1, cap_res);
			res[n_res++] = r;
		}
	}
	rc = done(db, st, rc);
	if (rc == XF_OK) {
		times_of(act, n_act, &s->activation);
		times_of(res, n_res, &s->resolution);
	}
	free(act);
	free(res);
	return rc;
}

/* The Beijing month "YYYY-MM" of a Beijing day number (days since 1970-01-01). */
static void month_of_day(int64_t day, char out[8])
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;
	gmtime_r(&t, &tm);
	snprintf(out, 8, "%04u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
	         (unsigned)(tm.tm_mon + 1) % 100u);
}

static void add_nonzero(xf_stat_list *list, const char *key, int64_t n)
{
	if (n)
		list_add(list, key, NULL, n);
}

static int matter_sums(xf_db *db, const xf_stat_query *q, xf_statistics *s)
{
	static const char *const keys[][5] = {
	    {"suggestion", "accusation", "appeal", NULL},
	    {"letter", "visit", "phone", "online", NULL},
	    {"supported", "explained", "not_supported", NULL},
	    {"satisfied", "basically_satisfied", "unsatisfied", NULL},
	};
	xf_stat_list *lists[] = {&s->mat_category, &s->mat_channel, &s->mat_outcome,
	                         &s->mat_satisfaction};
	xf_sql_stmt *st = prepare(db, mat_sums_sql[q->unit_id != 0], q);
	xf_sql_bind_int64(st, 4, q->now_ms);
	int rc = xf_sql_step(st);
	if (rc != XF_SQL_ROW)
		return done(db, st, rc);
	int col = 0;
	int64_t total = xf_sql_column_int64(st, col++);
	s->matters = total;
	for (size_t l = 0; l < 4; l++) {
		int64_t rest = total;
		for (size_t k = 0; keys[l][k]; k++) {
			int64_t n = xf_sql_column_int64(st, col++);
			add_nonzero(lists[l], keys[l][k], n);
			rest -= n;
		}
		if (l > 0) /* channel, outcome, satisfaction may be unrecorded */
			add_nonzero(lists[l], "", rest);
	}
	s->acceptance.met = xf_sql_column_int64(st, col++);
	s->acceptance.missed = xf_sql_column_int64(st, col++);
	s->acceptance.pending = total - s->acceptance.met - s->acceptance.missed;
	int64_t accepted = xf_sql_column_int64(st, col++);
	s->conclusion.met = xf_sql_column_int64(st, col++);
	s->conclusion.missed = xf_sql_column_int64(st, col++);
	s->conclusion.pending = accepted - s->conclusion.met - s->conclusion.missed;
	return done(db, st, xf_sql_step(st));
}

static int matter_days(xf_db *db, const xf_stat_query *q, xf_statistics *s)
{
	xf_sql_stmt *st = prepare(db, mat_days_sql[q->unit_id != 0], q);
	int rc;
	char month[8];
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		month_of_day(xf_sql_column_int64(st, 0), month);
		list_add(&s->mat_month, month, NULL, xf_sql_column_int64(st, 1));
	}
	return done(db, st, rc);
}

int xf_store_statistics(xf_db *db, const xf_stat_query *q, xf_statistics *out)
{
	memset(out, 0, sizeof *out);
	int rc = incident_groups(db, q, out);
	if (rc == XF_OK)
		rc = incident_units(db, q, out);
	if (rc == XF_OK)
		rc = incident_times(db, q, out);
	if (rc == XF_OK)
		rc = matter_sums(db, q, out);
	if (rc == XF_OK)
		rc = matter_days(db, q, out);
	if (rc != XF_OK) {
		xf_statistics_free(out);
		return rc;
	}
	xf_stat_list *sorted[] = {&out->inc_month,   &out->inc_category,    &out->inc_destination,
	                          &out->inc_grade,   &out->inc_procedure,   &out->inc_status,
	                          &out->mat_month,   &out->mat_category,    &out->mat_channel,
	                          &out->mat_outcome, &out->mat_satisfaction};
	for (size_t i = 0; i < sizeof sorted / sizeof *sorted; i++)
		list_sort(sorted[i]);
	return XF_OK;
}

void xf_statistics_free(xf_statistics *s)
{
	xf_stat_list *all[] = {&s->inc_month,       &s->inc_unit,    &s->inc_category,
	                       &s->inc_destination, &s->inc_grade,   &s->inc_procedure,
	                       &s->inc_status,      &s->mat_month,   &s->mat_category,
	                       &s->mat_channel,     &s->mat_outcome, &s->mat_satisfaction};
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		free(all[i]->items);
	memset(s, 0, sizeof *s);
}
