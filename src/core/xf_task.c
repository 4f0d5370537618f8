/* A task's API shape and its overdue rule: see xf_task.h. */
#include "core/xf_task.h"

#include <stdlib.h>
#include <string.h>

#include "core/xf_perm.h"
#include "util/xf_jsonv.h"
#include "util/xf_util.h"

void xf_task_view_free(xf_task_view *t)
{
	char **strings[] = {&t->step_id,    &t->kind,       &t->title,       &t->text,
	                    &t->workstream, &t->owner_kind, &t->owner_value, &t->assignee_name,
	                    &t->status,     &t->evidence,   &t->dispatch,    &t->note,
	                    &t->skip_reason};
	for (size_t i = 0; i < XF_ARRAY_LEN(strings); i++) {
		free(*strings[i]);
		*strings[i] = NULL;
	}
}

void xf_task_views_free(xf_task_view *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		xf_task_view_free(&t[i]);
	free(t);
}

bool xf_task_status_open(const char *status)
{
	return strcmp(status, "pending") == 0 || strcmp(status, "in_progress") == 0;
}

bool xf_task_overdue(const char *status, int64_t due_ms, int64_t now_ms)
{
	return xf_task_status_open(status) && due_ms && due_ms < now_ms;
}

const char *xf_task_owner_label(const char *owner_kind, const char *owner_value)
{
	if (strcmp(owner_kind, "role") == 0) {
		int role = xf_role_parse(owner_value);
		return role >= 0 ? xf_role_zh((xf_role)role) : owner_value;
	}
	if (strcmp(owner_kind, "heads_of") == 0)
		return xf_role_zh(XF_ROLE_UNIT_HEAD);
	return owner_value;
}

json_t *xf_task_json(const xf_task_view *t, int64_t now_ms)
{
	json_t *assignee = t->assignee_id
	                       ? json_pack("{s:I, s:s}", "id", (json_int_t)t->assignee_id, "name",
	                                   t->assignee_name)
	                       : json_null();
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(t->id));
	json_object_set_new(o, "incident_id", json_integer(t->incident_id));
	json_object_set_new(o, "step_id", xf_jsonv_text(t->step_id));
	json_object_set_new(o, "kind", json_string(t->kind));
	json_object_set_new(o, "title", json_string(t->title));
	json_object_set_new(o, "text", json_string(t->text));
	json_object_set_new(o, "workstream", xf_jsonv_text(t->workstream));
	json_object_set_new(o, "owner",
	                    json_pack("{s:s, s:s, s:s}", "kind", t->owner_kind, "value",
	                              t->owner_value, "label",
	                              xf_task_owner_label(t->owner_kind, t->owner_value)));
	json_object_set_new(o, "assignee", assignee);
	json_object_set_new(o, "status", json_string(t->status));
	json_object_set_new(o, "due_at", xf_jsonv_time(t->due_ms));
	json_object_set_new(o, "overdue",
	                    json_boolean(xf_task_overdue(t->status, t->due_ms, now_ms)));
	json_object_set_new(o, "evidence", xf_jsonv_parse(t->evidence));
	json_object_set_new(o, "dispatch", xf_jsonv_parse(t->dispatch));
	json_object_set_new(o, "chooses_venue", json_boolean(t->chooses_venue));
	json_object_set_new(o, "round", json_integer(t->round));
	json_object_set_new(o, "note", json_string(t->note));
	json_object_set_new(o, "skip_reason", json_string(t->skip_reason));
	json_object_set_new(o, "started_at", xf_jsonv_time(t->started_ms));
	json_object_set_new(o, "done_at", xf_jsonv_time(t->done_ms));
	json_object_set_new(o, "position", json_integer(t->position));
	json_object_set_new(o, "report_id",
	                    t->report_id ? json_integer(t->report_id) : json_null());
	return o;
}

json_t *xf_task_list_json(const xf_task_view *t, size_t n, int64_t now_ms)
{
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, xf_task_json(&t[i], now_ms));
	return list;
}
