/* The incident life cycle: statuses, the transitions the server allows, task
 * statuses and actions, and how due times follow from the plan and the grade.
 * Pure rules; the store keeps the rows and api/ applies these rules. */
#ifndef XF_INCIDENT_H
#define XF_INCIDENT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/xf_plan.h"

typedef enum xf_status {
	XF_STATUS_REGISTERED,    /* 登记 */
	XF_STATUS_NOT_ACTIVATED, /* 不启动 */
	XF_STATUS_ACTIVATED,     /* 启动 */
	XF_STATUS_ON_SITE,       /* 现场处置 */
	XF_STATUS_REPLYING,      /* 答复 */
	XF_STATUS_RESOLVING,     /* 稳控化解 */
	XF_STATUS_EVALUATING,    /* 总结评价 */
	XF_STATUS_REPORTED,      /* 已上报 */
	XF_STATUS_ARCHIVED,      /* 已归档 */
	XF_STATUS_WITHDRAWN,     /* 已作废: a mistaken registration, kept and marked */
	XF_STATUS_COUNT
} xf_status;

extern const char *const xf_status_ids[]; /* NULL-terminated, enum order */
const char *xf_status_zh(xf_status s);
int xf_status_parse(const char *id); /* -1 when unknown */

/* Whether an incident under procedure ('A', 'B', or 0 before activation) may go from
 * one status to another. Reaching `activated` is only done by activation itself. */
bool xf_status_can(xf_status from, xf_status to, char procedure);
/* Fills out with the statuses reachable now (transition targets), returns the count. */
int xf_status_allowed(xf_status from, char procedure, xf_status out[XF_STATUS_COUNT]);
/* Active: shown on the dashboard, overdue tasks count. A withdrawn registration is
 * not active, and only a registered one can be withdrawn (with a reason). */
bool xf_status_active(xf_status s);
/* Recurring progress reports stop once the incident is being evaluated. */
bool xf_status_reports_progress(xf_status s);
/* Before activation (registered or not activated): the facts still decide the
 * procedure and the scope. */
bool xf_status_before_activation(xf_status s);
/* Closed for good (archived or withdrawn): its facts can no longer change. */
bool xf_status_closed(xf_status s);
/* The status after the scope was decided: a registered incident out of scope is not
 * activated, a not-activated one back in scope is registered again; any other
 * status stays (the caller refuses taking a handled incident out of scope). */
xf_status xf_status_for_scope(xf_status s, bool in_scope);

typedef enum xf_task_status {
	XF_TASK_PENDING,
	XF_TASK_IN_PROGRESS,
	XF_TASK_DONE,
	XF_TASK_SKIPPED,
	XF_TASK_STATUS_COUNT
} xf_task_status;

extern const char *const xf_task_status_ids[];
int xf_task_status_parse(const char *id);

typedef enum xf_task_action {
	XF_TASK_CLAIM,
	XF_TASK_ASSIGN,
	XF_TASK_START,
	XF_TASK_COMPLETE,
	XF_TASK_SKIP,
	XF_TASK_ACTION_COUNT
} xf_task_action;

extern const char *const xf_task_action_ids[];
/* The status after the action, or -1 when the action is not allowed in that status. */
int xf_task_apply(xf_task_status from, xf_task_action action);

typedef enum xf_task_kind {
	XF_KIND_STEP,    /* a step of the procedure */
	XF_KIND_CLOSING, /* a closing step: record, evaluate, summarise, report, archive */
	XF_KIND_RECURRING,
	XF_KIND_REPORT_ORAL,
	XF_KIND_REPORT_WRITTEN,
	XF_KIND_MANUAL,   /* added by hand */
	XF_KIND_DECISION, /* a decision of a meeting */
	XF_KIND_FOLLOWUP, /* a 包保 follow-up that falls due */
	XF_KIND_COUNT
} xf_task_kind;

extern const char *const xf_task_kind_ids[];
int xf_task_kind_parse(const char *id);

/* The due time of a task of this kind under this grade, counted from base_ms:
 * steps and closing steps: due_minutes scaled by the grade's due_percent; recurring: one progress
 * interval; report-up: the grade's oral/written limit; manual, decision and
 * follow-up: due_minutes as is.
 * Returns 0 when the task has no due time (a report the grade does not require). */
int64_t xf_task_due(const xf_plan_grade *grade, xf_task_kind kind, int64_t base_ms,
                    int due_minutes);

/* The year of a time in Asia/Shanghai, for incident numbers (XF-2026-0007). */
int xf_shanghai_year(int64_t ms);

#endif
