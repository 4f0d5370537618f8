/* GET /directory: people found by name, unit and role, for every place that assigns
 * or schedules someone (包保 officials, meeting attendees, task assignees, roster
 * links), so that nobody has to know a user number. Phone numbers only for callers
 * who may read the rosters. */
#include "api/xf_api.h"

#include <stdlib.h>

#include "util/xf_utf8.h"

#define DIRECTORY_LIMIT_MAX 50

static void xf_api_directory_get(xf_req *req)
{
	const char *q = xf_req_query(req, "q");
	const char *role_id = xf_req_query(req, "role");
	int64_t unit_id, limit;
	if (q && xf_utf8_chars(q) > 50) {
		xf_reply_error(req, 400, "bad_request", "q", "'q' must be at most 50 characters");
		return;
	}
	int role = -1;
	if (role_id && *role_id && (role = xf_role_parse(role_id)) < 0) {
		xf_reply_error(req, 400, "bad_request", "role", "'%s' is not a role", role_id);
		return;
	}
	if (!xf_api_query_int(req, "unit_id", 0, INT64_MAX, 0, &unit_id) ||
	    !xf_api_query_int(req, "limit", 1, DIRECTORY_LIMIT_MAX, 20, &limit))
		return;
	xf_db *db = xf_db_get();
	xf_directory_row *rows;
	size_t n;
	int rc = xf_store_directory(db, q, role, unit_id, (int)limit, &rows, &n);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	bool phones = xf_perm_allows(req->user.roles, XF_PERM_ROSTER_READ);
	json_t *people = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *roles = json_array();
		for (int r = 0; r < XF_ROLE_COUNT; r++)
			if (rows[i].roles & (1u << r))
				json_array_append_new(roles, json_string(xf_role_id((xf_role)r)));
		json_t *person =
		    json_pack("{s:I, s:s, s:I, s:s, s:o}", "id", (json_int_t)rows[i].id, "name",
		              rows[i].name, "unit_id", (json_int_t)rows[i].unit_id, "unit_name",
		              rows[i].unit_name, "roles", roles);
		if (person && phones)
			json_object_set_new(person, "phone", json_string(rows[i].phone));
		json_array_append_new(people, person);
	}
	free(rows);
	xf_reply_json(req, 200, json_pack("{s:o}", "people", people));
}

static const xf_route routes[] = {
    {"GET", "/directory", XF_PERM_DIRECTORY_READ, 0, xf_api_directory_get},
};

const xf_route_list xf_routes_directory = {routes, XF_ARRAY_LEN(routes)};
