/* Who gets what (see xf_notify_rules.h): resolves the plan's recipients of an event to
 * users, writes their in-app notifications, queues their outbound messages with quiet
 * hours applied, queues the group channels' message, and runs the escalations of
 * overdue tasks (a pure decision in core/xf_escalation.c, its state in the store). */
#include "api/xf_notify_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/xf_api.h"
#include "api/xf_incident_json.h"
#include "core/xf_escalation.h"
#include "store/xf_store_notifications.h"
#include "store/xf_store_outbox.h"

#define MAX_TOLD 256

int64_t xf_notify_minute_ms(void)
{
	const char *s = getenv("XINFANG_NOTIFY_MINUTE_MS");
	long long v = s ? atoll(s) : 0;
	return v >= 1 && v <= 60000 ? (int64_t)v : 60000;
}

/* "12-07 08:00", Beijing time. */
static void beijing_time(int64_t ms, char out[32])
{
	if (!ms) {
		snprintf(out, 32, "无");
		return;
	}
	time_t t = (time_t)((ms + 8 * 3600000LL) / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%m-%d %H:%M", &tm);
}

typedef struct told_set {
	int64_t ids[MAX_TOLD];
	size_t n;
} told_set;

static void add_user(told_set *s, int64_t id, int64_t actor)
{
	if (id <= 0 || id == actor || s->n == MAX_TOLD)
		return;
	for (size_t i = 0; i < s->n; i++)
		if (s->ids[i] == id)
			return;
	s->ids[s->n++] = id;
}

static void add_users(told_set *s, int64_t *ids, size_t n, int64_t actor)
{
	for (size_t i = 0; i < n; i++)
		add_user(s, ids[i], actor);
	free(ids);
}

/* The users one recipient of the plan names for the event. */
static int resolve(xf_db *db, const xf_plan_recipient *r, const xf_notice_event *e,
                   int64_t assignee, int64_t now_ms, told_set *out)
{
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = XF_OK;
	if (r->kind == XF_RECIPIENT_POSITION)
		rc = xf_store_position_users(db, r->value, &ids, &n);
	else if (r->kind == XF_RECIPIENT_ROLE)
		rc = xf_store_role_users(db, r->value, &ids, &n);
	else if (strcmp(r->value, "duty_officer") == 0)
		rc = xf_store_duty_users(db, now_ms, &ids, &n);
	else if (strcmp(r->value, "assignee") == 0)
		add_user(out, assignee, e->actor_id);
	else if (strcmp(r->value, "handler") == 0)
		add_user(out, e->handler_id, e->actor_id);
	else if (strcmp(r->value, "superior") == 0 && assignee) {
		int64_t head = 0;
		rc = xf_store_superior_of(db, assignee, &head);
		add_user(out, head, e->actor_id);
	}
	if (rc == XF_OK)
		add_users(out, ids, n, e->actor_id);
	else
		free(ids);
	return rc;
}

/* The template's values for the event, and the grade and assignee it concerns. */
static int gather(xf_db *db, const xf_plan *plan, const xf_notice_event *e, json_t *fields,
                  char grade[8], int64_t *assignee)
{
	grade[0] = '\0';
	*assignee = 0;
	if (e->incident_id) {
		xf_incident_state st;
		int rc = xf_store_incident_state(db, e->incident_id, &st);
		if (rc != XF_OK)
			return rc;
		snprintf(grade, 8, "%s", st.grade);
		const xf_plan_grade *g = xf_plan_grade_by_id(plan, st.grade);
		int d = xf_destination_parse(st.destination);
		json_object_set_new(fields, "number", json_string(st.number));
		json_object_set_new(fields, "grade", json_string(g ? g->name : "未定级"));
		json_object_set_new(fields, "headcount", json_integer(st.headcount));
		json_object_set_new(fields, "destination",
		                    json_string(d >= 0 && plan->destination_names[d]
		                                    ? plan->destination_names[d]
		                                    : st.destination));
		json_t *incident = NULL;
		if (xf_api_incident_read(db, e->incident_id, &incident) == XF_OK) {
			const char *place = json_string_value(json_object_get(incident, "place"));
			json_object_set_new(fields, "place",
			                    json_string(place && place[0] ? place : "未填写"));
		}
		json_decref(incident);
	}
	if (e->task_id) {
		xf_task_row t;
		int rc = xf_store_task_get(db, e->task_id, &t);
		if (rc != XF_OK)
			return rc;
		char due[32];
		beijing_time(t.due_ms, due);
		json_object_set_new(fields, "title", json_string(t.title));
		json_object_set_new(fields, "task", json_string(t.title));
		json_object_set_new(fields, "due", json_string(due));
		*assignee = t.assignee_id;
	}
	if (!e->task_id && e->title)
		json_object_set_new(fields, "title", json_string(e->title));
	if (!e->task_id && e->due_ms) {
		char due[32];
		beijing_time(e->due_ms, due);
		json_object_set_new(fields, "due", json_string(due));
	}
	json_object_set_new(fields, "level", json_integer(e->level));
	return XF_OK;
}

/* Whether the user's routes let messages of kind leave the app (default: yes). */
static bool outbound_wanted(const json_t *routes, const char *kind)
{
	json_t *r = json_object_get(routes, kind);
	if (!json_is_array(r))
		return true;
	size_t i;
	json_t *v;
	json_array_foreach(r, i, v) if (json_is_string(v) &&
	                                strcmp(json_string_value(v), "outbound") == 0) return true;
	return false;
}

int xf_notify_event(xf_db *db, const xf_plan *plan, const xf_notice_event *e, int64_t now_ms,
                    int *told)
{
	if (told)
		*told = 0;
	const xf_plan_notify *rules = plan ? plan->notify : NULL;
	if (!rules || !rules->templates[e->kind])
		return XF_OK;
	json_t *fields = json_object();
	char grade[8];
	int64_t assignee;
	int rc = gather(db, plan, e, fields, grade, &assignee);
	const xf_plan_recipient *specs = rules->recipients[e->kind];
	size_t n_specs = rules->n_recipients[e->kind];
	if (e->kind == XF_NOTIFY_TASK_ESCALATE) {
		const xf_plan_escalation *chain = xf_plan_notify_chain(rules, grade);
		specs = chain && e->level >= 1 && (size_t)e->level <= chain->n_levels
		            ? &chain->levels[e->level - 1]
		            : NULL;
		n_specs = specs ? 1 : 0;
	}
	told_set users = {.n = 0};
	for (size_t i = 0; rc == XF_OK && i < n_specs; i++)
		rc = resolve(db, &specs[i], e, assignee, now_ms, &users);
	char *text = xf_notify_render(rules->templates[e->kind], fields);
	json_decref(fields);
	int64_t seq = 0;
	if (rc == XF_OK)
		rc = xf_store_last_event_seq(db, &seq);
	bool exempt = xf_plan_notify_quiet_exempt(rules, grade);
	int grade_no = 0;
	for (size_t g = 0; g < plan->n_grades; g++)
		if (grade[0] && strcmp(plan->grades[g].id, grade) == 0)
			grade_no = (int)g + 1;
	const char *kind = xf_notify_kind_ids[e->kind];
	for (size_t i = 0; rc == XF_OK && i < users.n; i++) {
		int from, to;
		json_t *routes;
		rc = xf_store_notify_prefs_get(db, users.ids[i], &from, &to, &routes);
		if (rc != XF_OK)
			break;
		int64_t not_before = exempt ? 0 : xf_quiet_hours_end(now_ms, from, to);
		bool outbound = exempt || outbound_wanted(routes, kind);
		json_decref(routes);
		xf_notification_new n = {.user_id = users.ids[i],
		                         .kind = kind,
		                         .grade = grade,
		                         .incident_id = e->incident_id,
		                         .task_id = e->task_id,
		                         .matter_id = e->matter_id,
		                         .escalation_id = e->escalation_id,
		                         .level = e->level,
		                         .text = text,
		                         .dedup = e->dedup,
		                         .created_ms = now_ms,
		                         .outbound_not_before_ms = not_before};
		int64_t id;
		rc = xf_store_notification_insert(db, &n, &id);
		if (rc == XF_CONFLICT) { /* told before under this dedup key */
			rc = XF_OK;
			continue;
		}
		if (rc != XF_OK)
			break;
		if (told)
			(*told)++;
		if (!outbound)
			continue;
		char link[48];
		snprintf(link, sizeof link, "#/notifications/%lld", (long long)id);
		xf_outbox_message m = {.kind = kind,
		                       .grade = grade_no,
		                       .event_seq = seq,
		                       .notification_id = id,
		                       .level = e->level,
		                       .text = text,
		                       .link = link,
		                       .not_before_ms = not_before};
		int queued = 0;
		rc = xf_store_outbox_to_user(db, users.ids[i], &m, &queued);
		if (rc == XF_OK && queued)
			rc = xf_store_notification_queued(db, id, queued);
	}
	if (rc == XF_OK) {
		char link[48] = "";
		if (e->incident_id)
			snprintf(link, sizeof link, "#/incidents/%lld", (long long)e->incident_id);
		xf_outbox_message m = {.kind = kind,
		                       .grade = grade_no,
		                       .event_seq = seq,
		                       .notification_id = 0,
		                       .level = e->level,
		                       .text = text,
		                       .link = link,
		                       .not_before_ms = 0};
		rc = xf_store_outbox_to_channels(db, &m, NULL);
	}
	free(text);
	return rc;
}

int xf_notify_task_overdue(xf_db *db, int64_t task_id, int64_t now_ms)
{
	xf_task_row t;
	xf_incident_state st;
	int rc = xf_store_task_get(db, task_id, &t);
	if (rc == XF_OK)
		rc = xf_store_incident_state(db, t.incident_id, &st);
	if (rc != XF_OK)
		return rc;
	const xf_plan *plan = xf_plans_get(db, st.plan_id);
	if (!plan || !plan->notify)
		return XF_OK;
	const xf_plan_escalation *chain = xf_plan_notify_chain(plan->notify, st.grade);
	int64_t escalation = 0;
	if (chain && chain->n_levels) {
		int64_t next =
		    now_ms + (int64_t)chain->levels[0].wait_minutes * xf_notify_minute_ms();
		rc = xf_store_escalation_start(db, "task.overdue", t.incident_id, task_id, st.grade,
		                               now_ms, next, &escalation);
		if (rc == XF_CONFLICT)
			return XF_OK; /* overdue before (a task becomes overdue once) */
		if (rc != XF_OK)
			return rc;
	}
	xf_notice_event e = {.kind = XF_NOTIFY_TASK_OVERDUE,
	                     .incident_id = t.incident_id,
	                     .task_id = task_id,
	                     .escalation_id = escalation};
	return xf_notify_event(db, plan, &e, now_ms, NULL);
}

/* One escalation due: decide, then climb, or end it. */
static int escalation_step(xf_db *db, const xf_escalation_row *r, int64_t now_ms, int *told)
{
	const xf_plan *plan = xf_plans_get(db, r->plan_id);
	const xf_plan_escalation *chain =
	    plan ? xf_plan_notify_chain(plan->notify, r->grade) : NULL;
	int waits[8] = {0};
	int n_levels = chain ? (int)chain->n_levels : 0;
	for (int i = 0; i < n_levels && i < 8; i++)
		waits[i] = chain->levels[i].wait_minutes;
	xf_escalation_state s = {.level = r->level,
	                         .n_levels = n_levels,
	                         .wait_minutes = waits,
	                         .level_ms = r->level_ms,
	                         .acknowledged = r->acknowledged,
	                         .open = strcmp(r->task_status, "pending") == 0 ||
	                                 strcmp(r->task_status, "in_progress") == 0,
	                         .minute_ms = xf_notify_minute_ms()};
	int64_t next;
	switch (xf_escalation_decide(&s, now_ms, &next)) {
	case XF_ESCALATION_WAIT:
		return xf_store_escalation_set(db, r->id, r->level, r->level_ms, next, NULL);
	case XF_ESCALATION_ACKNOWLEDGED:
		return xf_store_escalation_set(db, r->id, r->level, r->level_ms, 0, "acknowledged");
	case XF_ESCALATION_RESOLVED:
		return xf_store_escalation_set(db, r->id, r->level, r->level_ms, 0, "resolved");
	case XF_ESCALATION_EXHAUSTED:
		return xf_store_escalation_set(db, r->id, r->level, r->level_ms, 0, "exhausted");
	case XF_ESCALATION_CLIMB:
		break;
	}
	int level = r->level + 1;
	/* The climb is an event of the incident: its timeline says who was told, and the
	 * live feed moves the bells of those who see the incident. */
	xf_actor system = {.id = 0, .name = "system", .request_id = ""};
	char incident[24], summary[200];
	snprintf(incident, sizeof incident, "%lld", (long long)r->incident_id);
	snprintf(summary, sizeof summary, "任务超时未响应，升级通知第%d级", level);
	int rc = xf_audit_append(db, &system, "task.escalate", "incident", incident,
	                         json_pack("{s:I, s:i, s:s}", "task_id", (json_int_t)r->task_id,
	                                   "level", level, "summary", summary));
	int n = 0;
	xf_notice_event e = {.kind = XF_NOTIFY_TASK_ESCALATE,
	                     .incident_id = r->incident_id,
	                     .task_id = r->task_id,
	                     .escalation_id = r->id,
	                     .level = level};
	if (rc == XF_OK)
		rc = xf_notify_event(db, plan, &e, now_ms, &n);
	*told += n;
	/* After the last level nobody further is told; the escalation stays open until
	 * someone acknowledges or the task ends. */
	int64_t next_climb = level < n_levels ? now_ms + (int64_t)waits[level] * s.minute_ms : 0;
	if (rc == XF_OK)
		rc = xf_store_escalation_set(db, r->id, level, now_ms, next_climb,
		                             next_climb ? NULL : "exhausted");
	return rc;
}

/* Report-up limits about to pass: the plan's recipients, once per task. The lead is in
 * real minutes (XINFANG_NOTIFY_MINUTE_MS shortens escalation waits only): due times are. */
static int report_up_due(xf_db *db, int64_t now_ms, int *told)
{
	int64_t current_id;
	const xf_plan *current = xf_plans_current(&current_id);
	if (!current || !current->notify)
		return XF_OK;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = xf_store_report_up_due(
	    db, now_ms, (int64_t)current->notify->report_up_lead_minutes * XF_MINUTE_MS, &ids, &n);
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		xf_task_row t;
		xf_incident_state st;
		rc = xf_store_task_get(db, ids[i], &t);
		if (rc == XF_OK)
			rc = xf_store_incident_state(db, t.incident_id, &st);
		if (rc != XF_OK)
			break;
		char dedup[48];
		snprintf(dedup, sizeof dedup, "report_up.due:%lld", (long long)ids[i]);
		xf_notice_event e = {.kind = XF_NOTIFY_REPORT_UP_DUE,
		                     .incident_id = t.incident_id,
		                     .task_id = ids[i],
		                     .dedup = dedup};
		int k = 0;
		rc = xf_notify_event(db, xf_plans_get(db, st.plan_id), &e, now_ms, &k);
		*told += k;
	}
	free(ids);
	return rc;
}

