/* The statistics' queries (xf_store_statistics.h, docs/statistics.md). Incidents: each
 * part is one grouped statement over the covering index of migration 22 (by
 * occurred_ms, drills left out by the index's own condition), read once and summed into
 * every breakdown here. Matters, the big table: the period's whole Beijing months come
 * from migration 25's roll-up (per month, unit and key, kept by triggers), plus a
 * count of the clocks still open that are past their limit now (the partial index
 * matters_open_clocks); the days before the first and after the last whole month are
 * summed from the matters by fixed key in one row (no sort) and counted by day. So a
 * year costs a few hundred roll-up rows, not a pass over its 200,000 matters. Rows are
 * grouped by Beijing day number ((ms + 8 h) / 1 day, the same integer arithmetic on
 * both engines) and the days made months here. A unit subtree is a recursive CTE over
 * units, as the incident visibility's. */
#include "store/xf_store_statistics.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/xf_migrations.h"
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

/* The period's incidents one row each, in the index's order (by time): summed here,
 * as a GROUP BY would sort them first (nearly every row is its own group per day). */
#define INC_ROWS                                                                                   \
	"SELECT (i.occurred_ms + 28800000) / 86400000, i.status, i.category, i.destination, "      \
	"coalesce(i.grade, ''),"                                                                   \
	" coalesce(i.grade_name, ''), coalesce(i.procedure, ''), coalesce(i.procedure_name, '')"   \
	" FROM incidents i"

