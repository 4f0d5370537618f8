/* GET /matters?due=soon|overdue: the matters (诉求) near or past their legal deadline
 * (acceptance within 15 days of receipt, conclusion within 60 days of acceptance,
 * 《信访工作条例》 Art. 22, 34) among those the caller may see, for the leader's wall and
 * the petition office's follow-up. Creating and updating a matter stays with its
 * person (persons.c). */
#include "api/xf_api.h"
#include "core/xf_matter.h"

#include <string.h>

#define DUE_DAYS_MAX 60

static void xf_api_matters_due(xf_req *req)
{
	const char *due = xf_req_query(req, "due");
	int64_t within_days;
	bool soon = due && strcmp(due, "soon") == 0;
	if (!soon && !(due && strcmp(due, "overdue") == 0)) {
		xf_reply_error(req, 400, "bad_request", "due", "'due' must be 'soon' or 'overdue'");
		return;
	}
	if (!xf_api_query_int(req, "within_days", 0, DUE_DAYS_MAX, 3, &within_days))
		return;
	if (!soon)
		within_days = 0;
	xf_db *db = xf_db_get();
	xf_viewer viewer = xf_api_viewer(req);
	int64_t now = xf_now_ms();
	/* Overdue: due before now; soon: due within the days given, or already past. */
	int64_t until = xf_matter_due_until(now, soon, (int)within_days);
	json_t *list;
	int rc = xf_store_matters_due(db, &viewer, now, until, &list);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	char at[XF_TIME_LEN];
	xf_time_format(now, at);
	xf_reply_json(req, 200,
	              json_pack("{s:s, s:s, s:I, s:I, s:o}", "now", at, "due",
	                        soon ? "soon" : "overdue", "within_days", (json_int_t)within_days,
	                        "count", (json_int_t)json_array_size(list), "matters", list));
}

static const xf_route routes[] = {
    {"GET", "/matters", XF_PERM_PERSON_READ, 0, xf_api_matters_due},
};

const xf_route_list xf_routes_matters = {routes, XF_ARRAY_LEN(routes)};