int xf_notify_scan(xf_db *db)
{
	int64_t now = xf_now_ms();
	xf_escalation_row *rows = NULL;
	size_t n = 0;
	int64_t *due = NULL;
	size_t n_due = 0;
	int64_t current_id;
	const xf_plan *current = xf_plans_current(&current_id);
	int64_t lead = current && current->notify
	                   ? (int64_t)current->notify->report_up_lead_minutes * XF_MINUTE_MS
	                   : 0;
	/* Most scans find nothing: look without the write lock first. */
	int rc = xf_store_escalations_due(db, now, 1, &rows, &n);
	free(rows);
	rows = NULL;
	if (rc == XF_OK && lead)
		rc = xf_store_report_up_due(db, now, lead, &due, &n_due);
	free(due);
	if (rc == XF_OK && n == 0 && n_due == 0)
		return 0;
	int told = 0;
	if (rc == XF_OK)
		rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_escalations_due(db, now, 100, &rows, &n);
	for (size_t i = 0; rc == XF_OK && i < n; i++)
		rc = escalation_step(db, &rows[i], now, &told);
	free(rows);
	if (rc == XF_OK)
		rc = report_up_due(db, now, &told);
	if (rc == XF_OK)
		rc = xf_tx_commit(db);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_log("notification scan failed: %s", xf_db_error(db));
		return -1;
	}
	xf_stream_notify();
	return told;
}
