/* The meeting resource (会议): the 信访领导小组会议 (leadership) and 信访人员单位主要领导会议
 * (unit_leaders) meetings of procedure A's steps 3 and 4, with attendees, minutes
 * (纪要) and decisions. Each decision becomes a task of kind "decision" on the
 * incident's checklist, with an owner and a due time, in the same transaction as the
 * meeting; a meeting may also fulfil the plan step it was held for (its task is
 * completed with the minutes as the note). Events go to the incident's timeline. */
#include <stdio.h>
#include <string.h>

#include "api/xf_api.h"
#include "core/xf_venue.h"
#include "store/xf_search.h"
#include "store/xf_store_meetings.h"

#define MAX_ATTENDEES      100
#define MAX_DECISIONS      50
#define MAX_DUE_MINUTES    (60 * 24 * 90)
#define TITLE_CHARS        60  /* a decision's task title: its text, shortened */
#define NOTE_MINUTES_CHARS 500 /* the minutes quoted in a fulfilled task's note */

typedef struct attendee {
	int64_t user_id; /* 0: a person without an account */
	const char *name;
} attendee;

typedef struct decision {
	const char *text;
	const char *owner_role; /* when not assigned to a user */
	int64_t assignee_id, due_minutes;
	const char *owner_label; /* the user's name or the role's Chinese name */
} decision;

/* Answers 409 unless the incident is being handled (activated .. resolving). */
static bool incident_in_handling(xf_req *req, const xf_incident_state *state)
{
	if (xf_incident_in_handling(xf_api_status(state)))
		return true;
	xf_reply_error(req, 409, "conflict", NULL,
	               "%s is '%s'; meetings are held and minuted only while an incident is "
	               "handled (activated to resolving)",
	               state->number, state->status);
	return false;
}

/* A shortened copy of text (at most chars characters, "…" when cut). */
static const char *shorten(xf_req *req, const char *text, size_t chars)
{
	size_t cut = xf_utf8_prefix(text, chars);
	if (!text[cut])
		return text;
	return xf_arena_printf(&req->arena, "%.*s…", (int)cut, text);
}

/* Reads an optional ISO time field; answers 400 when it is malformed. */
static bool read_time(xf_req *req, json_t *body, const char *key, int64_t *ms, bool *given)
{
	json_t *v = json_object_get(body, key);
	*given = v != NULL;
	if (!v)
		return true;
	if (json_is_string(v) && xf_iso_time_parse(json_string_value(v), ms) == XF_OK)
		return true;
	xf_reply_error(req, 400, "invalid_field", key,
	               "'%s' must be an ISO 8601 time with a zone, such as 2026-11-28T23:10:29Z",
	               key);
	return false;
}

/* Reads "attendees": user ids (integers) and names of people without an account
 * (strings), at most MAX_ATTENDEES. The users are checked later, in the transaction. */
static bool read_attendees(xf_req *req, json_t *body, attendee **out, size_t *n, bool *given)
{
	json_t *list = json_object_get(body, "attendees"), *item;
	size_t i;
	*out = NULL;
	*n = 0;
	*given = list != NULL;
	if (!list)
		return true;
	if (!json_is_array(list) || json_array_size(list) > MAX_ATTENDEES) {
		xf_reply_error(req, 400, "invalid_field", "attendees",
		               "'attendees' must be an array of at most %d user ids or names",
		               MAX_ATTENDEES);
		return false;
	}
	*out = xf_arena_alloc(&req->arena, (json_array_size(list) + 1) * sizeof **out);
	json_array_foreach(list, i, item)
	{
		char field[32];
		snprintf(field, sizeof field, "attendees[%zu]", i);
		attendee *a = &(*out)[*n];
		if (json_is_integer(item) && json_integer_value(item) >= 1) {
			a->user_id = json_integer_value(item);
			for (size_t j = 0; j < *n; j++)
				if ((*out)[j].user_id == a->user_id) {
					xf_reply_error(req, 400, "invalid_field", field,
					               "'%s': user %lld is listed twice", field,
					               (long long)a->user_id);
					return false;
				}
		} else if (json_is_string(item)) {
			const char *s = json_string_value(item);
			size_t len = json_string_length(item);
			while (len && (*s == ' ' || *s == '\t'))
				s++, len--;
			while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
				len--;
			const char *name = xf_arena_strndup(&req->arena, s, len);
			bool control = false;
			for (size_t k = 0; k < len; k++)
				control |= (unsigned char)name[k] < 0x20;
			if (!len || control || strlen(name) != len ||
			    name[xf_utf8_prefix(name, 60)]) {
				xf_reply_error(req, 400, "invalid_field", field,
				               "'%s' must be a name of 1 to 60 characters", field);
				return false;
			}
			a->name = name;
		} else {
			xf_reply_error(
			    req, 400, "invalid_field", field,
			    "'%s' must be a user id or the name of a person without an account",
			    field);
			return false;
		}
		(*n)++;
	}
	return true;
}

