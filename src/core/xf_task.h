/* One task of an incident's checklist as the API shows it: the whole row the store
 * reads (xf_store_task_read, xf_store_task_rows) and its JSON shape (docs/api.md,
 * "Tasks"), with the rule that decides when an open task is overdue. One writer of the
 * shape for every reader: the task routes, the incident wall, meeting decisions and
 * the facts frozen into reports. */
#ifndef XF_TASK_H
#define XF_TASK_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Strings are owned (xf_task_view_free); step_id and workstream are NULL when the
 * task has none, the others "" when empty. evidence and dispatch are the JSON text the
 * store keeps. Ids and times are 0 when none. */
typedef struct xf_task_view {
	int64_t id, incident_id, assignee_id, report_id;
	int64_t due_ms, started_ms, done_ms;
	int position, round;
	bool chooses_venue;
	char *step_id, *kind, *title, *text, *workstream, *owner_kind, *owner_value;
	char *assignee_name, *status, *evidence, *dispatch, *note, *skip_reason;
} xf_task_view;

void xf_task_view_free(xf_task_view *t);
/* Frees n views and the array. */
void xf_task_views_free(xf_task_view *t, size_t n);

/* Whether a task in status is still to be done (pending or in progress). */
bool xf_task_status_open(const char *status);
/* An open task past its due time at now_ms. */
bool xf_task_overdue(const char *status, int64_t due_ms, int64_t now_ms);
/* Who owns it, in words: the role's name for a role, the unit heads' for heads_of,
 * else the value itself. */
const char *xf_task_owner_label(const char *owner_kind, const char *owner_value);

/* The API shape of a task (a new object). */
json_t *xf_task_json(const xf_task_view *t, int64_t now_ms);
/* The API shape of each task, in order (a new array). */
json_t *xf_task_list_json(const xf_task_view *t, size_t n, int64_t now_ms);

#endif
