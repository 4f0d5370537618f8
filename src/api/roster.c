/* The roster resources (docs/roster.md): the staff roster (花名册), the leadership group
 * (领导小组: 组长/副组长/成员, the positions of the plan's organisation), the duty roster
 * (值班表) with "who is on duty now" and "whom to call now", the department contacts
 * (矿长办公室, 保卫科, 工会, 退休支部, ...) and the CSV import of units and staff.
 * This file holds what they share (xf_roster.h) and the route table; each resource is
 * in its own file, roster_*.c.
 *
 * Reads need roster.read; changes roster.write (the unit import unit.write). Every change
 * is one audit event with a Chinese "summary", in the transaction of the change. */
#include <stdio.h>
#include <string.h>

#include "api/xf_roster.h"

bool xf_roster_staff_exists(xf_req *req, xf_db *db, const char *field, int64_t id, xf_staff *out)
{
	return xf_api_field_found(req, db, xf_store_staff_get(db, id, out), field, "staff member",
	                          id);
}

bool xf_roster_loaded(xf_req *req, xf_db *db, int rc, const char *what, int64_t id)
{
	if (rc != XF_OK)
		xf_tx_rollback(db);
	return xf_api_loaded(req, db, rc, what, id);
}

int xf_roster_audit(xf_req *req, xf_db *db, const char *action, const char *object_type, int64_t id,
                    json_t *data, const char *summary)
{
	xf_actor actor = xf_api_actor(req);
	json_object_set_new(data, "summary", json_string(summary));
	return xf_audit_append(db, &actor, action, object_type, xf_api_id_text(req, id), data);
}

int xf_roster_audit_after(xf_req *req, xf_db *db, int rc, const char *action,
                          const char *object_type, int64_t id, json_t *data, const char *summary)
{
	if (rc != XF_OK) {
		json_decref(data);
		return rc;
	}
	return xf_roster_audit(req, db, action, object_type, id, data, summary);
}

void xf_roster_take_text(json_t *changes, const char *key, const char *value, char *dst,
                         size_t size)
{
	if (!value || strcmp(dst, value) == 0)
		return;
	snprintf(dst, size, "%s", value);
	json_object_set_new(changes, key, json_string(value));
}

void xf_roster_take_id(json_t *changes, const char *key, int has, int64_t value, int64_t *dst)
{
	if (has != XF_OK || *dst == value)
		return;
	*dst = value;
	json_object_set_new(changes, key, value ? json_integer(value) : json_null());
}

bool xf_roster_unchanged(xf_db *db, json_t *changes)
{
	if (json_object_size(changes) != 0)
		return false;
	json_decref(changes);
	xf_tx_rollback(db);
	return true;
}

void xf_roster_reply_row(xf_req *req, xf_db *db, int rc, json_t *list, int status)
{
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, status, json_incref(json_array_get(list, 0)));
	json_decref(list);
}

static const xf_route routes[] = {
    {"GET", "/staff", XF_PERM_ROSTER_READ, 0, xf_api_staff_list},
    {"POST", "/staff", XF_PERM_ROSTER_WRITE, 0, xf_api_staff_create},
    {"PATCH", "/staff/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_staff_update},
    {"DELETE", "/staff/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_staff_delete},
    {"GET", "/leadership", XF_PERM_ROSTER_READ, 0, xf_api_leadership_list},
    {"POST", "/leadership", XF_PERM_ROSTER_WRITE, 0, xf_api_leadership_create},
    {"PATCH", "/leadership/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_leadership_update},
    {"DELETE", "/leadership/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_leadership_delete},
    {"GET", "/duty", XF_PERM_ROSTER_READ, 0, xf_api_duty_list},
    {"GET", "/duty/now", XF_PERM_ROSTER_READ, 0, xf_api_duty_now},
    {"POST", "/duty", XF_PERM_ROSTER_WRITE, 0, xf_api_duty_create},
    {"DELETE", "/duty/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_duty_delete},
    {"GET", "/contacts", XF_PERM_ROSTER_READ, 0, xf_api_contacts_list},
    {"POST", "/contacts", XF_PERM_ROSTER_WRITE, 0, xf_api_contacts_create},
    {"PATCH", "/contacts/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_contacts_update},
    {"DELETE", "/contacts/{id}", XF_PERM_ROSTER_WRITE, 0, xf_api_contacts_delete},
    {"POST", "/imports/units", XF_PERM_UNIT_WRITE, 0, xf_api_import_units},
    {"POST", "/imports/staff", XF_PERM_ROSTER_WRITE, 0, xf_api_import_staff},
};

const xf_route_list xf_routes_roster = {routes, XF_ARRAY_LEN(routes)};
