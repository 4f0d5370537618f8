/* The decision of an incident after registration: re-deciding from changed facts
 * (xf_incident_change_decision, with 升级 and re-planning) and POST
 * /incidents/{id}/override, a person's grade or scope over the plan's, or its withdrawal. */
#include <string.h>

#include "api/xf_incident_json.h"
#include "api/xf_incidents.h"
#include "api/xf_notify_rules.h"

/* A decision recomputed from changed facts, beside what the incident held before. */
typedef struct redecision {
	const xf_incident_state *state;
	const xf_plan *plan;
	xf_plan_decision d;
	bool before; /* not yet activated: the procedure may change */
	bool in_scope;
	const xf_plan_grade *grade; /* NULL out of scope */
	xf_status to;               /* the status for the scope */
	const char *ov_grade;       /* the override's grade, or NULL */
	const char *old_computed;   /* the grade the facts gave before, or NULL */
	bool escalated;             /* the grade rises now */
} redecision;

/* Decides from facts: an override decided the scope; once handled, an incident stays
 * in scope; an override's grade wins over the computed one. */
static void redecide(redecision *r, const json_t *incident, const xf_plan_facts *facts)
{
	const xf_incident_state *state = r->state;
	json_t *ov = json_object_get(incident, "override");
	r->ov_grade = json_string_value(json_object_get(ov, "grade"));
	r->old_computed = json_string_value(json_object_get(incident, "grade_computed"));
	xf_plan_decide(r->plan, facts, &r->d);
	r->before = xf_status_before_activation(xf_api_status(state));
	r->in_scope = json_is_object(ov) ? state->in_scope : r->before ? r->d.in_scope : true;
	r->grade = NULL;
	if (r->in_scope)
		r->grade = r->ov_grade && xf_plan_grade_by_id(r->plan, r->ov_grade)
		               ? xf_plan_grade_by_id(r->plan, r->ov_grade)
		               : r->d.grade;
	r->to = xf_status_for_scope(xf_api_status(state), r->in_scope);
}

/* The 升级 to store (NULL: none), and whether the grade rises now (r->escalated). 升级
 * counts from the grade before the first rise, and holds while the grade stays above
 * it. *set: the stored escalation changes (set or cleared). */
static json_t *escalation_of(redecision *r, const json_t *incident, const char *at, bool *set)
{
	const xf_incident_state *state = r->state;
	int old_rank = state->grade[0] ? xf_incident_grade_rank(r->plan, state->grade) : 99;
	int new_rank = r->grade ? xf_incident_grade_rank(r->plan, r->grade->id) : 99;
	r->escalated = state->grade[0] && r->grade && new_rank < old_rank;
	json_t *old_escalation = json_object_get(incident, "escalation");
	const char *base = json_string_value(json_object_get(old_escalation, "from"));
	if (!base)
		base = state->grade[0] ? state->grade : NULL;
	bool above = base && r->grade && new_rank < xf_incident_grade_rank(r->plan, base);
	*set = above || json_is_object(old_escalation);
	if (!above)
		return NULL;
	const xf_plan_grade *from = xf_plan_grade_by_id(r->plan, base);
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "from", base, "from_name",
	                 from ? from->name : base, "to", r->grade->id, "to_name", r->grade->name,
	                 "at",
	                 new_rank == old_rank && json_is_object(old_escalation)
	                     ? json_string_value(json_object_get(old_escalation, "at"))
	                     : at);
}

/* Adds the grade's change (or why an override's grade holds) to changes and summary. */
static void note_grade_change(xf_req *req, const redecision *r, json_t *changes, char **summary)
{
	const xf_incident_state *state = r->state;
	const char *new_grade = r->grade ? r->grade->id : NULL;
	bool grade_changed = state->grade[0] ? !new_grade || strcmp(state->grade, new_grade) != 0
	                                     : new_grade != NULL;
	if (grade_changed) {
		const xf_plan_grade *from =
		    state->grade[0] ? xf_plan_grade_by_id(r->plan, state->grade) : NULL;
		json_object_set_new(
		    changes, "grade",
		    json_pack("{s:o, s:o}", "from",
		              state->grade[0] ? json_string(state->grade) : json_null(), "to",
		              new_grade ? json_string(new_grade) : json_null()));
		*summary = xf_arena_printf(
		    &req->arena, "%s；等级%s → %s%s", *summary, from ? from->name : "无",
		    r->grade ? r->grade->name : "无", r->escalated ? "（升级）" : "");
	} else if (r->ov_grade && r->in_scope &&
	           (!r->old_computed || strcmp(r->old_computed, r->d.grade->id) != 0)) {
		*summary = xf_arena_printf(&req->arena, "%s；按事实应为%s，人工调整的等级%s不变",
		                           *summary, r->d.grade->name, r->grade->name);
	}
}

