/* Assessment (考核) and the "三无" target, as data of the plan, and the scoring itself.
 *
 * The plan's "assessment" section (docs/plan-format.md) gives points per kind of event
 * ("rules"), 一票否决 conditions ("veto"), the accountability decisions (谈话提醒 ...,
 * "decisions") and a base score; the "three_no" section's "items" say what breaks each
 * item of the 三无 target. Issuers define both differently, so the code knows only the
 * kinds of event, never a wording. The loader is xf_plan_assessment.c (called from
 * xf_plan.c); the scoring, xf_assessment.c, is pure: the store gathers the facts of a
 * unit and period, xf_assess_score() turns them into lines, a score, the 三无 items and
 * the veto. */
#ifndef XF_ASSESSMENT_H
#define XF_ASSESSMENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/xf_plan.h"

/* The kinds of fact an assessment counts. */
typedef enum xf_assess_event {
	XF_AE_INCIDENT,         /* an incident of the unit's people (not a drill, not withdrawn) */
	XF_AE_MATTER_SATISFIED, /* a matter concluded, petitioner satisfied */
	XF_AE_MATTER_BASICALLY_SATISFIED, /* ... basically satisfied */
	XF_AE_MATTER_UNSATISFIED,         /* ... unsatisfied */
	XF_AE_REPEAT_MATTER,     /* a matter received after the same person's concluded one */
	XF_AE_TASK_OVERDUE,      /* a task that went overdue (not report-up) */
	XF_AE_REPORT_UP_OVERDUE, /* a report-up task that went overdue (时限) */
	XF_AE_SCREENING_MISSED, /* a screening report (零报告 or findings) not made by its due date
	                         */
	XF_AE_SCREENING_LATE,   /* ... made after its due date */
	XF_AE_FINDING,          /* an accountability finding */
	XF_AE_COUNT
} xf_assess_event;

extern const char *const xf_assess_event_ids[]; /* NULL-terminated, in enum order */
int xf_assess_event_parse(const char *id);      /* -1 when unknown */

/* Which facts a rule, a veto or a 三无 item applies to: the event kind, for incidents a
 * condition (as in scope rules; all zero: any incident), for findings a decision id
 * (NULL: any). */
typedef struct xf_assess_selector {
	xf_assess_event event;
	xf_plan_condition condition;
	char *decision;
} xf_assess_selector;

typedef struct xf_assess_rule {
	char *id, *name, *name_en;
	xf_assess_selector sel;
	int points; /* negative: deducted */
} xf_assess_rule;

typedef struct xf_assess_veto {
	char *id, *text, *text_en;
	xf_assess_selector sel;
	int min_count; /* fires when at least this many facts match */
} xf_assess_veto;

typedef struct xf_three_no_item {
	char *id, *text, *text_en;
	xf_assess_selector sel; /* a matching fact breaks the item */
} xf_three_no_item;

typedef struct xf_assess_decision {
	char *id, *name, *name_en;
} xf_assess_decision;

typedef struct xf_plan_assessment {
	int base;              /* the score before any line (100 unless the plan says) */
	xf_assess_rule *rules; /* in order: a fact takes the first rule that matches it */
	size_t n_rules;
	xf_assess_veto *vetoes;
	size_t n_vetoes;
	xf_three_no_item *three_no;
	size_t n_three_no;
	xf_assess_decision *decisions;
	size_t n_decisions;
} xf_plan_assessment;

/* ---- the plan part (xf_plan_assessment.c) ---- */

/* Reads root["assessment"] and root["three_no"]["items"] into plan->assessment (never
 * NULL after the call; empty lists when the plan has neither), adding each problem to
 * errors as "JSON.PATH: problem". */
void xf_plan_assessment_load(xf_plan *plan, json_t *root, xf_plan_errors *errors);
void xf_plan_assessment_free(xf_plan_assessment *a);
const xf_assess_decision *xf_assess_decision_by_id(const xf_plan_assessment *a, const char *id);

/* ---- periods ---- */

/* A period "YYYY" (a year), "YYYY-Qn" (a quarter) or "YYYY-MM" (a month), as the dates
 * from (inclusive) and to (exclusive), "YYYY-MM-DD", and the same as UTC milliseconds of
 * 00:00 Asia/Shanghai. Returns false when the text is not a period. */
typedef struct xf_assess_period {
	char from[11], to[11];
	int64_t from_ms, to_ms;
} xf_assess_period;

bool xf_assess_period_parse(const char *text, xf_assess_period *out);
/* The date "YYYY-MM-DD" in Asia/Shanghai of a UTC time. */
void xf_assess_date(int64_t ms, char out[11]);

/* ---- scoring (xf_assessment.c) ---- */

/* One fact of a unit and period. Strings are borrowed. */
typedef struct xf_assess_fact {
	xf_assess_event event;
	int headcount;              /* incidents */
	xf_destination destination; /* incidents */
	const char *decision;       /* findings: the decision id */
	const char *source_type;    /* "incident", "matter", "task", "screening", "finding" */
	int64_t source_id;
	int64_t part;       /* tells apart facts of one source (a campaign's reports: the unit) */
	const char *number; /* the incident's number, or NULL */
	const char *label;  /* a task's or campaign's title, or NULL */
	const char *date;   /* YYYY-MM-DD */
	int64_t unit_id;
} xf_assess_fact;

typedef struct xf_assess_line {
	const xf_assess_fact *fact;
	const xf_assess_rule *rule;
} xf_assess_line;

typedef struct xf_assess_result {
	int score;
	xf_assess_line *lines; /* one per fact a rule matched, in the order of the facts */
	size_t n_lines;
	size_t facts_counted; /* distinct facts after duplicates were dropped */
	bool *three_no_held;  /* per plan item */
	const xf_assess_fact **three_no_broken_by; /* per item: the first fact that broke it */
	size_t *three_no_breaks;                   /* per item: how many facts broke it */
	bool three_no_all;   /* every item held (false when the plan defines none) */
	size_t *veto_counts; /* per plan veto: how many facts matched */
	bool veto;           /* any veto reached its min_count */
} xf_assess_result;

bool xf_assess_matches(const xf_assess_selector *sel, const xf_assess_fact *fact);
/* Scores the facts: a fact counted twice (same event, source type and id, as when an
 * incident involves two units of one subtree) counts once. */
void xf_assess_score(const xf_plan_assessment *a, const xf_assess_fact *facts, size_t n,
                     xf_assess_result *out);
void xf_assess_result_free(xf_assess_result *r);

#endif
