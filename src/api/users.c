/* The user resource (accounts, roles, unit, disabling, password reset) and the role
 * list. Creating a user and resetting a password hash a one-time password, so those
 * run on the worker pool; the one-time password is shown once, in the answer. */
#include <string.h>

#include "api/xf_api.h"
#include "core/xf_account.h"
#include "core/xf_csv.h"
#include "notify/xf_notify.h"
#include "store/xf_store_channels.h"

static void xf_api_roles_list(xf_req *req)
{
	json_t *roles = json_array();
	for (int r = 0; r < XF_ROLE_COUNT; r++)
		json_array_append_new(
		    roles, json_pack("{s:s, s:s, s:s}", "id", xf_role_id((xf_role)r), "zh",
		                     xf_role_zh((xf_role)r), "en", xf_role_en((xf_role)r)));
	xf_reply_json(req, 200, json_pack("{s:o}", "roles", roles));
}

static void xf_api_users_list(xf_req *req)
{
	xf_db *db = xf_db_get();
	json_t *users;
	int rc = xf_store_user_list(db, &users);
	xf_api_reply_list(req, db, rc, "users", users);
}

/* Loads user id; answers 404 (or the store error) and returns false when it cannot. */
static bool load_user(xf_req *req, xf_db *db, int64_t id, xf_user_row *row)
{
	return xf_api_loaded(req, db, xf_store_user_by_id(db, id, row), "user", id);
}

/* A user as answered, with the email address notifications reach (issue 12). */
static json_t *user_answer(xf_db *db, const xf_user_row *row)
{
	char email[256] = "";
	json_t *u = xf_user_json(row);
	if (xf_store_user_email(db, row->user.id, email, sizeof email) == XF_OK)
		json_object_set_new(u, "email", json_string(email));
	return u;
}

/* Answers 400 unless email (NULL: not given; "": none) is an address. */
static bool email_ok(xf_req *req, const char *email)
{
	if (!email || !*email || xf_notify_email_ok(email))
		return true;
	xf_reply_error(req, 400, "invalid_field", "email", "'%s' must be an email address",
	               "email");
	return false;
}

static void xf_api_users_get(xf_req *req)
{
	int64_t id;
	xf_user_row row;
	if (!xf_api_path_id(req, "id", &id) || !load_user(req, xf_db_get(), id, &row))
		return;
	xf_reply_json(req, 200, user_answer(xf_db_get(), &row));
}

/* A new one-time password and its hash (creating a user, resetting a password). */
static void one_time_password(char one_time[XF_ONE_TIME_LEN], char hash[XF_PASSWORD_HASH_LEN])
{
	xf_password_one_time(one_time);
	xf_password_hash(one_time, hash);
}

static json_t *roles_json(xf_roles roles)
{
	json_t *list = json_array();
	for (int r = 0; r < XF_ROLE_COUNT; r++)
		if (roles & (1u << r))
			json_array_append_new(list, json_string(xf_role_id((xf_role)r)));
	return list;
}

static void xf_api_users_create(xf_req *req)
{
	static const char *const fields[] = {"username", "name",  "unit_id", "roles",
	                                     "phone",    "email", NULL};
	xf_field_error err;
	const char *username, *name, *phone = "", *email = NULL;
	int64_t unit_id, id;
	uint32_t roles;
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return;
	if (xf_json_string(body, "username", true, 2, 32, &username, &err) != XF_OK ||
	    xf_json_string(body, "name", true, 1, 64, &name, &err) != XF_OK ||
	    xf_json_int(body, "unit_id", true, 1, INT64_MAX, &unit_id, &err) != XF_OK ||
	    xf_json_choice_set(body, "roles", true, xf_role_ids, &roles, &err) != XF_OK ||
	    xf_json_string(body, "phone", false, 0, 32, &phone, &err) == XF_ERR ||
	    xf_json_string(body, "email", false, 0, 254, &email, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!xf_api_phone_ok(req, "phone", phone) || !email_ok(req, email))
		return;
	if (!xf_username_valid(username)) {
		xf_reply_error(req, 400, "invalid_field", "username",
		               "'username' must be 2 to 32 characters of a-z, 0-9, '.', '_', '-', "
		               "starting with a letter");
		return;
	}
	if (!roles) {
		xf_reply_error(req, 400, "invalid_field", "roles",
		               "'roles' must name at least one role");
		return;
	}
	char one_time[XF_ONE_TIME_LEN], hash[XF_PASSWORD_HASH_LEN];
	one_time_password(one_time, hash);

	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db))
		return;
	if (!xf_api_unit_exists(req, db, "unit_id", unit_id, NULL, 0)) {
		xf_tx_rollback(db);
		return;
	}
	int rc = xf_store_user_insert(db, username, name, unit_id, phone, roles, hash, true, &id);
	if (rc == XF_CONFLICT) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", "username", "the username '%s' is taken",
		               username);
		return;
	}
	if (rc == XF_OK && email)
		rc = xf_store_user_set_email(db, id, email);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "user.create", "user", xf_api_id_text(req, id),
		                     json_pack("{s:s, s:s, s:I, s:o}", "username", username, "name",
		                               name, "unit_id", (json_int_t)unit_id, "roles",
		                               roles_json(roles)));
	if (!xf_api_finish(req, db, rc))
		return;
	xf_user_row row;
	if (!load_user(req, db, id, &row))
		return;
	xf_reply_json(
	    req, 201,
	    json_pack("{s:o, s:s}", "user", user_answer(db, &row), "one_time_password", one_time));
	sodium_memzero(one_time, sizeof one_time);
}