static const char *const inc_rows_sql[2] = {
    INC_ROWS INC_WHERE,
    SUBTREE INC_ROWS INC_WHERE INC_IN_SUB,
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
	/* rows come in time order: the month is most often the last one added */
	size_t i = list->n && strcmp(list->items[list->n - 1].key, key) == 0 ? list->n - 1 : 0;
	while (i < list->n && strcmp(list->items[i].key, key) != 0)
		i++;
	if (i == list->n) {
		XF_GROW(list->items, list->n + 1, list->cap);
		memset(&list->items[list->n++], 0, sizeof *list->items);
		snprintf(list->items[i].key, sizeof list->items[i].key, "%s", key);
	}
	xf_stat_count *c = &list->items[i];
	c->count += n;
	if (!c->label[0] && label && *label)
		snprintf(c->label, sizeof c->label, "%s", label);
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
	xf_sql_stmt *st = prepare(db, inc_rows_sql[q->unit_id != 0], q);
	int rc;
	char month[8] = "";
	int64_t day = INT64_MIN;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		s->incidents++;
		if (xf_sql_column_int64(st, 0) != day) {
			day = xf_sql_column_int64(st, 0);
			month_of_day(day, month);
		}
		list_add(&s->inc_month, month, NULL, 1);
		list_add(&s->inc_status, xf_row_text(st, 1), NULL, 1);
		list_add(&s->inc_category, xf_row_text(st, 2), NULL, 1);
		list_add(&s->inc_destination, xf_row_text(st, 3), NULL, 1);
		list_add(&s->inc_grade, xf_row_text(st, 4), xf_row_text(st, 5), 1);
		list_add(&s->inc_procedure, xf_row_text(st, 6), xf_row_text(st, 7), 1);
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

/* Beijing months as YYYYMM: the one an instant falls in, the next, and the instant
 * it starts. */
static int64_t month_of_ms(int64_t ms)
{
	int64_t day = (ms + XF_STAT_TZ_MS) / XF_STAT_DAY_MS;
	if ((ms + XF_STAT_TZ_MS) % XF_STAT_DAY_MS < 0)
		day--;
	time_t t = (time_t)(day * 86400);
	struct tm tm;
	gmtime_r(&t, &tm);
	return (int64_t)(tm.tm_year + 1900) * 100 + tm.tm_mon + 1;
}

static int64_t next_month(int64_t month)
{
	return month % 100 == 12 ? (month / 100 + 1) * 100 + 1 : month + 1;
}

static int64_t month_start_ms(int64_t month)
{
	struct tm tm = {
	    .tm_year = (int)(month / 100) - 1900, .tm_mon = (int)(month % 100) - 1, .tm_mday = 1};
	return (int64_t)timegm(&tm) * 1000 - XF_STAT_TZ_MS;
}

static void add_nonzero(xf_stat_list *list, const char *key, int64_t n)
{
	if (n)
		list_add(list, key, NULL, n);
}

/* Matters counted so far: the breakdowns go straight into the lists; the deadlines
 * are summed here and made met / missed / pending at the end. */
typedef struct matter_tally {
	int64_t acc_met, acc_missed, accepted, con_met, con_missed;
} matter_tally;

/* The period's matters of [from_ms, to_ms) read from the matters themselves: the
 * months cut by the period's ends. */
static int matter_sums(xf_db *db, const xf_stat_query *q, xf_statistics *s, matter_tally *t)
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
	s->matters += total;
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
	t->acc_met += xf_sql_column_int64(st, col++);
	t->acc_missed += xf_sql_column_int64(st, col++);
	t->accepted += xf_sql_column_int64(st, col++);
	t->con_met += xf_sql_column_int64(st, col++);
	t->con_missed += xf_sql_column_int64(st, col++);
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

/* The whole months: migration 25's roll-up, kept by triggers on every write. Scope 0
 * holds every unit's matters; a subtree sums its units'. ?1, ?2: months YYYYMM. */
static const char *const rollup_sql[2] = {
    "SELECT month, dim, key, n FROM matter_statistics WHERE unit_id = 0"
    " AND month >= ?1 AND month < ?2 AND n <> 0",
    SUBTREE "SELECT month, dim, key, sum(n) FROM matter_statistics"
            " WHERE unit_id IN (SELECT id FROM sub) AND month >= ?1 AND month < ?2"
            " GROUP BY month, dim, key",
};

/* The roll-up's open clocks falling due in the month of now (?4): those past due by
 * now, from the indexes matters_acceptance_open and matters_conclusion_open. The
 * acceptance clocks of [?1, ?2) are read with ?2 at most now less 15 days (their due
 * past); the conclusion clocks by their due, from ?5 (the month's start) to now. */
#define OPEN_FROM_SUB " FROM matters m LEFT JOIN persons p ON p.id = m.person_id"
#define OPEN_IN_SUB   " AND coalesce(m.unit_id, p.unit_id) IN (SELECT id FROM sub)"
#define CON_DUE_NOW   " AND " XF_MATTER_CONCLUSION_DUE " >= ?5 AND " XF_MATTER_CONCLUSION_DUE " < ?4"
static const char *const acc_missed_sql[2] = {
    "SELECT count(*)" MAT_FROM MAT_WHERE " AND " XF_MATTER_ACCEPTANCE_OPEN,
    SUBTREE "SELECT count(*)" OPEN_FROM_SUB MAT_WHERE " AND " XF_MATTER_ACCEPTANCE_OPEN OPEN_IN_SUB,
};
static const char *const con_missed_sql[2] = {
    "SELECT count(*)" MAT_FROM MAT_WHERE " AND " XF_MATTER_CONCLUSION_OPEN CON_DUE_NOW,
    SUBTREE "SELECT count(*)" OPEN_FROM_SUB MAT_WHERE
            " AND " XF_MATTER_CONCLUSION_OPEN CON_DUE_NOW OPEN_IN_SUB,
};

/* How many of the open clocks due this month are past due now, into *n. */
static int open_missed(xf_db *db, const xf_stat_query *q, bool conclusion, int64_t month_ms,
                       int64_t *n)
{
	xf_sql_stmt *st =
	    prepare(db, (conclusion ? con_missed_sql : acc_missed_sql)[q->unit_id != 0], q);
	if (conclusion) {
		xf_sql_bind_int64(st, 4, q->now_ms);
		xf_sql_bind_int64(st, 5, month_ms);
	}
	int rc = xf_sql_step(st);
	if (rc == XF_SQL_ROW) {
		*n += xf_sql_column_int64(st, 0);
		rc = xf_sql_step(st);
	}
	return done(db, st, rc);
}

/* A dimension of a roll-up and the list it adds to. */
typedef struct rollup_dim {
	const char *dim;
	xf_stat_list *list;
} rollup_dim;

static xf_stat_list *rollup_list(const rollup_dim *dims, size_t n, const char *dim)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(dims[i].dim, dim) == 0)
			return dims[i].list;
	return NULL;
}

/* Adds n to the month YYYYMM ("YYYY-MM" in months) and to the total. */
static void add_month(xf_stat_list *months, int64_t *total, int64_t yyyymm, int64_t n)
{
	char m[8];
	snprintf(m, sizeof m, "%04u-%02u", (unsigned)(yyyymm / 100) % 10000u,
	         (unsigned)(yyyymm % 100) % 100u);
	list_add(months, m, NULL, n);
	*total += n;
}