/* Adds what else the decision changed (old and new values) to changes. */
static void note_decision_changes(const redecision *r, const char *grade_computed, json_t *changes)
{
	const xf_incident_state *state = r->state;
	if (!r->old_computed || !grade_computed || strcmp(r->old_computed, grade_computed) != 0)
		json_object_set_new(
		    changes, "grade_computed",
		    json_pack("{s:o, s:o}", "from",
		              r->old_computed ? json_string(r->old_computed) : json_null(), "to",
		              grade_computed ? json_string(grade_computed) : json_null()));
	if (r->in_scope != state->in_scope)
		json_object_set_new(
		    changes, "in_scope",
		    json_pack("{s:b, s:b}", "from", state->in_scope, "to", r->in_scope));
	if (r->to != xf_api_status(state))
		json_object_set_new(
		    changes, "status",
		    json_pack("{s:s, s:s}", "from", state->status, "to", xf_status_ids[r->to]));
	if (r->before && strcmp(state->procedure, r->d.procedure->id) != 0)
		json_object_set_new(
		    changes, "procedure",
		    json_pack("{s:s, s:s}", "from", state->procedure, "to", r->d.procedure->id));
}

/* The facts that decide, as changed by a PATCH: the decision is recomputed with its
 * reasons; an override keeps winning (scope and grade) until withdrawn; a grade
 * change of an activated incident re-plans its tasks as an override does; a grade
 * that rises is an escalation (升级), shown until the grade falls again. Adds what
 * changed (old and new values) to changes and a line to summary. */
int xf_incident_change_decision(xf_req *req, xf_db *db, const xf_incident_state *state,
                                const xf_plan *plan, const xf_plan_facts *facts, json_t *changes,
                                char **summary)
{
	json_t *incident;
	int rc = xf_api_incident_read(db, state->id, &incident);
	if (rc != XF_OK)
		return rc;
	redecision r = {.state = state, .plan = plan};
	redecide(&r, incident, facts);
	char at[XF_TIME_LEN];
	int64_t now = xf_now_ms();
	xf_time_format(now, at);
	bool set_escalation;
	json_t *escalation = escalation_of(&r, incident, at, &set_escalation);
	json_t *reasons = xf_incident_reasons(&r.d);
	xf_incident_decision upd = {
	    .headcount = facts->headcount,
	    .destination = xf_destination_ids[facts->destination],
	    .advance_info = facts->advance_info,
	    .in_scope = r.in_scope,
	    .grade = r.grade ? r.grade->id : NULL,
	    .grade_name = r.grade ? r.grade->name : NULL,
	    .grade_computed = r.in_scope ? r.d.grade->id : NULL,
	    .procedure = r.before ? r.d.procedure->id : NULL,
	    .procedure_name = r.before ? r.d.procedure->name : NULL,
	    .status = xf_status_ids[r.to],
	    .reasons = reasons,
	    .set_escalation = set_escalation,
	    .escalation = escalation,
	};
	rc = xf_store_incident_set_decision(db, state->id, &upd, now);
	int replanned = 0;
	if (rc == XF_OK && r.grade && state->activated_ms && strcmp(r.grade->id, state->grade) != 0)
		rc = xf_api_replan(db, state, r.grade, &replanned);
	note_grade_change(req, &r, changes, summary);
	note_decision_changes(&r, upd.grade_computed, changes);
	if (replanned)
		*summary =
		    xf_arena_printf(&req->arena, "%s，重新安排%d项任务", *summary, replanned);
	json_object_set_new(changes, "escalated", json_boolean(r.escalated));
	json_object_set_new(changes, "replanned", json_integer(replanned));
	json_object_set_new(changes, "reasons", reasons);
	json_decref(escalation);
	json_decref(incident);
	return rc;
}