/* Reads decisions[i], {text, assignee_id | owner_role, due_minutes}, into d; answers
 * 400 naming the item and returns false when it is not one. */
static bool read_decision(xf_req *req, json_t *item, size_t i, decision *d)
{
	static const char *const fields[] = {"text", "assignee_id", "owner_role", "due_minutes",
	                                     NULL};
	const char *at = xf_arena_printf(&req->arena, "decisions[%zu]", i);
	const char *role_field = xf_arena_printf(&req->arena, "%s.owner_role", at);
	xf_field_error err;
	memset(&err, 0, sizeof err);
	if (!json_is_object(item)) {
		xf_reply_error(req, 400, "invalid_field", at,
		               "'%s' must be an object with 'text', 'due_minutes' and "
		               "'assignee_id' or 'owner_role'",
		               at);
		return false;
	}
	if (xf_json_only(item, fields, &err) != XF_OK ||
	    xf_json_string(item, "text", true, 1, 1000, &d->text, &err) != XF_OK ||
	    xf_json_int(item, "assignee_id", false, 1, INT64_MAX, &d->assignee_id, &err) ==
	        XF_ERR ||
	    xf_json_choice(item, "owner_role", false, xf_role_ids, &d->owner_role, &err) ==
	        XF_ERR ||
	    xf_json_int(item, "due_minutes", true, 0, MAX_DUE_MINUTES, &d->due_minutes, &err) !=
	        XF_OK) {
		xf_reply_error(
		    req, 400, "invalid_field",
		    xf_arena_printf(&req->arena, "%s%s%s", at, err.field[0] ? "." : "", err.field),
		    "'%s': %s", at, err.message);
		return false;
	}
	bool has_user = d->assignee_id != 0, has_role = d->owner_role != NULL;
	if (has_user == has_role) {
		xf_reply_error(req, 400, "invalid_field", role_field,
		               "'%s': give either 'assignee_id' (a user) or 'owner_role' "
		               "(a role) as the owner",
		               at);
		return false;
	}
	if (d->owner_role &&
	    !xf_perm_allows(1u << xf_role_parse(d->owner_role), XF_PERM_TASK_ACT)) {
		xf_reply_error(req, 400, "invalid_field", role_field,
		               "'%s': role '%s' cannot act on tasks", at, d->owner_role);
		return false;
	}
	if (d->owner_role)
		d->owner_label = xf_role_zh((xf_role)xf_role_parse(d->owner_role));
	return true;
}

/* Reads "decisions", a list of read_decision's; answers 400 naming the item. Owners are
 * checked later, in the transaction. */
static bool read_decisions(xf_req *req, json_t *body, bool required, decision **out, size_t *n)
{
	json_t *list = json_object_get(body, "decisions"), *item;
	size_t i;
	*out = NULL;
	*n = 0;
	if (!list && !required)
		return true;
	if (!json_is_array(list) || json_array_size(list) > MAX_DECISIONS ||
	    (required && json_array_size(list) == 0)) {
		xf_reply_error(req, 400, "invalid_field", "decisions",
		               "'decisions' must be an array of %d to %d decisions",
		               required ? 1 : 0, MAX_DECISIONS);
		return false;
	}
	*out = xf_arena_alloc(&req->arena, (json_array_size(list) + 1) * sizeof **out);
	json_array_foreach(list, i, item)
	{
		if (!read_decision(req, item, i, &(*out)[i]))
			return false;
		(*n)++;
	}
	return true;
}

