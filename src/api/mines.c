/* Rosters per mine (issue 11 item 4): a user of one mine among many reads the staff,
 * leadership group, duty roster and contacts of their own mine only. The rosters keep
 * their rows as before; the readers in roster_*.c pass their lists through here. */
#include <stdlib.h>

#include "api/xf_api.h"
#include "store/xf_store_mines.h"

int64_t xf_api_roster_mine(const xf_req *req)
{
	const xf_user *u = &req->user;
	return u->mine_in_group && !(u->roles & 1u << XF_ROLE_COMPANY) ? u->mine_id : 0;
}

static bool listed(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

int xf_api_keep_mine_rows(xf_req *req, xf_db *db, json_t *list, const char *key)
{
	int64_t mine = xf_api_roster_mine(req);
	if (!mine || !json_is_array(list))
		return XF_OK;
	int64_t *units = NULL;
	size_t n = 0;
	int rc = xf_store_unit_subtree(db, mine, &units, &n);
	if (rc != XF_OK)
		return rc;
	for (size_t i = json_array_size(list); rc == XF_OK && i > 0; i--) {
		json_t *row = json_array_get(list, i - 1);
		int64_t unit = 0;
		if (key) {
			json_t *v = json_object_get(row, key);
			if (json_is_null(v)) /* a contact of no unit: the deployment's own */
				continue;
			unit = json_integer_value(v);
		} else {
			rc = xf_store_roster_unit(
			    db, json_integer_value(json_object_get(row, "staff_id")),
			    json_integer_value(json_object_get(row, "user_id")), &unit);
		}
		if (rc == XF_OK && !listed(units, n, unit))
			json_array_remove(list, i - 1);
	}
	free(units);
	return rc;
}
