/* The group company's 信访办 (role company) over all its mines (issue 11 item 4): the
 * group dashboard of every mine's active incidents, the reports the mines issued
 * (首报, 续报, 终报) as its inbox, and their acknowledgement, which the mine sees on its
 * report ("acknowledgement"); and a mine's own plan, set by an administrator
 * (api/plans.c: xf_plans_for_mine). The rows come from store/xf_store_mines.h. */
#include <string.h>

#include "api/xf_api.h"
#include "store/xf_store_mines.h"
#include "store/xf_store_reports.h"

#define DASHBOARD_MAX 500
#define INBOX_MAX     200

/* The group's 信访办: false, having answered 403, for anyone else. */
static bool company(xf_req *req)
{
	if (req->user.roles & 1u << XF_ROLE_COMPANY)
		return true;
	xf_reply_error(req, 403, "forbidden", NULL, "only the company petition office may do this");
	return false;
}

static void xf_api_group_dashboard(xf_req *req)
{
	if (!company(req))
		return;
	xf_db *db = xf_db_get();
	json_t *mines = NULL, *incidents = NULL;
	int rc = xf_store_mine_list(db, &mines);
	if (rc == XF_OK)
		rc = xf_store_group_active(db, DASHBOARD_MAX, &incidents);
	if (rc != XF_OK) {
		json_decref(mines);
		xf_api_store_error(req, db, rc);
		return;
	}
	/* Elapsed since it happened (发生时间; the registration when not given), in seconds. */
	int64_t now = xf_now_ms();
	size_t i;
	json_t *o;
	json_array_foreach(incidents, i, o)
	{
		int64_t since = json_integer_value(json_object_get(o, "occurred_ms"));
		json_object_set_new(o, "elapsed_s",
		                    json_integer(now > since ? (now - since) / 1000 : 0));
		json_object_del(o, "occurred_ms");
	}
	char at[XF_TIME_LEN];
	xf_time_format(now, at);
	xf_reply_json(
	    req, 200,
	    json_pack("{s:s, s:o, s:o}", "at", at, "mines", mines, "incidents", incidents));
}

static void xf_api_group_reports(xf_req *req)
{
	if (!company(req))
		return;
	const char *pending = xf_req_query(req, "pending");
	int64_t limit;
	if (!xf_api_query_int(req, "limit", 1, INBOX_MAX, 100, &limit))
		return;
	xf_db *db = xf_db_get();
	json_t *reports;
	int rc =
	    xf_store_group_reports(db, pending && strcmp(pending, "1") == 0, (int)limit, &reports);
	xf_api_reply_list(req, db, rc, "reports", reports);
}

static void xf_api_group_report_acknowledge(xf_req *req)
{
	static const char *const fields[] = {NULL};
	int64_t id;
	if (!company(req) || !xf_api_path_body(req, fields, &id))
		return;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db))
		return;
	int64_t now = xf_now_ms();
	int rc = xf_store_report_acknowledge(db, id, req->user.id, now);
	if (rc == XF_NOTFOUND || rc == XF_CONFLICT) {
		xf_tx_rollback(db);
		if (rc == XF_NOTFOUND)
			xf_reply_error(req, 404, "not_found", NULL,
			               "there is no issued first, follow-up or final report %lld",
			               (long long)id);
		else
			xf_reply_error(req, 409, "conflict", NULL,
			               "report %lld was acknowledged already", (long long)id);
		return;
	}
	json_t *report = NULL;
	if (rc == XF_OK)
		rc = xf_store_report_json(db, id, &report);
	/* On the incident's timeline, where the mine sees it. */
	if (rc == XF_OK) {
		const char *number = json_string_value(json_object_get(report, "number"));
		rc = xf_audit_append(
		    db, &actor, "report.acknowledge", "incident",
		    xf_api_id_text(req, json_integer_value(json_object_get(report, "incident_id"))),
		    json_pack("{s:I, s:s, s:s}", "report_id", (json_int_t)id, "kind",
		              json_string_value(json_object_get(report, "kind")), "summary",
		              xf_arena_printf(&req->arena, "公司信访办已签收报告%s",
		                              number ? number : "")));
	}
	json_decref(report);
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_report_json, id, NULL, 200);
}

/* PUT /mines/{id}/plan: the plan file as the body (as `xinfang plan check` reads it),
 * validated, stored by its hash and attached to the mine; its new registrations run
 * under it. DELETE: back to the deployment's plan. */
static void set_mine_plan(xf_req *req, bool attach)
{
	int64_t id, plan_id = 0;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_plan *plan = NULL;
	const char *bytes = req->body.data ? req->body.data : "";
	if (attach) {
		xf_plan_errors errors;
		plan = xf_plan_load(bytes, req->body.len, &errors);
		if (!plan) {
			xf_reply_error(req, 400, "bad_request", NULL, "the plan is invalid: %s",
			               errors.n ? errors.items[0] : "?");
			return;
		}
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	int rc = xf_api_begin(req, db) ? XF_OK : XF_ERR;
	if (rc == XF_OK && plan)
		rc = xf_store_plan_register(db, plan->hash, plan->id, plan->title, bytes, &plan_id);
	if (rc == XF_OK && (rc = xf_store_mine_set_plan(db, id, plan_id)) == XF_NOTFOUND) {
		xf_tx_rollback(db);
		xf_reply_error(req, 404, "not_found", NULL, "there is no mine %lld", (long long)id);
		xf_plan_free(plan);
		return;
	}
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "mine.plan", "unit", xf_api_id_text(req, id),
		                     plan ? json_pack("{s:I, s:s, s:s}", "plan_id",
		                                      (json_int_t)plan_id, "hash", plan->hash,
		                                      "title", plan->title)
		                          : json_pack("{s:n}", "plan_id"));
	if (rc != XF_ERR && xf_api_finish(req, db, rc))
		xf_reply_json(
		    req, 200,
		    json_pack("{s:I, s:o}", "mine_id", (json_int_t)id, "plan",
		              plan ? json_pack("{s:I, s:s, s:s}", "id", (json_int_t)plan_id, "hash",
		                               plan->hash, "title", plan->title)
		                   : json_null()));
	xf_plan_free(plan);
}

static void xf_api_mine_plan_put(xf_req *req)
{
	set_mine_plan(req, true);
}

static void xf_api_mine_plan_delete(xf_req *req)
{
	set_mine_plan(req, false);
}

static const xf_route routes[] = {
    {"GET", "/group/dashboard", XF_PERM_INCIDENT_READ, 0, xf_api_group_dashboard},
    {"GET", "/group/reports", XF_PERM_INCIDENT_READ, 0, xf_api_group_reports},
    {"POST", "/group/reports/{id}/acknowledge", XF_PERM_INCIDENT_READ, 0,
     xf_api_group_report_acknowledge},
    {"PUT", "/mines/{id}/plan", XF_PERM_UNIT_WRITE, 0, xf_api_mine_plan_put},
    {"DELETE", "/mines/{id}/plan", XF_PERM_UNIT_WRITE, 0, xf_api_mine_plan_delete},
};

const xf_route_list xf_routes_group = {routes, XF_ARRAY_LEN(routes)};