/* Withdraws an override: the plan's decision from the current facts holds again
 * (re-planning and 升级 as for changed facts). */
static int withdraw_override(xf_req *req, xf_db *db, const xf_incident_state *state,
                             const xf_plan *plan, const char *reason, xf_actor *actor)
{
	int64_t now = xf_now_ms();
	int rc = xf_store_incident_override(db, state->id, state->in_scope, NULL, NULL,
	                                    state->status, NULL, now);
	xf_plan_facts facts = xf_incident_facts(state);
	json_t *changes = json_object();
	char *summary =
	    xf_arena_printf(&req->arena, "撤销人工调整，恢复按预案判定；理由：%s", reason);
	if (rc == XF_OK)
		rc = xf_incident_change_decision(req, db, state, plan, &facts, changes, &summary);
	if (rc == XF_OK)
		rc = xf_audit_append(db, actor, "incident.override", "incident",
		                     xf_api_id_text(req, state->id),
		                     json_pack("{s:b, s:s, s:s, s:O}", "withdraw", true, "reason",
		                               reason, "summary", summary, "changes", changes));
	json_decref(changes);
	return rc;
}

/* What POST /incidents/{id}/override asks: a grade, a scope, or to withdraw. */
typedef struct override_in {
	const char *grade_id, *reason;
	bool in_scope, withdraw;
	int has_scope; /* XF_OK when in_scope was given */
} override_in;