/* Adds n clocks of a roll-up key: met, missed, or open:YYYYMM (falling due that month:
 * missed if before now's month, pending if after; *due_now when in it). */
static void add_clock(const char *key, int64_t n, int64_t now_month, int64_t *met, int64_t *missed,
                      bool *due_now)
{
	if (strcmp(key, "met") == 0)
		*met += n;
	else if (strcmp(key, "missed") == 0)
		*missed += n;
	else if (strncmp(key, "open:", 5) == 0) {
		int64_t due = strtoll(key + 5, NULL, 10);
		if (due < now_month)
			*missed += n;
		else if (due == now_month)
			*due_now = true;
	}
}

static int matter_rollup(xf_db *db, const xf_stat_query *q, int64_t from_month, int64_t to_month,
                         xf_statistics *s, matter_tally *t)
{
	xf_sql_stmt *st = xf_db_prepare(db, rollup_sql[q->unit_id != 0]);
	xf_sql_bind_int64(st, 1, from_month);
	xf_sql_bind_int64(st, 2, to_month);
	if (q->unit_id)
		xf_sql_bind_int64(st, 3, q->unit_id);
	int64_t now_month = month_of_ms(q->now_ms);
	bool acc_now = false, con_now = false; /* open clocks due this month */
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		int64_t month = xf_sql_column_int64(st, 0), n = xf_sql_column_int64(st, 3);
		const char *dim = xf_row_text(st, 1), *key = xf_row_text(st, 2);
		const rollup_dim dims[] = {{"category", &s->mat_category},
		                           {"channel", &s->mat_channel},
		                           {"outcome", &s->mat_outcome},
		                           {"satisfaction", &s->mat_satisfaction}};
		xf_stat_list *list = rollup_list(dims, XF_ARRAY_LEN(dims), dim);
		if (n == 0)
			continue;
		if (strcmp(dim, "total") == 0) {
			add_month(&s->mat_month, &s->matters, month, n);
		} else if (list) {
			if (*key || list != &s->mat_category) /* a matter always has a category */
				list_add(list, key, NULL, n);
		} else if (strcmp(dim, "acceptance") == 0) {
			add_clock(key, n, now_month, &t->acc_met, &t->acc_missed, &acc_now);
		} else if (strcmp(dim, "conclusion") == 0) {
			if (strcmp(key, "none") != 0)
				t->accepted += n;
			add_clock(key, n, now_month, &t->con_met, &t->con_missed, &con_now);
		}
	}
	rc = done(db, st, rc);
	xf_stat_query whole = *q;
	whole.from_ms = month_start_ms(from_month);
	whole.to_ms = month_start_ms(to_month);
	int64_t month_ms = month_start_ms(now_month),
	        accept_ms = XF_STAT_ACCEPT_DAYS * XF_STAT_DAY_MS;
	if (rc == XF_OK && acc_now) {
		xf_stat_query due_now = whole;
		if (due_now.from_ms < month_ms - accept_ms)
			due_now.from_ms = month_ms - accept_ms;
		if (due_now.to_ms > q->now_ms - accept_ms)
			due_now.to_ms = q->now_ms - accept_ms;
		if (due_now.from_ms < due_now.to_ms)
			rc = open_missed(db, &due_now, false, month_ms, &t->acc_missed);
	}
	if (rc == XF_OK && con_now)
		rc = open_missed(db, &whole, true, month_ms, &t->con_missed);
	return rc;
}

/* A period cut at months: its whole Beijing months [first, last) (none when first >=
 * last) and the days before (head) and after (tail) them. */
typedef struct period_cut {
	int64_t first, last;
	xf_stat_query head, tail;
} period_cut;

static period_cut cut_period(const xf_stat_query *q)
{
	period_cut c = {.first = month_of_ms(q->from_ms), .last = month_of_ms(q->to_ms)};
	if (month_start_ms(c.first) < q->from_ms)
		c.first = next_month(c.first);
	c.head = c.tail = *q;
	if (c.first < c.last) {
		c.head.to_ms = month_start_ms(c.first);
		c.tail.from_ms = month_start_ms(c.last);
	} else {
		c.tail.from_ms = c.tail.to_ms; /* all of it in head */
	}
	return c;
}