/* Reads the account of user_id named in field (an active one when active); answers 400
 * naming field, or the store error, and returns false when there is none. */
static bool named_user(xf_req *req, xf_db *db, int64_t user_id, const char *field, bool active,
                       xf_user_row *row)
{
	int rc = xf_store_user_by_id(db, user_id, row);
	if (rc != XF_OK && rc != XF_NOTFOUND) {
		xf_api_store_error(req, db, rc);
		return false;
	}
	if (rc == XF_OK && !(active && row->user.disabled))
		return true;
	if (active)
		xf_reply_error(req, 400, "invalid_field", field,
		               "'%s': there is no active user %lld", field, (long long)user_id);
	else
		xf_reply_error(req, 400, "invalid_field", field, "'%s': there is no user %lld",
		               field, (long long)user_id);
	return false;
}

/* Looks the attendees' accounts up, recording their names as they are now. */
static bool resolve_attendees(xf_req *req, xf_db *db, attendee *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		xf_user_row row;
		if (!list[i].user_id)
			continue;
		if (!named_user(req, db, list[i].user_id,
		                xf_arena_printf(&req->arena, "attendees[%zu]", i), false, &row))
			return false;
		list[i].name = xf_arena_strdup(&req->arena, row.user.name);
	}
	return true;
}

/* A decision assigned to a user needs an active account that may act on tasks. */
static bool resolve_owners(xf_req *req, xf_db *db, decision *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		xf_user_row row;
		const char *field = xf_arena_printf(&req->arena, "decisions[%zu].assignee_id", i);
		if (!list[i].assignee_id)
			continue;
		if (!named_user(req, db, list[i].assignee_id, field, true, &row))
			return false;
		if (!xf_perm_allows(row.user.roles, XF_PERM_TASK_ACT)) {
			xf_reply_error(req, 400, "invalid_field", field,
			               "'%s': user %lld has no role that acts on tasks", field,
			               (long long)list[i].assignee_id);
			return false;
		}
		list[i].owner_label = xf_arena_strdup(&req->arena, row.user.name);
	}
	return true;
}

/* The plan step a meeting fulfils: an open, non-recurring task of the same incident. */
static bool step_task(xf_req *req, xf_db *db, const xf_incident_state *state, int64_t task_id,
                      xf_task_row *task)
{
	int rc = xf_store_task_get(db, task_id, task);
	if (rc != XF_OK && rc != XF_NOTFOUND) {
		xf_api_store_error(req, db, rc);
		return false;
	}
	if (rc == XF_NOTFOUND || task->incident_id != state->id) {
		xf_reply_error(req, 400, "invalid_field", "task_id", "%s has no task %lld",
		               state->number, (long long)task_id);
		return false;
	}
	if (strcmp(task->kind, "recurring") == 0) {
		xf_reply_error(
		    req, 400, "invalid_field", "task_id",
		    "task %lld is a recurring progress report; a meeting cannot fulfil it",
		    (long long)task_id);
		return false;
	}
	int from = xf_task_status_parse(task->status);
	if (from < 0 || xf_task_apply((xf_task_status)from, XF_TASK_COMPLETE) < 0) {
		xf_reply_error(req, 409, "conflict", "task_id", "task %lld is already %s",
		               (long long)task_id, task->status);
		return false;
	}
	return true;
}

/* Completes the fulfilled step with the minutes as its note, as PATCH /tasks/{id}
 * would, and appends the same task.complete event. */
static int complete_step(xf_req *req, xf_db *db, const xf_actor *actor, const xf_task_row *task,
                         int64_t meeting_id, const char *minutes, int64_t now)
{
	const char *note =
	    xf_arena_printf(&req->arena, "会议纪要：%s", shorten(req, minutes, NOTE_MINUTES_CHARS));
	int64_t assignee = task->assignee_id ? task->assignee_id : req->user.id;
	int rc = xf_store_task_update(db, task->id, xf_task_status_ids[XF_TASK_DONE], assignee,
	                              note, NULL, now);
	if (rc != XF_OK)
		return rc;
	return xf_audit_append(
	    db, actor, "task.complete", "incident", xf_api_id_text(req, task->incident_id),
	    json_pack("{s:I, s:s, s:s, s:I, s:s, s:I, s:s}", "task_id", (json_int_t)task->id,
	              "title", task->title, "status", xf_task_status_ids[XF_TASK_DONE],
	              "assignee_id", (json_int_t)assignee, "note", note, "meeting_id",
	              (json_int_t)meeting_id, "summary",
	              xf_arena_printf(&req->arena, "完成任务「%s」：%s", task->title, note)));
}

