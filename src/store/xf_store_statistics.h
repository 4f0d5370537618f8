/* Statistics of incidents and matters over a period (issue 14 item 5, docs/statistics.md):
 * counts by month (Beijing time, UTC+8), unit, category, destination, grade, procedure,
 * status; matters by month, category, channel, outcome, satisfaction and the legal
 * deadlines met; times to activation and resolution. Drills and withdrawn registrations
 * (作废) are left out everywhere, and so are the matters of such incidents. Nothing
 * here reads an accuser, a matter's content or a person: only counts by fixed keys.
 *
 * The store answers counts; api/statistics.c decides who may ask for which subtree. */
#ifndef XF_STORE_STATISTICS_H
#define XF_STORE_STATISTICS_H

#include <stddef.h>
#include <stdint.h>

#include "store/xf_store.h"

/* Beijing time: month buckets and the period's days. */
#define XF_STAT_TZ_MS  (8LL * 3600 * 1000)
#define XF_STAT_DAY_MS (24LL * 3600 * 1000)
/* 《信访工作条例》 Art. 22 (acceptance decided and notified) and Art. 34 (concluded). */
#define XF_STAT_ACCEPT_DAYS   15
#define XF_STAT_CONCLUDE_DAYS 60

typedef struct xf_stat_count {
	char key[72];    /* the value counted ("2026-03", "group", "accusation", a unit id) */
	char label[136]; /* a name for it where the store has one (grade name, unit name) */
	int64_t count;
} xf_stat_count;

typedef struct xf_stat_list {
	xf_stat_count *items;
	size_t n, cap;
} xf_stat_list;

/* Durations in milliseconds: how many, the median and the 90th percentile (nearest
 * rank); 0 when n is 0. */
typedef struct xf_stat_times {
	int64_t n, p50_ms, p90_ms;
} xf_stat_times;

/* A legal deadline: met, missed (late, or still open past it), pending (open, within). */
typedef struct xf_stat_deadline {
	int64_t met, missed, pending;
} xf_stat_deadline;

typedef struct xf_statistics {
	int64_t incidents;
	xf_stat_list inc_month, inc_unit, inc_category, inc_destination, inc_grade, inc_procedure,
	    inc_status;
	xf_stat_times activation, resolution;
	int64_t matters;
	xf_stat_list mat_month, mat_category, mat_channel, mat_outcome, mat_satisfaction;
	xf_stat_deadline acceptance, conclusion;
} xf_statistics;

typedef struct xf_stat_query {
	int64_t from_ms, to_ms; /* [from, to): the period's Beijing days as UTC instants */
	int64_t unit_id;        /* the subtree counted; 0: every unit */
	int64_t now_ms;         /* for deadlines still open */
} xf_stat_query;

/* Fills *out (zeroed first; xf_statistics_free releases it). Lists are sorted by key,
 * except units (by count, then id). An incident of two units of the subtree counts once
 * in the totals and once for each unit. A matter belongs to its unit concerned, else
 * to its petitioner's unit. */
int xf_store_statistics(xf_db *db, const xf_stat_query *q, xf_statistics *out);
void xf_statistics_free(xf_statistics *s);

/* The count of key in list (0 when absent). */
int64_t xf_stat_get(const xf_stat_list *list, const char *key);

#endif
