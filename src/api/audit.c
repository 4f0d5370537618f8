/* The audit resource: paging through the hash-chained event log and verifying it. */
#include "api/xf_api.h"

static void xf_api_audit_list(xf_req *req)
{
	int64_t after, limit, next_after;
	if (!xf_api_query_int(req, "after", 0, INT64_MAX, 0, &after) ||
	    !xf_api_query_int(req, "limit", 1, 500, 100, &limit))
		return;
	xf_db *db = xf_db_get();
	json_t *events;
	int rc = xf_audit_page(db, after, (int)limit, &events, &next_after);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 200,
	              json_pack("{s:o, s:o}", "events", events, "next_after",
	                        next_after ? json_integer(next_after) : json_null()));
}

static void xf_api_audit_verify(xf_req *req)
{
	xf_db *db = xf_db_get();
	xf_audit_walk walk;
	int rc = xf_tx_begin(db, false);
	if (rc == XF_OK)
		rc = xf_audit_verify(db, &walk);
	xf_tx_rollback(db);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	if (walk.bad_seq) {
		xf_reply_json(req, 200,
		              json_pack("{s:b, s:I, s:I, s:s}", "ok", 0, "count",
		                        (json_int_t)walk.count, "bad_seq", (json_int_t)walk.bad_seq,
		                        "problem", walk.problem));
		return;
	}
	char head[XF_HASH_HEX_LEN];
	xf_hex_encode(walk.head, XF_HASH_LEN, head);
	xf_reply_json(
	    req, 200,
	    json_pack("{s:b, s:I, s:s}", "ok", 1, "count", (json_int_t)walk.count, "head", head));
}

static const xf_route routes[] = {
    {"GET", "/audit", XF_PERM_AUDIT_READ, 0, xf_api_audit_list},
    {"GET", "/audit/verify", XF_PERM_AUDIT_READ, XF_ROUTE_SLOW, xf_api_audit_verify},
};

const xf_route_list xf_routes_audit = {routes, XF_ARRAY_LEN(routes)};