/* Makes each decision a task of kind "decision" on the incident's checklist and
 * records it with the meeting; one task.create event each. */
static int add_decisions(xf_req *req, xf_db *db, const xf_actor *actor, int64_t incident_id,
                         int64_t meeting_id, const char *kind, const decision *list, size_t n,
                         int64_t now)
{
	int rc = XF_OK;
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		const decision *d = &list[i];
		int position;
		int64_t task_id, decision_id;
		const char *title = shorten(req, d->text, TITLE_CHARS);
		int64_t due = now + d->due_minutes * XF_MINUTE_MS;
		if ((rc = xf_store_task_next_position(db, incident_id, &position)) != XF_OK)
			break;
		xf_task_new t = {
		    .incident_id = incident_id,
		    .position = position,
		    .kind = xf_task_kind_ids[XF_KIND_DECISION],
		    .title = title,
		    .text = xf_arena_printf(&req->arena, "%s决定：%s", xf_meeting_kind_zh(kind),
		                            d->text),
		    .owner_kind = d->assignee_id ? "user" : "role",
		    .owner_value = d->assignee_id ? d->owner_label : d->owner_role,
		    .assignee_id = d->assignee_id,
		    .base_ms = now,
		    .due_minutes = (int)d->due_minutes,
		    .due_ms = due,
		    .now_ms = now,
		};
		if ((rc = xf_store_task_insert(db, &t, &task_id)) != XF_OK ||
		    (rc = xf_store_meeting_decision_add(db, meeting_id, d->text, task_id, now,
		                                        &decision_id)) != XF_OK)
			break;
		char due_text[XF_TIME_LEN], due_local[XF_LOCAL_TIME_LEN];
		xf_time_format(due, due_text);
		xf_local_time_format(due, due_local);
		json_t *data = json_pack(
		    "{s:I, s:s, s:s, s:I, s:I, s:s, s:s}", "task_id", (json_int_t)task_id, "title",
		    title, "kind", t.kind, "meeting_id", (json_int_t)meeting_id, "decision_id",
		    (json_int_t)decision_id, "due_at", due_text, "summary",
		    xf_arena_printf(&req->arena, "%s决定「%s」：%s负责，%s前完成",
		                    xf_meeting_kind_zh(kind), title, d->owner_label, due_local));
		json_object_set_new(data, d->assignee_id ? "assignee_id" : "owner_role",
		                    d->assignee_id ? json_integer(d->assignee_id)
		                                   : json_string(d->owner_role));
		rc = xf_audit_append(db, actor, "task.create", "incident",
		                     xf_api_id_text(req, incident_id), data);
	}
	return rc;
}

static int add_attendees(xf_db *db, int64_t meeting_id, const attendee *list, size_t n)
{
	int rc = XF_OK;
	for (size_t i = 0; rc == XF_OK && i < n; i++)
		rc = xf_store_meeting_attendee_add(db, meeting_id, list[i].user_id, list[i].name);
	return rc;
}

static void xf_api_meetings_list(xf_req *req)
{
	xf_api_incident_sublist(req, xf_store_meeting_list, "meetings");
}

/* Puts the meeting's minutes in the search index, as a document of its incident. */
static int index_meeting(xf_db *db, int64_t meeting_id)
{
	json_t *meeting;
	int rc = xf_store_meeting_json(db, meeting_id, &meeting);
	if (rc != XF_OK)
		return rc;
	char title[256];
	snprintf(title, sizeof title, "%s %s %s",
	         json_string_value(json_object_get(meeting, "incident_number")),
	         json_string_value(json_object_get(meeting, "kind_name")),
	         json_string_value(json_object_get(meeting, "place")));
	xf_search_doc doc = {.kind = "meeting",
	                     .id = meeting_id,
	                     .incident_id =
	                         json_integer_value(json_object_get(meeting, "incident_id")),
	                     .title = title,
	                     .body = json_string_value(json_object_get(meeting, "minutes"))};
	rc = xf_search_put(db, &doc);
	json_decref(meeting);
	return rc;
}

