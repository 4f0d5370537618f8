/* Scoring of an assessment (考核): the facts of a unit and period in, the lines, the
 * score, the "三无" items and the 一票否决 out (xf_assessment.h). Pure: no I/O, no
 * clock; the store gathers the facts and the API turns the result into JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xf_assessment.h"
#include "util/xf_util.h"

#define SHANGHAI_OFFSET_MS (8LL * 3600 * 1000)
#define DAY_MS             (86400LL * 1000)

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

void xf_assess_date(int64_t ms, char out[11])
{
	int64_t local = ms + SHANGHAI_OFFSET_MS;
	int64_t days = local >= 0 ? local / DAY_MS : -((-local + DAY_MS - 1) / DAY_MS);
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		strcpy(out, "0000-00-00");
		return;
	}
	snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool xf_assess_period_parse(const char *text, xf_assess_period *out)
{
	if (!text)
		return false;
	size_t n = strlen(text);
	if (n < 4 || !digits(text, 4))
		return false;
	int y = atoi((char[5]){text[0], text[1], text[2], text[3], 0});
	if (y < 1970 || y > 9998)
		return false;
	int m0, m1; /* first month, first month after */
	if (n == 4) {
		m0 = 1;
		m1 = 13;
	} else if (n == 7 && text[4] == '-' && text[5] == 'Q' && text[6] >= '1' && text[6] <= '4') {
		m0 = (text[6] - '1') * 3 + 1;
		m1 = m0 + 3;
	} else if (n == 7 && text[4] == '-' && digits(text + 5, 2)) {
		m0 = (text[5] - '0') * 10 + (text[6] - '0');
		if (m0 < 1 || m0 > 12)
			return false;
		m1 = m0 + 1;
	} else
		return false;
	int y1 = y + (m1 > 12);
	m1 = m1 > 12 ? m1 - 12 : m1;
	snprintf(out->from, sizeof out->from, "%04d-%02d-01", y, m0);
	snprintf(out->to, sizeof out->to, "%04d-%02d-01", y1, m1);
	out->from_ms = days_from_civil(y, m0, 1) * DAY_MS - SHANGHAI_OFFSET_MS;
	out->to_ms = days_from_civil(y1, m1, 1) * DAY_MS - SHANGHAI_OFFSET_MS;
	return true;
}

bool xf_assess_matches(const xf_assess_selector *sel, const xf_assess_fact *fact)
{
	if (sel->event != fact->event)
		return false;
	if (fact->event == XF_AE_INCIDENT) {
		const xf_plan_condition *c = &sel->condition;
		if (c->min_headcount > 0 && fact->headcount < c->min_headcount)
			return false;
		if (c->destinations && !(c->destinations & (1u << fact->destination)))
			return false;
	}
	if (fact->event == XF_AE_FINDING && sel->decision)
		return fact->decision && strcmp(sel->decision, fact->decision) == 0;
	return true;
}

/* Facts in an order where the same fact (event, source type, id, part) is adjacent. */
static int fact_cmp(const xf_assess_fact *a, const xf_assess_fact *b)
{
	if (a->event != b->event)
		return a->event < b->event ? -1 : 1;
	if (a->source_id != b->source_id)
		return a->source_id < b->source_id ? -1 : 1;
	if (a->part != b->part)
		return a->part < b->part ? -1 : 1;
	return strcmp(a->source_type ? a->source_type : "", b->source_type ? b->source_type : "");
}

/* qsort has no context argument in C11: the facts being sorted, per thread. */
static _Thread_local const xf_assess_fact *sort_base;

static int index_cmp(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int c = fact_cmp(&sort_base[i], &sort_base[j]);
	return c ? c : (i < j ? -1 : i > j);
}

/* dup[i] is true when fact i repeats an earlier one: O(n log n), not pairwise. */
static bool *duplicates(const xf_assess_fact *facts, size_t n)
{
	bool *dup = xf_calloc(n ? n : 1, sizeof *dup);
	size_t *order = xf_calloc(n ? n : 1, sizeof *order);
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	sort_base = facts;
	qsort(order, n, sizeof *order, index_cmp);
	for (size_t k = 1; k < n; k++)
		if (fact_cmp(&facts[order[k - 1]], &facts[order[k]]) == 0)
			dup[order[k]] = true; /* the later of equal facts (ties sort by index) */
	free(order);
	return dup;
}

void xf_assess_score(const xf_plan_assessment *a, const xf_assess_fact *facts, size_t n,
                     xf_assess_result *out)
{
	memset(out, 0, sizeof *out);
	out->score = a->base;
	out->lines = xf_calloc(n ? n : 1, sizeof *out->lines);
	out->three_no_held = xf_calloc(a->n_three_no + 1, sizeof *out->three_no_held);
	out->three_no_broken_by = xf_calloc(a->n_three_no + 1, sizeof *out->three_no_broken_by);
	out->three_no_breaks = xf_calloc(a->n_three_no + 1, sizeof *out->three_no_breaks);
	out->veto_counts = xf_calloc(a->n_vetoes + 1, sizeof *out->veto_counts);
	for (size_t t = 0; t < a->n_three_no; t++)
		out->three_no_held[t] = true;

	bool *dup = duplicates(facts, n);
	for (size_t i = 0; i < n; i++) {
		const xf_assess_fact *f = &facts[i];
		if (dup[i])
			continue;
		out->facts_counted++;
		for (size_t r = 0; r < a->n_rules; r++) {
			if (xf_assess_matches(&a->rules[r].sel, f)) {
				out->lines[out->n_lines++] = (xf_assess_line){f, &a->rules[r]};
				out->score += a->rules[r].points;
				break;
			}
		}
		for (size_t t = 0; t < a->n_three_no; t++) {
			if (xf_assess_matches(&a->three_no[t].sel, f)) {
				if (!out->three_no_breaks[t])
					out->three_no_broken_by[t] = f;
				out->three_no_breaks[t]++;
				out->three_no_held[t] = false;
			}
		}
		for (size_t v = 0; v < a->n_vetoes; v++)
			if (xf_assess_matches(&a->vetoes[v].sel, f))
				out->veto_counts[v]++;
	}
	free(dup);
	out->three_no_all = a->n_three_no > 0;
	for (size_t t = 0; t < a->n_three_no; t++)
		out->three_no_all = out->three_no_all && out->three_no_held[t];
	for (size_t v = 0; v < a->n_vetoes; v++)
		if (out->veto_counts[v] >= (size_t)a->vetoes[v].min_count)
			out->veto = true;
}

void xf_assess_result_free(xf_assess_result *r)
{
	free(r->lines);
	free(r->three_no_held);
	free(r->three_no_broken_by);
	free(r->three_no_breaks);
	free(r->veto_counts);
	memset(r, 0, sizeof *r);
}
