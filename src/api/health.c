/* GET /health: liveness for load balancers and tests; needs no session, reads nothing. */
#include "api/xf_api.h"

static void xf_api_health_get(xf_req *req)
{
	char now[XF_TIME_LEN];
	xf_time_format(xf_now_ms(), now);
	xf_reply_json(
	    req, 200,
	    json_pack("{s:s, s:s, s:s}", "status", "ok", "version", XF_VERSION, "time", now));
}

static const xf_route routes[] = {
    {"GET", "/health", XF_PERM_PUBLIC, XF_ROUTE_INLINE, xf_api_health_get},
};

const xf_route_list xf_routes_health = {routes, XF_ARRAY_LEN(routes)};