/* The audit data of meeting m, just stored as meeting_id. */
static json_t *created_audit_data(xf_req *req, int64_t meeting_id, const xf_meeting_new *m,
                                  size_t n_attendees, size_t n_decisions)
{
	char starts_text[XF_TIME_LEN];
	xf_time_format(m->starts_ms, starts_text);
	const char *place = m->place;
	json_t *data =
	    json_pack("{s:I, s:s, s:s, s:I, s:I, s:s}", "meeting_id", (json_int_t)meeting_id,
	              "kind", m->kind, "starts_at", starts_text, "attendees",
	              (json_int_t)n_attendees, "decisions", (json_int_t)n_decisions, "summary",
	              xf_arena_printf(&req->arena, "召开%s%s%s%s：%zu人参加，作出%zu项决定",
	                              xf_meeting_kind_zh(m->kind), place[0] ? "（" : "", place,
	                              place[0] ? "）" : "", n_attendees, n_decisions));
	if (m->task_id)
		json_object_set_new(data, "task_id", json_integer(m->task_id));
	return data;
}

static void xf_api_meetings_create(xf_req *req)
{
	static const char *const fields[] = {"kind",    "starts_at", "place",   "attendees",
	                                     "minutes", "decisions", "task_id", NULL};
	xf_field_error err;
	const char *kind, *place = "", *minutes = "";
	int64_t id, starts_ms = 0, task_id = 0, meeting_id;
	bool starts_given, attendees_given;
	attendee *attendees;
	decision *decisions;
	size_t n_attendees, n_decisions;
	xf_incident_state state;
	xf_task_row task;
	json_t *body;
	if (!xf_api_path_id(req, "id", &id) || !(body = xf_api_body(req, fields)))
		return;
	if (xf_json_choice(body, "kind", true, xf_meeting_kind_ids, &kind, &err) != XF_OK ||
	    xf_json_string(body, "place", false, 0, 200, &place, &err) == XF_ERR ||
	    xf_json_string(body, "minutes", false, 0, 20000, &minutes, &err) == XF_ERR ||
	    xf_json_int(body, "task_id", false, 1, INT64_MAX, &task_id, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!read_time(req, body, "starts_at", &starts_ms, &starts_given) ||
	    !read_attendees(req, body, &attendees, &n_attendees, &attendees_given) ||
	    !read_decisions(req, body, false, &decisions, &n_decisions))
		return;
	if (task_id && !minutes[0]) {
		xf_reply_error(
		    req, 400, "invalid_field", "minutes",
		    "'minutes' are required when the meeting fulfils a task: the minutes "
		    "(会议纪要) are the step's evidence");
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin_incident(req, db, id, &state))
		return;
	if (!incident_in_handling(req, &state) ||
	    !resolve_attendees(req, db, attendees, n_attendees) ||
	    !resolve_owners(req, db, decisions, n_decisions) ||
	    (task_id && !step_task(req, db, &state, task_id, &task))) {
		xf_tx_rollback(db);
		return;
	}
	int64_t now = xf_now_ms();
	if (!starts_given)
		starts_ms = now;
	xf_meeting_new m = {
	    .incident_id = id,
	    .kind = kind,
	    .starts_ms = starts_ms,
	    .place = place,
	    .minutes = minutes,
	    .task_id = task_id,
	    .created_by = req->user.id,
	    .now_ms = now,
	};
	int rc = xf_store_meeting_insert(db, &m, &meeting_id);
	if (rc == XF_OK)
		rc = add_attendees(db, meeting_id, attendees, n_attendees);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "meeting.create", "incident", xf_api_id_text(req, id),
		    created_audit_data(req, meeting_id, &m, n_attendees, n_decisions));
	if (rc == XF_OK)
		rc = add_decisions(req, db, &actor, id, meeting_id, kind, decisions, n_decisions,
		                   now);
	if (rc == XF_OK && task_id)
		rc = complete_step(req, db, &actor, &task, meeting_id, minutes, now);
	if (rc == XF_OK)
		rc = index_meeting(db, meeting_id);
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_meeting_json, meeting_id, NULL, 201);
}