/* The whole months of every unit's incidents from migration 25's roll-up. */
static const char incident_rollup_sql[] =
    "SELECT s.month, s.dim, s.key, s.label, s.unit_id, un.name, s.n FROM incident_statistics s"
    " LEFT JOIN units un ON un.id = s.unit_id WHERE s.month >= ?1 AND s.month < ?2 AND s.n <> 0";

static int incident_rollup(xf_db *db, int64_t from_month, int64_t to_month, xf_statistics *s)
{
	xf_sql_stmt *st = xf_db_prepare(db, incident_rollup_sql);
	xf_sql_bind_int64(st, 1, from_month);
	xf_sql_bind_int64(st, 2, to_month);
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		int64_t month = xf_sql_column_int64(st, 0), n = xf_sql_column_int64(st, 6);
		const char *dim = xf_row_text(st, 1), *key = xf_row_text(st, 2),
		           *label = xf_row_text(st, 3);
		const rollup_dim dims[] = {{"status", &s->inc_status},
		                           {"category", &s->inc_category},
		                           {"destination", &s->inc_destination},
		                           {"grade", &s->inc_grade},
		                           {"procedure", &s->inc_procedure}};
		xf_stat_list *list = rollup_list(dims, XF_ARRAY_LEN(dims), dim);
		if (strcmp(dim, "total") == 0) {
			add_month(&s->inc_month, &s->incidents, month, n);
		} else if (list) {
			list_add(list, key, label, n);
		} else if (strcmp(dim, "unit") == 0) {
			char id[24];
			snprintf(id, sizeof id, "%lld", (long long)xf_sql_column_int64(st, 4));
			list_add(&s->inc_unit, id, xf_row_text(st, 5), n);
		}
	}
	return done(db, st, rc);
}

/* The incidents of the period: every unit's whole months from the roll-up and the days
 * around them from the incidents; a subtree's all from the incidents. The times to
 * activation and resolution are medians: always from the incidents. */
static int incidents_of_period(xf_db *db, const xf_stat_query *q, xf_statistics *s)
{
	period_cut c = cut_period(q);
	int rc = XF_OK;
	if (q->unit_id || c.first >= c.last) {
		rc = incident_groups(db, q, s);
		if (rc == XF_OK)
			rc = incident_units(db, q, s);
	} else {
		rc = incident_rollup(db, c.first, c.last, s);
		for (int i = 0; i < 2 && rc == XF_OK; i++) {
			const xf_stat_query *part = i ? &c.tail : &c.head;
			if (part->from_ms >= part->to_ms)
				continue;
			rc = incident_groups(db, part, s);
			if (rc == XF_OK)
				rc = incident_units(db, part, s);
		}
	}
	return rc == XF_OK ? incident_times(db, q, s) : rc;
}

/* The matters of the period: its whole months from the roll-up, the days before the
 * first and after the last whole month from the matters. */
static int matters_of_period(xf_db *db, const xf_stat_query *q, xf_statistics *s)
{
	matter_tally t = {0};
	period_cut c = cut_period(q);
	int rc = XF_OK;
	if (c.first < c.last)
		rc = matter_rollup(db, q, c.first, c.last, s, &t);
	for (int i = 0; i < 2 && rc == XF_OK; i++) {
		const xf_stat_query *part = i ? &c.tail : &c.head;
		if (part->from_ms >= part->to_ms)
			continue;
		rc = matter_sums(db, part, s, &t);
		if (rc == XF_OK)
			rc = matter_days(db, part, s);
	}
	s->acceptance.met = t.acc_met;
	s->acceptance.missed = t.acc_missed;
	s->acceptance.pending = s->matters - t.acc_met - t.acc_missed;
	s->conclusion.met = t.con_met;
	s->conclusion.missed = t.con_missed;
	s->conclusion.pending = t.accepted - t.con_met - t.con_missed;
	return rc;
}

/* Units by count, most first, then by id. */
static int by_count_then_id(const void *a, const void *b)
{
	const xf_stat_count *x = a, *y = b;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	long long i = strtoll(x->key, NULL, 10), j = strtoll(y->key, NULL, 10);
	return (i > j) - (i < j);
}

int xf_store_statistics(xf_db *db, const xf_stat_query *q, xf_statistics *out)
{
	memset(out, 0, sizeof *out);
	int rc = incidents_of_period(db, q, out);
	if (rc == XF_OK)
		rc = matters_of_period(db, q, out);
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
	if (out->inc_unit.n > 1)
		qsort(out->inc_unit.items, out->inc_unit.n, sizeof *out->inc_unit.items,
		      by_count_then_id);
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
