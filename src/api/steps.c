/* Steps that many handlers take the same way (declared in api/xf_api.h, "Shared steps"):
 * an incident's status as the life cycle's enum, the incident named by the path, and an
 * answer that is one stored object (or an incident's list of them) as the store reads it. */
#include "api/xf_api.h"

xf_status xf_api_status(const xf_incident_state *state)
{
	int status = xf_status_parse(state->status);
	/* The store writes only xf_status_ids, so every stored status parses. */
	return status < 0 ? XF_STATUS_REGISTERED : (xf_status)status;
}

bool xf_api_path_incident(xf_req *req, xf_db *db, int64_t *id, xf_incident_state *state)
{
	return xf_api_path_id(req, "id", id) && xf_api_incident(req, db, *id, state);
}

json_t *xf_api_path_body(xf_req *req, const char *const *fields, int64_t *id)
{
	return xf_api_path_id(req, "id", id) ? xf_api_body(req, fields) : NULL;
}

void xf_api_incident_get(xf_req *req, xf_api_reply_fn reply)
{
	int64_t id;
	xf_incident_state state;
	xf_db *db = xf_db_get();
	if (xf_api_path_incident(req, db, &id, &state))
		reply(req, db, id, 200);
}

void xf_api_reply_read(xf_req *req, xf_db *db, xf_api_read_fn read, int64_t id, const char *key,
                       int status)
{
	json_t *out;
	int rc = read(db, id, &out);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, key ? json_pack("{s:o}", key, out) : out);
}

void xf_api_incident_sublist(xf_req *req, xf_api_read_fn read, const char *key)
{
	int64_t id;
	xf_incident_state state;
	xf_db *db = xf_db_get();
	if (xf_api_path_incident(req, db, &id, &state))
		xf_api_reply_read(req, db, read, id, key, 200);
}