/* Loads a meeting and its incident, both visible to the user; answers 404 otherwise.
 * Runs inside the caller's transaction, if any. */
static bool visible_meeting(xf_req *req, xf_db *db, int64_t id, xf_meeting_row *meeting,
                            xf_incident_state *state)
{
	xf_scope scope = xf_api_scope(req);
	int rc = xf_store_meeting_get(db, id, meeting);
	if (rc == XF_OK)
		rc = xf_store_incident_visible(db, &scope, meeting->incident_id);
	if (rc == XF_OK)
		rc = xf_store_incident_state(db, meeting->incident_id, state);
	if (rc == XF_OK)
		return true;
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 404, "not_found", NULL, "there is no meeting %lld you may see",
		               (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

static void xf_api_meetings_get(xf_req *req)
{
	int64_t id;
	xf_meeting_row meeting;
	xf_incident_state state;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &id) || !visible_meeting(req, db, id, &meeting, &state))
		return;
	xf_api_reply_read(req, db, xf_store_meeting_json, id, NULL, 200);
}

/* Begins a write transaction on a visible meeting of an incident being handled; on
 * failure rolls back, answers and returns false. */
static bool begin_meeting(xf_req *req, xf_db *db, int64_t id, xf_meeting_row *meeting,
                          xf_incident_state *state)
{
	if (!xf_api_begin(req, db))
		return false;
	if (visible_meeting(req, db, id, meeting, state) && xf_api_unsealed(req, state) &&
	    incident_in_handling(req, state))
		return true;
	xf_tx_rollback(db);
	return false;
}

/* Completes task's step with meeting id's minutes: those given (minutes), else those
 * stored. */
static int complete_step_by_update(xf_req *req, xf_db *db, const xf_actor *actor,
                                   const xf_task_row *task, int64_t id, const char *minutes,
                                   int64_t now)
{
	int rc = XF_OK;
	json_t *stored = NULL;
	if (!minutes && (rc = xf_store_meeting_json(db, id, &stored)) == XF_OK)
		minutes = xf_arena_strdup(&req->arena,
		                          json_string_value(json_object_get(stored, "minutes")));
	json_decref(stored);
	if (rc == XF_OK)
		rc = complete_step(req, db, actor, task, id, minutes, now);
	return rc;
}

/* The audit data of an update of meeting with body: the parts it changed. */
static json_t *updated_audit_data(xf_req *req, const xf_meeting_row *meeting, json_t *body)
{
	static const char *const parts_zh[] = {"纪要", "地点", "参会人员", "时间", "对应任务"};
	static const char *const parts[] = {"minutes", "place", "attendees", "starts_at",
	                                    "task_id"};
	char changed[128] = "";
	json_t *keys = json_array();
	for (size_t i = 0; i < XF_ARRAY_LEN(parts); i++)
		if (json_object_get(body, parts[i])) {
			json_array_append_new(keys, json_string(parts[i]));
			snprintf(changed + strlen(changed), sizeof changed - strlen(changed),
			         "%s%s", changed[0] ? "、" : "", parts_zh[i]);
		}
	return json_pack("{s:I, s:o, s:s}", "meeting_id", (json_int_t)meeting->id, "changed", keys,
	                 "summary",
	                 xf_arena_printf(&req->arena, "更新%s记录：%s",
	                                 xf_meeting_kind_zh(meeting->kind), changed));
}