static void xf_api_users_update(xf_req *req)
{
	static const char *const fields[] = {"name",  "unit_id", "roles", "disabled",
	                                     "phone", "email",   NULL};
	xf_field_error err;
	const char *name = NULL, *phone = NULL, *email = NULL;
	int64_t id, unit_id = 0;
	uint32_t roles = 0;
	bool disabled = false;
	int has_roles, has_disabled;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	if (xf_json_string(body, "name", false, 1, 64, &name, &err) == XF_ERR ||
	    xf_json_int(body, "unit_id", false, 1, INT64_MAX, &unit_id, &err) == XF_ERR ||
	    (has_roles = xf_json_choice_set(body, "roles", false, xf_role_ids, &roles, &err)) ==
	        XF_ERR ||
	    (has_disabled = xf_json_bool(body, "disabled", false, &disabled, &err)) == XF_ERR ||
	    xf_json_string(body, "phone", false, 0, 32, &phone, &err) == XF_ERR ||
	    xf_json_string(body, "email", false, 0, 254, &email, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!xf_api_phone_ok(req, "phone", phone) || !email_ok(req, email))
		return;
	if (has_roles == XF_OK && !roles) {
		xf_reply_error(req, 400, "invalid_field", "roles",
		               "'roles' must name at least one role");
		return;
	}
	/* An administrator cannot lock themselves out. */
	if (id == req->user.id && has_disabled == XF_OK && disabled) {
		xf_reply_error(req, 409, "conflict", "disabled",
		               "you cannot disable your own account");
		return;
	}
	if (id == req->user.id && has_roles == XF_OK && !(roles & (1u << XF_ROLE_ADMIN))) {
		xf_reply_error(req, 409, "conflict", "roles",
		               "you cannot remove the admin role from your own account");
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	xf_user_row row;
	if (!xf_api_begin(req, db))
		return;
	int rc = XF_OK;
	if (!load_user(req, db, id, &row) ||
	    (unit_id && !xf_api_unit_exists(req, db, "unit_id", unit_id, NULL, 0))) {
		xf_tx_rollback(db);
		return;
	}
	if (name)
		rc = xf_store_user_set_name(db, id, name);
	if (rc == XF_OK && unit_id)
		rc = xf_store_user_set_unit(db, id, unit_id);
	if (rc == XF_OK && phone)
		rc = xf_store_user_set_phone(db, id, phone);
	if (rc == XF_OK && email)
		rc = xf_store_user_set_email(db, id, email);
	if (rc == XF_OK && has_roles == XF_OK)
		rc = xf_store_user_set_roles(db, id, roles);
	if (rc == XF_OK && has_disabled == XF_OK) {
		rc = xf_store_user_set_disabled(db, id, disabled);
		if (rc == XF_OK && disabled)
			rc = xf_store_session_delete_user(db, id, 0);
	}
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "user.update", "user", xf_api_id_text(req, id),
		                     json_incref(body));
	if (!xf_api_finish(req, db, rc) || !load_user(req, db, id, &row))
		return;
	xf_reply_json(req, 200, user_answer(db, &row));
}

static void xf_api_users_reset_password(xf_req *req)
{
	int64_t id;
	xf_user_row row;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_path_id(req, "id", &id))
		return;
	char one_time[XF_ONE_TIME_LEN], hash[XF_PASSWORD_HASH_LEN];
	one_time_password(one_time, hash);
	if (!xf_api_begin(req, db))
		return;
	int rc = XF_OK;
	if (!load_user(req, db, id, &row)) {
		xf_tx_rollback(db);
		return;
	}
	rc = xf_store_user_set_password(db, id, hash, true);
	if (rc == XF_OK)
		rc = xf_store_session_delete_user(db, id, 0);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "user.password_reset", "user",
		                     xf_api_id_text(req, id), NULL);
	if (!xf_api_finish(req, db, rc))
		return;
	xf_reply_json(req, 200, json_pack("{s:s}", "one_time_password", one_time));
	sodium_memzero(one_time, sizeof one_time);
}

static const xf_route routes[] = {
    {"GET", "/roles", XF_PERM_SIGNED_IN, 0, xf_api_roles_list},
    {"GET", "/users", XF_PERM_USER_READ, 0, xf_api_users_list},
    {"POST", "/users", XF_PERM_USER_WRITE, XF_ROUTE_SLOW, xf_api_users_create},
    {"GET", "/users/{id}", XF_PERM_USER_READ, 0, xf_api_users_get},
    {"PATCH", "/users/{id}", XF_PERM_USER_WRITE, 0, xf_api_users_update},
    {"POST", "/users/{id}/password", XF_PERM_USER_WRITE, XF_ROUTE_SLOW,
     xf_api_users_reset_password},
};

const xf_route_list xf_routes_users = {routes, XF_ARRAY_LEN(routes)};