static bool read_override(xf_req *req, json_t *body, override_in *o)
{
	xf_field_error err;
	memset(o, 0, sizeof *o);
	if (xf_json_string(body, "grade", false, 1, 16, &o->grade_id, &err) == XF_ERR ||
	    (o->has_scope = xf_json_bool(body, "in_scope", false, &o->in_scope, &err)) == XF_ERR ||
	    xf_json_string(body, "reason", true, 2, 500, &o->reason, &err) != XF_OK ||
	    xf_json_bool(body, "withdraw", false, &o->withdraw, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	if (o->withdraw && (o->grade_id || o->has_scope == XF_OK)) {
		xf_reply_error(req, 400, "invalid_field", "withdraw",
		               "'withdraw' takes no 'grade' or 'in_scope'");
		return false;
	}
	if (!o->withdraw && !o->grade_id && o->has_scope != XF_OK) {
		xf_reply_error(req, 400, "invalid_field", "grade",
		               "give 'grade' or 'in_scope' to override");
		return false;
	}
	return true;
}

/* Withdraws the incident's override; answers 409 and returns false when it has none,
 * otherwise true with the store's code in *rc. */
static bool override_withdrawn(xf_req *req, xf_db *db, const xf_incident_state *state,
                               const xf_plan *plan, const char *reason, xf_actor *actor, int *rc)
{
	json_t *incident = NULL;
	*rc = xf_api_incident_read(db, state->id, &incident);
	bool has = *rc == XF_OK && json_is_object(json_object_get(incident, "override"));
	json_decref(incident);
	if (*rc == XF_OK && !has) {
		xf_reply_error(req, 409, "conflict", "withdraw", "%s has no override to withdraw",
		               state->number);
		return false;
	}
	if (*rc == XF_OK)
		*rc = withdraw_override(req, db, state, plan, reason, actor);
	return true;
}

/* The grade an override sets: the one named, or, bringing an incident into scope
 * without a grade, its own or the computed one; NULL out of scope. Answers 400 and
 * returns false when the plan has no such grade. */
static bool override_grade(xf_req *req, const xf_plan *plan, const xf_incident_state *state,
                           const override_in *o, const xf_plan_grade **grade)
{
	*grade = NULL;
	if (o->grade_id) {
		*grade = xf_plan_grade_by_id(plan, o->grade_id);
		if (!*grade)
			xf_reply_error(req, 400, "invalid_field", "grade",
			               "the plan has no grade '%s'", o->grade_id);
		return *grade != NULL;
	}
	if (o->in_scope) {
		xf_plan_facts facts = xf_incident_facts(state);
		xf_plan_decision d;
		xf_plan_decide(plan, &facts, &d);
		*grade = state->grade[0] ? xf_plan_grade_by_id(plan, state->grade) : d.grade;
	}
	return true;
}

/* Stores the override (re-planning the tasks of an activated incident whose grade
 * changes) and its event. */
static int apply_override(xf_req *req, xf_db *db, const xf_incident_state *state,
                          const override_in *o, const xf_plan_grade *grade, const char *status,
                          xf_actor *actor)
{
	char at[XF_TIME_LEN];
	int64_t now = xf_now_ms();
	xf_time_format(now, at);
	json_t *override = json_pack(
	    "{s:o, s:b, s:s, s:s, s:s}", "grade", grade ? json_string(grade->id) : json_null(),
	    "in_scope", o->in_scope, "reason", o->reason, "by", req->user.username, "at", at);
	int rc = xf_store_incident_override(db, state->id, o->in_scope, grade ? grade->id : NULL,
	                                    grade ? grade->name : NULL, status, override, now);
	int replanned = 0;
	if (rc == XF_OK && grade && state->activated_ms && strcmp(grade->id, state->grade) != 0)
		rc = xf_api_replan(db, state, grade, &replanned);
	if (rc == XF_OK) {
		json_object_set_new(override, "from_grade",
		                    state->grade[0] ? json_string(state->grade) : json_null());
		json_object_set_new(override, "replanned", json_integer(replanned));
		json_object_set_new(override, "summary",
		                    json_string(xf_arena_printf(
		                        &req->arena, "人工调整：%s%s%s；理由：%s",
		                        o->in_scope ? "适用预案" : "不启动", grade ? "，等级" : "",
		                        grade ? grade->name : "", o->reason)));
		rc = xf_audit_append(db, actor, "incident.override", "incident",
		                     xf_api_id_text(req, state->id), json_incref(override));
	}
	const xf_plan *plan = xf_plans_get(db, state->plan_id);
	if (rc == XF_OK && grade && plan && state->grade[0] &&
	    xf_incident_grade_rank(plan, grade->id) < xf_incident_grade_rank(plan, state->grade)) {
		xf_notice_event e = {.kind = XF_NOTIFY_INCIDENT_UPGRADE,
		                     .incident_id = state->id,
		                     .actor_id = req->user.id};
		rc = xf_notify_event(db, plan, &e, now, NULL); /* 升级: api/notify_rules.c */
	}
	json_decref(override);
	return rc;
}

/* Sets the override's grade and status; answers and returns false when refused (no such
 * grade, or taking out of scope an incident already handled), otherwise true with the
 * store's code in *rc. */
static bool override_set(xf_req *req, xf_db *db, const xf_incident_state *state,
                         const xf_plan *plan, override_in *o, xf_actor *actor, int *rc)
{
	const xf_plan_grade *grade;
	if (o->has_scope != XF_OK)
		o->in_scope = state->in_scope;
	if (!override_grade(req, plan, state, o, &grade))
		return false;
	xf_status to = xf_status_for_scope(xf_api_status(state), o->in_scope);
	if (!o->in_scope && to != XF_STATUS_NOT_ACTIVATED) {
		xf_reply_error(req, 409, "conflict", "in_scope",
		               "%s is already being handled; it cannot be taken out of scope",
		               state->number);
		return false;
	}
	*rc = apply_override(req, db, state, o, grade, xf_status_ids[to], actor);
	return true;
}

void xf_api_incidents_override(xf_req *req)
{
	static const char *const fields[] = {"grade", "in_scope", "reason", "withdraw", NULL};
	override_in o;
	int64_t id;
	xf_incident_state state;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body || !read_override(req, body, &o))
		return;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db))
		return;
	int rc = XF_OK;
	const xf_plan *plan;
	if (!xf_api_incident(req, db, id, &state) || !(plan = xf_incident_plan(req, db, &state))) {
		xf_tx_rollback(db);
		return;
	}
	if (xf_status_closed(xf_api_status(&state))) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL, "%s is '%s'", state.number,
		               state.status);
		return;
	}
	bool ok = o.withdraw ? override_withdrawn(req, db, &state, plan, o.reason, &actor, &rc)
	                     : override_set(req, db, &state, plan, &o, &actor, &rc);
	if (!ok) {
		xf_tx_rollback(db);
		return;
	}
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_incident_reply(req, db, id, 200);
}