static void xf_api_meetings_update(xf_req *req)
{
	static const char *const fields[] = {"minutes",   "place",   "attendees",
	                                     "starts_at", "task_id", NULL};
	xf_field_error err;
	const char *minutes = NULL, *place = NULL;
	int64_t id, starts_ms = 0, task_id = 0;
	bool starts_given, attendees_given;
	attendee *attendees;
	size_t n_attendees;
	xf_meeting_row meeting;
	xf_incident_state state;
	xf_task_row task;
	json_t *body;
	if (!xf_api_path_id(req, "id", &id) || !(body = xf_api_body(req, fields)))
		return;
	if (xf_json_string(body, "minutes", false, 0, 20000, &minutes, &err) == XF_ERR ||
	    xf_json_string(body, "place", false, 0, 200, &place, &err) == XF_ERR ||
	    xf_json_int(body, "task_id", false, 1, INT64_MAX, &task_id, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!read_time(req, body, "starts_at", &starts_ms, &starts_given) ||
	    !read_attendees(req, body, &attendees, &n_attendees, &attendees_given))
		return;
	if (json_object_size(body) == 0) {
		xf_reply_error(req, 400, "invalid_field", NULL,
		               "give at least one of 'minutes', 'place', 'attendees', 'starts_at', "
		               "'task_id'");
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!begin_meeting(req, db, id, &meeting, &state))
		return;
	bool ok = resolve_attendees(req, db, attendees, n_attendees);
	if (ok && task_id && meeting.task_id) {
		xf_reply_error(req, 409, "conflict", "task_id",
		               "meeting %lld already fulfils task %lld", (long long)id,
		               (long long)meeting.task_id);
		ok = false;
	}
	if (ok && task_id && !(minutes ? minutes[0] : meeting.has_minutes)) {
		xf_reply_error(
		    req, 400, "invalid_field", "minutes",
		    "'minutes' are required when the meeting fulfils a task: the minutes "
		    "(会议纪要) are the step's evidence");
		ok = false;
	}
	if (!ok || (task_id && !step_task(req, db, &state, task_id, &task))) {
		xf_tx_rollback(db);
		return;
	}
	int64_t now = xf_now_ms();
	int rc = xf_store_meeting_update(db, id, place, minutes, starts_given ? starts_ms : 0,
	                                 task_id, now);
	if (rc == XF_OK && attendees_given) {
		rc = xf_store_meeting_attendees_clear(db, id);
		if (rc == XF_OK)
			rc = add_attendees(db, id, attendees, n_attendees);
	}
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "meeting.update", "incident",
		                     xf_api_id_text(req, meeting.incident_id),
		                     updated_audit_data(req, &meeting, body));
	if (rc == XF_OK && task_id)
		rc = complete_step_by_update(req, db, &actor, &task, id, minutes, now);
	if (rc == XF_OK)
		rc = index_meeting(db, id);
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_meeting_json, id, NULL, 200);
}

static void xf_api_meetings_decide(xf_req *req)
{
	static const char *const fields[] = {"decisions", NULL};
	int64_t id;
	decision *decisions;
	size_t n_decisions;
	xf_meeting_row meeting;
	xf_incident_state state;
	json_t *body;
	if (!xf_api_path_id(req, "id", &id) || !(body = xf_api_body(req, fields)) ||
	    !read_decisions(req, body, true, &decisions, &n_decisions))
		return;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!begin_meeting(req, db, id, &meeting, &state))
		return;
	if (!resolve_owners(req, db, decisions, n_decisions)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t now = xf_now_ms();
	int rc = add_decisions(req, db, &actor, meeting.incident_id, id, meeting.kind, decisions,
	                       n_decisions, now);
	if (rc == XF_OK)
		rc = xf_store_meeting_update(db, id, NULL, NULL, 0, 0, now);
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_meeting_json, id, NULL, 201);
}

static const xf_route routes[] = {
    {"GET", "/incidents/{id}/meetings", XF_PERM_INCIDENT_READ, 0, xf_api_meetings_list},
    {"POST", "/incidents/{id}/meetings", XF_PERM_MEETING_WRITE, 0, xf_api_meetings_create},
    {"GET", "/meetings/{id}", XF_PERM_INCIDENT_READ, 0, xf_api_meetings_get},
    {"PATCH", "/meetings/{id}", XF_PERM_MEETING_WRITE, 0, xf_api_meetings_update},
    {"POST", "/meetings/{id}/decisions", XF_PERM_MEETING_WRITE, 0, xf_api_meetings_decide},
};

const xf_route_list xf_routes_meetings = {routes, XF_ARRAY_LEN(routes)};
