/* What the roster resources share (docs/roster.md). Each resource has its own file:
 * roster_staff.c (花名册), roster_leadership.c (领导小组), roster_duty.c (值班表),
 * roster_contacts.c (部门联系人) and roster_imports.c (CSV import of units and staff);
 * roster.c holds the helpers below and the one route table, xf_routes_roster.
 *
 * The checks below run inside a transaction: each answers (400 naming the field, or the
 * store error) and returns false when the object is not there; units and users are
 * checked with xf_api_unit_exists() and xf_api_user_exists(). */
#ifndef XF_ROSTER_H
#define XF_ROSTER_H

#include "api/xf_api.h"
#include "store/xf_store_roster.h"

#define XF_ROSTER_TEXT_MAX 64  /* names, positions, labels */
#define XF_ROSTER_NOTE_MAX 500 /* notes */

bool xf_roster_staff_exists(xf_req *req, xf_db *db, const char *field, int64_t id, xf_staff *out);

/* After loading the object in the path inside the transaction: true when rc is XF_OK;
 * otherwise rolls back, answers (404 naming it, or the store error) and returns false. */
bool xf_roster_loaded(xf_req *req, xf_db *db, int rc, const char *what, int64_t id);

/* Appends the event of a change to object_type id with data (taken) and summary. */
int xf_roster_audit(xf_req *req, xf_db *db, const char *action, const char *object_type, int64_t id,
                    json_t *data, const char *summary);
/* The same after a write that returned rc: the event only when rc is XF_OK (data is
 * released otherwise); returns the first failure. */
int xf_roster_audit_after(xf_req *req, xf_db *db, int rc, const char *action,
                          const char *object_type, int64_t id, json_t *data, const char *summary);

/* PATCH: a field that may be set is copied into the row and noted in changes. */
void xf_roster_take_text(json_t *changes, const char *key, const char *value, char *dst,
                         size_t size);
void xf_roster_take_id(json_t *changes, const char *key, int has, int64_t value, int64_t *dst);
/* PATCH that changes nothing: releases changes, rolls back and returns true (the caller
 * answers the object as it is; no event). */
bool xf_roster_unchanged(xf_db *db, json_t *changes);

/* Answers the one row a store listing by id returned in list (or the store error rc). */
void xf_roster_reply_row(xf_req *req, xf_db *db, int rc, json_t *list, int status);

/* The plan's leadership positions (organisation.command.positions), or NULL. */
const json_t *xf_roster_plan_positions(void);

/* The handlers of the route table. */
void xf_api_staff_list(xf_req *req);
void xf_api_staff_create(xf_req *req);
void xf_api_staff_update(xf_req *req);
void xf_api_staff_delete(xf_req *req);
void xf_api_leadership_list(xf_req *req);
void xf_api_leadership_create(xf_req *req);
void xf_api_leadership_update(xf_req *req);
void xf_api_leadership_delete(xf_req *req);
void xf_api_duty_list(xf_req *req);
void xf_api_duty_now(xf_req *req);
void xf_api_duty_create(xf_req *req);
void xf_api_duty_delete(xf_req *req);
void xf_api_contacts_list(xf_req *req);
void xf_api_contacts_create(xf_req *req);
void xf_api_contacts_update(xf_req *req);
void xf_api_contacts_delete(xf_req *req);
void xf_api_import_units(xf_req *req);
void xf_api_import_staff(xf_req *req);

#endif
