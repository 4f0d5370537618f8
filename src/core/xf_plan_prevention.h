/* Prevention as the plan defines it (五 工作要求, issue 14 items 1-4; docs/prevention.md):
 * the "prevention" section of a plan file (the screening checklist, the rules that
 * suggest a risk level, the early-warning rules, the vulnerable groups followed up), its
 * validation for the plan loader (core/xf_plan.c), and the rules themselves, pure and
 * unit-tested (tests/unit/test_prevention.c). A plan without the section runs on the
 * defaults of xf_prevention_defaults(). */
#ifndef XF_PLAN_PREVENTION_H
#define XF_PLAN_PREVENTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/xf_plan.h"

#define XF_PREVENTION_MAX_CHECKLIST 16
#define XF_CARE_GROUP_COUNT         3

/* The vulnerable groups (五4) followed up, fixed ids the plan names: 困难职工, 离退休职工,
 * 工伤家属. */
extern const char *const xf_care_group_ids[XF_CARE_GROUP_COUNT + 1];
/* Risk levels, lowest first, NULL-terminated. */
extern const char *const xf_risk_level_ids[];

typedef struct xf_prevention {
	/* Screening: the checklist a campaign is sent with (texts borrowed from the plan's
	 * document, or static defaults) and the days from sending to the due date. */
	const char *checklist[XF_PREVENTION_MAX_CHECKLIST];
	size_t n_checklist;
	int due_days;
	/* Risk level rules: a level fires when any of its facts reaches the threshold
	 * (0 leaves that fact out). */
	int high_headcount, medium_headcount;
	int high_visits, medium_visits;               /* visits of the people in a year */
	int high_deadline_days, medium_deadline_days; /* days to a deadline (wage date) */
	/* Early warning rules. */
	bool warn_risk_high;
	int repeated_count, repeated_days; /* related matters in a window (0: off) */
	int planned_visit_days;            /* warn this many days before (0: off) */
	/* Care groups in xf_care_group_ids order: name and follow-up interval. */
	const char *care_names[XF_CARE_GROUP_COUNT];
	int care_interval_days[XF_CARE_GROUP_COUNT];
} xf_prevention;

/* The rules when the plan says nothing. */
void xf_prevention_defaults(xf_prevention *out);
/* The rules of a loaded plan (its "prevention" section over the defaults); the texts stay
 * valid while the plan does. plan may be NULL (the defaults). */
void xf_prevention_of(const xf_plan *plan, xf_prevention *out);
/* Validates root's "prevention" member for the loader, adding each problem to errors. */
void xf_plan_prevention_check(json_t *root, xf_plan_errors *errors);

/* The facts a risk level is suggested from. */
typedef struct xf_risk_facts {
	int headcount;     /* 0: not known */
	int visits;        /* incidents of the entry's people in the last year */
	int deadline_days; /* days until the entry's deadline; -1: none (or passed) */
} xf_risk_facts;

/* The level the rules suggest ("low", "medium", "high") and, in basis, why in words
 * (Chinese; empty for low). */
const char *xf_risk_suggest(const xf_prevention *p, const xf_risk_facts *f, char *basis,
                            size_t size);
/* The rank of a level id (0 low, 1 medium, 2 high); -1 when unknown. */
int xf_risk_level_rank(const char *level);

/* Early warning rules. */
/* An entry rising to high: the new level is high and the old one was not. */
bool xf_warning_risk_high(const xf_prevention *p, const char *old_level, const char *new_level);
/* count related matters within the window are enough to warn. */
bool xf_warning_repeated(const xf_prevention *p, int count);
/* A planned visit on day expected_day (days since the epoch) is near enough to warn on
 * today (the same count): from planned_visit_days before it to the day itself. */
bool xf_warning_planned_visit(const xf_prevention *p, long today, long expected_day);

/* Days since 1970-01-01 of a 'YYYY-MM-DD' date; false when it is not one. */
bool xf_date_days(const char *date, long *days);

#endif
