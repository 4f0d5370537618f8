/* Closing an incident (issue 9 items 4 and 7), as pure rules over rows the store
 * supplies: the measured facts a 综合评价 (evaluation) is pre-filled with, checking an
 * evaluation form against the plan's dimensions, and what is missing before an incident
 * may go to `reported` or `archived`. api/evaluation.c and api/incident_transitions.c apply them.
 */
#ifndef XF_CLOSING_H
#define XF_CLOSING_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/xf_incident.h"
#include "core/xf_plan.h"

/* A task of the incident as the rules need it; strings never NULL ("" when none). */
typedef struct xf_close_task {
	int64_t id;
	const char *kind, *status, *step_id, *title;
	int64_t due_ms, done_ms; /* 0: none */
} xf_close_task;

/* What the evaluation's facts are computed from. Times are ms since the epoch, 0 when
 * it has not happened. */
typedef struct xf_eval_rows {
	int64_t occurred_ms, activated_ms;
	int64_t first_arrival_ms; /* the earliest arrival of a dispatched resource */
	int64_t reply_ms;         /* when the incident first went to `replying` */
	const xf_close_task *tasks;
	size_t n_tasks;
	int petitioners;                 /* linked to the incident */
	const int64_t *without_official; /* person ids with no 包保 official */
	size_t n_without_official;
	int matters, matters_resolved;                   /* resolved: concluded */
	int satisfied, basically_satisfied, unsatisfied; /* rated matters */
} xf_eval_rows;

/* The measured facts (docs/api.md, evaluation): times and minutes from occurrence to
 * activation, first arrival and reply (null when not reached; negative when the step
 * came before the occurrence, as with advance information); tasks done after their
 * due time (count and list); petitioners without an official; matters resolved and
 * satisfaction. A new object. */
json_t *xf_eval_facts(const xf_eval_rows *rows);

/* A problem in an evaluation form: field is the JSON path ("scores.speed.score"). */
typedef struct xf_eval_problem {
	enum {
		XF_EVAL_OK,
		XF_EVAL_NOT_OBJECT,        /* field must be an object */
		XF_EVAL_UNKNOWN_DIMENSION, /* scores.<id>: not a dimension of the plan */
		XF_EVAL_UNKNOWN_KEY,       /* scores.<id>.<key>: only score and comment */
		XF_EVAL_SCORE_RANGE,       /* scores.<id>.score: not an integer in the scale */
		XF_EVAL_COMMENT,           /* scores.<id>.comment: not a string of <= 2000 chars */
	} kind;
	char field[96];
} xf_eval_problem;

#define XF_EVAL_COMMENT_MAX 2000

/* Checks "scores" of a form: {"<dimension id>": {"score": min..max, "comment": "…"}},
 * each part optional (a draft). Returns true when good; otherwise fills *problem with
 * the first one found. */
bool xf_eval_check_scores(const xf_plan *plan, const json_t *scores, xf_eval_problem *problem);
/* The plan's dimensions not yet scored in scores, as [{"dimension","title"}] (a new
 * array, empty when every dimension has a score). */
json_t *xf_eval_unscored(const xf_plan *plan, const json_t *scores);

/* What a transition needs, from the store. */
typedef struct xf_close_facts {
	bool final_report_issued; /* a report of kind final with status issued */
	bool evaluation_completed;
	const xf_close_task *tasks; /* every task of the incident */
	size_t n_tasks;
	/* The closing step that archiving itself fulfils (归档保存: the plan's last closing
	 * step), not required before archiving; NULL when none. */
	const char *archive_step_id;
} xf_close_facts;

/* What is missing before an incident may go to `to`, as [{"code","text",…}] (a new
 * array; empty when nothing is, and always empty for targets other than `reported` and
 * `archived`):
 *   reported: "final_report" 终报尚未签发, "evaluation" 综合评价尚未完成;
 *   archived: "closing_step" (with task_id, step_id) for each closing step not done
 *   but the archive step, "open_task" (with task_id, step_id) for each open step,
 *   recurring report or meeting decision. 包保 follow-ups, report-up and manual tasks
 *   do not hold archiving. */
json_t *xf_close_missing(xf_status to, const xf_close_facts *facts);

/* Whether a closing step may be completed while the incident is in status s: from
 * `evaluating` on (总结评价, 已上报). */
bool xf_closing_step_may_complete(xf_status s);

#endif
