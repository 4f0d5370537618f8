/* POST /incidents/{id}/transition: status moves along the life cycle (closing
 * enforced, archiving seals) and the withdrawal of a mistaken registration (作废). */
#include <stdlib.h>
#include <string.h>

#include "api/xf_evaluation.h"
#include "api/xf_incidents.h"
#include "store/xf_store_seal.h"

static void reply_not_allowed(xf_req *req, const xf_incident_state *state, const char *to)
{
	json_t *list = xf_incident_allowed(state->status, state->procedure);
	char *text = json_dumps(list, JSON_COMPACT);
	const char *message = xf_req_message(
	    req, "%s cannot go from '%s' to '%s'; allowed: %s%s", state->number, state->status, to,
	    text, xf_status_parse(to) == XF_STATUS_ACTIVATED ? " (activate with /activate)" : "");
	free(text);
	json_t *error = json_pack("{s:s, s:s, s:s, s:o}", "code", "conflict", "message", message,
	                          "field", "to", "allowed", list);
	xf_reply_json(req, 409, json_pack("{s:o}", "error", error));
}

/* Open recurring progress reports end when the incident is no longer handled on
 * the ground (from evaluation on). */
static int stop_progress_reports(xf_db *db, int64_t incident_id, int64_t now)
{
	xf_task_row *rows;
	size_t n;
	int rc = xf_store_tasks_open(db, incident_id, &rows, &n);
	for (size_t i = 0; rc == XF_OK && i < n; i++)
		if (strcmp(rows[i].kind, "recurring") == 0)
			rc = xf_store_task_update(db, rows[i].id, "skipped", rows[i].assignee_id,
			                          NULL, "事件进入总结评价阶段，定期汇报结束", now);
	free(rows);
	return rc;
}

/* Inside the transaction: the life cycle allows the move from the incident's status to
 * target, and closing is enforced (issue 9 item 7: an issued final report and a
 * completed evaluation before `reported`, the closing steps and no open work before
 * `archived`); answers 409 (or the store error) and returns false otherwise. */
static bool transition_allowed(xf_req *req, xf_db *db, const xf_incident_state *state,
                               const char *to, xf_status target)
{
	int from = xf_status_parse(state->status);
	if (from < 0 || !xf_status_can((xf_status)from, target, state->procedure[0])) {
		reply_not_allowed(req, state, to);
		return false;
	}
	json_t *missing = NULL;
	int rc = xf_closing_missing(db, state, target, &missing);
	if (rc == XF_OK && !missing)
		return true;
	if (missing)
		xf_closing_reply_missing(req, state, to, missing);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

/* Withdraws a mistaken registration (作废), marked with its reason and who withdrew it. */
static int withdraw_registration(xf_req *req, xf_db *db, const xf_actor *actor,
                                 const xf_incident_state *state, const char *to, const char *reason,
                                 int64_t now)
{
	char at[XF_TIME_LEN];
	xf_time_format(now, at);
	json_t *mark = json_pack("{s:s, s:s, s:s, s:s}", "reason", reason, "by", req->user.username,
	                         "by_name", req->user.name, "at", at);
	int rc = xf_store_incident_withdraw(db, state->id, mark, now);
	json_decref(mark);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, actor, "incident.withdraw", "incident", xf_api_id_text(req, state->id),
		    json_pack("{s:s, s:s, s:s, s:s}", "summary",
		              xf_arena_printf(&req->arena, "登记作废；理由：%s", reason), "from",
		              state->status, "to", to, "reason", reason));
	return rc;
}

/* Moves the incident to target: open progress reports end once it is no longer handled
 * on the ground, and archiving seals (issue 9 item 8: the snapshot's hash, in the same
 * transaction). */
static int move_status(xf_req *req, xf_db *db, const xf_actor *actor,
                       const xf_incident_state *state, const char *to, xf_status target,
                       const char *reason, int64_t now)
{
	int rc = xf_store_incident_set_status(db, state->id, to, now);
	if (rc == XF_OK && !xf_status_reports_progress(target))
		rc = stop_progress_reports(db, state->id, now);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, actor, "incident.transition", "incident", xf_api_id_text(req, state->id),
		    json_pack("{s:s, s:s, s:s, s:s}", "summary",
		              xf_arena_printf(&req->arena, "状态：%s → %s%s%s",
		                              xf_status_zh(xf_api_status(state)),
		                              xf_status_zh(target), reason[0] ? "；" : "", reason),
		              "from", state->status, "to", to, "reason", reason));
	if (rc == XF_OK && target == XF_STATUS_ARCHIVED)
		rc = xf_seal_incident(db, actor, state->id, NULL);
	return rc;
}

void xf_api_incidents_transition(xf_req *req)
{
	static const char *const fields[] = {"to", "reason", NULL};
	xf_field_error err;
	const char *to, *reason = "";
	int64_t id;
	xf_incident_state state;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	if (xf_json_choice(body, "to", true, xf_status_ids, &to, &err) != XF_OK ||
	    xf_json_string(body, "reason", false, 0, 500, &reason, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_status target = (xf_status)xf_status_parse(to);
	/* Withdrawing a mistaken registration (作废) needs its reason. */
	bool withdraw = target == XF_STATUS_WITHDRAWN;
	if (withdraw && strlen(reason) < 2) {
		xf_reply_error(req, 400, "invalid_field", "reason",
		               "'reason' is required to withdraw a registration");
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin_incident(req, db, id, &state))
		return;
	if (!transition_allowed(req, db, &state, to, target)) {
		xf_tx_rollback(db);
		return;
	}
	int64_t now = xf_now_ms();
	int rc = withdraw ? withdraw_registration(req, db, &actor, &state, to, reason, now)
	                  : move_status(req, db, &actor, &state, to, target, reason, now);
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_incident_reply(req, db, id, 200);
}
