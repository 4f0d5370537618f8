/* The session resource: sign in (with throttling), who am I, sign out, change password.
 * Sign-in and password change hash with argon2id and so run on the worker pool. */
#include <stdio.h>
#include <string.h>

#include "api/xf_api.h"
#include "core/xf_password.h"
#include "core/xf_throttle.h"

/* Per account: 5 free failures in 15 minutes, then 30 s doubling up to 15 minutes.
 * Per client address: 20 free failures, then the same waits. The counts are rows of
 * the database (xf_store_throttle_*), so that every process on one database counts
 * the same failures; the tables here hold only the policy. */
static xf_throttle account_throttle, address_throttle;
#define THROTTLE_SLOTS        1 /* the policy's table is not used */
#define SCOPE_ACCOUNT         "account"
#define SCOPE_ADDRESS         "address"
#define ACCOUNT_FREE_FAILURES 5
#define ADDRESS_FREE_FAILURES 20
#define FAILURE_WINDOW_MS     (15 * XF_MINUTE_MS)
#define FIRST_WAIT_MS         (30 * 1000LL)
#define LONGEST_WAIT_MS       (15 * XF_MINUTE_MS)

void xf_api_session_setup(void)
{
	xf_throttle_init(&account_throttle, THROTTLE_SLOTS, ACCOUNT_FREE_FAILURES,
	                 FAILURE_WINDOW_MS, FIRST_WAIT_MS, LONGEST_WAIT_MS);
	xf_throttle_init(&address_throttle, THROTTLE_SLOTS, ADDRESS_FREE_FAILURES,
	                 FAILURE_WINDOW_MS, FIRST_WAIT_MS, LONGEST_WAIT_MS);
}

void xf_api_session_teardown(void)
{
	xf_throttle_free(&account_throttle);
	xf_throttle_free(&address_throttle);
}

static void set_cookie(xf_req *req, const char *token, bool clear)
{
	const xf_api_config *cfg = xf_api_settings_get();
	char *cookie = xf_arena_printf(
	    &req->arena, "xf_session=%s; Path=/; HttpOnly; SameSite=Strict%s%s", clear ? "" : token,
	    clear ? "; Max-Age=0" : "", cfg->secure_cookies ? "; Secure" : "");
	xf_reply_header(req, "Set-Cookie", cookie);
}

static void reply_user(xf_req *req, int64_t user_id, const char *csrf)
{
	xf_db *db = xf_db_get();
	xf_user_row row;
	int rc = xf_store_user_by_id(db, user_id, &row);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 200, json_pack("{s:o, s:s}", "user", xf_user_json(&row), "csrf", csrf));
}

static void reply_throttled(xf_req *req, int64_t wait_ms)
{
	char seconds[24];
	snprintf(seconds, sizeof seconds, "%lld", (long long)((wait_ms + 999) / 1000));
	xf_reply_header(req, "Retry-After", seconds);
	xf_reply_error(req, 429, "throttled", NULL,
	               "too many failed sign-ins; try again in %s seconds", seconds);
}

/* How long key must still wait under policy: XF_OK with *wait, or the store's error. */
static int throttle_wait(xf_db *db, const xf_throttle *policy, const char *scope, const char *key,
                         int64_t now, int64_t *wait)
{
	xf_throttle_row row;
	int rc = xf_store_throttle_get(db, scope, key, &row);
	*wait = 0;
	if (rc == XF_OK)
		*wait = xf_throttle_wait_of(policy, row.failures, row.first_ms, row.last_ms, now);
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

/* Counts a failure of key, in the caller's write transaction: a count whose window has
 * passed (and no wait pending) starts afresh, as core/xf_throttle.h's table does. */
static int throttle_fail(xf_db *db, const xf_throttle *policy, const char *scope, const char *key,
                         int64_t now)
{
	xf_throttle_row row;
	int rc = xf_store_throttle_get(db, scope, key, &row);
	if (rc == XF_NOTFOUND ||
	    (rc == XF_OK &&
	     xf_throttle_lapsed(
	         policy, row.first_ms,
	         xf_throttle_wait_of(policy, row.failures, row.first_ms, row.last_ms, now), now))) {
		row.failures = 0;
		row.first_ms = now;
		rc = XF_OK;
	}
	if (rc != XF_OK)
		return rc;
	row.failures++;
	row.last_ms = now;
	return xf_store_throttle_put(db, scope, key, &row);
}

/* A sign-in is refused while its account or its address is throttled: answers 429 (or
 * the store's error) and returns true then. */
static bool sign_in_throttled(xf_req *req, xf_db *db, const char *account_key,
                              const char *address_key, int64_t now)
{
	int64_t wait, wait_address;
	int rc = throttle_wait(db, &account_throttle, SCOPE_ACCOUNT, account_key, now, &wait);
	if (rc == XF_OK)
		rc = throttle_wait(db, &address_throttle, SCOPE_ADDRESS, address_key, now,
		                   &wait_address);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return true;
	}
	if (wait_address > wait)
		wait = wait_address;
	if (wait <= 0)
		return false;
	reply_throttled(req, wait);
	return true;
}

/* Checks username and password (as long for an unknown user as for a known one):
 * XF_OK with *ok set and row filled, or the store's error. */
static int check_credentials(xf_db *db, const char *username, const char *password,
                             xf_user_row *row, bool *ok)
{
	int rc = xf_store_user_by_username(db, username, row);
	if (rc != XF_OK && rc != XF_NOTFOUND)
		return rc;
	if (rc == XF_NOTFOUND) {
		xf_password_verify_dummy(password);
		*ok = false;
	} else {
		*ok = xf_password_verify(row->password_hash, password) && !row->user.disabled;
	}
	sodium_memzero(row->password_hash, sizeof row->password_hash);
	return XF_OK;
}

/* A failed sign-in: counted against the account and the address, logged, answered 401. */
static void sign_in_failed(xf_req *req, xf_db *db, const xf_actor *actor, const char *username,
                           const char *account_key, const char *address_key, int64_t now)
{
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = throttle_fail(db, &account_throttle, SCOPE_ACCOUNT, account_key, now);
	if (rc == XF_OK)
		rc = throttle_fail(db, &address_throttle, SCOPE_ADDRESS, address_key, now);
	/* Counts that no longer matter (window and longest wait past) are forgotten. */
	if (rc == XF_OK)
		rc = xf_store_throttle_purge(db, now - FAILURE_WINDOW_MS - LONGEST_WAIT_MS);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, actor, "session.login_failed", "user", username,
		    json_pack("{s:s, s:s}", "username", username, "address", req->client_addr));
	if (!xf_api_finish(req, db, rc))
		return;
	xf_reply_error(req, 401, "bad_credentials", NULL, "wrong username or password");
}

/* Stores a new session of user (purging the ended ones), sets its cookie, answers. */
static void start_session(xf_req *req, xf_db *db, const xf_user *user, const xf_actor *actor,
                          const char *account_key, int64_t now)
{
	char token[XF_TOKEN_LEN], csrf[XF_TOKEN_LEN], digest[XF_TOKEN_DIGEST_LEN];
	int64_t session_id;
	xf_token_new(token);
	xf_token_new(csrf);
	xf_token_digest(token, digest);
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_session_purge(db, now, xf_api_settings_get()->session_idle_ms,
		                            xf_api_settings_get()->session_absolute_ms);
	if (rc == XF_OK)
		rc = xf_store_throttle_clear(db, SCOPE_ACCOUNT, account_key);
	if (rc == XF_OK)
		rc = xf_store_session_create(db, user->id, digest, csrf, now, &session_id);
	if (rc == XF_OK)
		rc = xf_audit_append(db, actor, "session.login", "user",
		                     xf_api_id_text(req, user->id),
		                     json_pack("{s:s}", "address", req->client_addr));
	if (!xf_api_finish(req, db, rc))
		return;
	set_cookie(req, token, false);
	sodium_memzero(token, sizeof token);
	reply_user(req, user->id, csrf);
}

static void xf_api_session_create(xf_req *req)
{
	static const char *const fields[] = {"username", "password", NULL};
	xf_field_error err;
	const char *username, *password;
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return;
	if (xf_json_string(body, "username", true, 1, 64, &username, &err) != XF_OK ||
	    xf_json_string(body, "password", true, 1, 256, &password, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return;
	}
	char account_key[80], address_key[80];
	snprintf(account_key, sizeof account_key, "%s", username);
	snprintf(address_key, sizeof address_key, "%s", req->client_addr);
	int64_t now = xf_now_ms();
	xf_db *db = xf_db_get();
	if (sign_in_throttled(req, db, account_key, address_key, now))
		return;
	xf_user_row row;
	bool ok;
	int rc = check_credentials(db, username, password, &row, &ok);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_actor actor = {.id = ok ? row.user.id : 0,
	                  .name = ok ? row.user.username : "anonymous",
	                  .request_id = req->request_id};
	if (!ok) {
		sign_in_failed(req, db, &actor, username, account_key, address_key, now);
		return;
	}
	start_session(req, db, &row.user, &actor, account_key, now);
}

static void xf_api_session_get(xf_req *req)
{
	reply_user(req, req->user.id, req->user.csrf);
}

static void xf_api_session_delete(xf_req *req)
{
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_session_delete(db, req->user.session_id);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "session.logout", "user",
		                     xf_api_id_text(req, req->user.id), NULL);
	if (!xf_api_finish(req, db, rc))
		return;
	set_cookie(req, "", true);
	xf_reply_status(req, 204);
}

static void xf_api_session_password(xf_req *req)
{
	static const char *const fields[] = {"old_password", "new_password", NULL};
	xf_field_error err;
	const char *old_password, *new_password;
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return;
	if (xf_json_string(body, "old_password", true, 1, 256, &old_password, &err) != XF_OK ||
	    xf_json_string(body, "new_password", true, 0, 1000, &new_password, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return;
	}
	int64_t now = xf_now_ms();
	int64_t wait;
	xf_db *db = xf_db_get();
	int rc =
	    throttle_wait(db, &account_throttle, SCOPE_ACCOUNT, req->user.username, now, &wait);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	if (wait > 0) {
		reply_throttled(req, wait);
		return;
	}
	xf_user_row row;
	rc = xf_store_user_by_id(db, req->user.id, &row);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	if (!xf_password_verify(row.password_hash, old_password)) {
		rc = xf_tx_begin(db, true);
		if (rc == XF_OK)
			rc = throttle_fail(db, &account_throttle, SCOPE_ACCOUNT, req->user.username,
			                   now);
		if (rc == XF_OK)
			rc = xf_tx_commit(db);
		if (rc != XF_OK) {
			xf_tx_rollback(db);
			xf_api_store_error(req, db, rc);
			return;
		}
		xf_reply_error(req, 400, "invalid_field", "old_password",
		               "the old password is wrong");
		return;
	}
	const char *problem = xf_password_rule(new_password, old_password, row.user.username);
	if (problem) {
		xf_reply_error(req, 400, "invalid_field", "new_password", "the new password %s",
		               problem);
		return;
	}
	char hash[XF_PASSWORD_HASH_LEN];
	xf_password_hash(new_password, hash);
	xf_actor actor = xf_api_actor(req);
	rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_user_set_password(db, req->user.id, hash, false);
	if (rc == XF_OK)
		rc = xf_store_session_delete_user(db, req->user.id, req->user.session_id);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "user.password_change", "user",
		                     xf_api_id_text(req, req->user.id), NULL);
	if (!xf_api_finish(req, db, rc))
		return;
	xf_reply_status(req, 204);
}

static const xf_route routes[] = {
    {"POST", "/session", XF_PERM_PUBLIC, XF_ROUTE_SLOW | XF_ROUTE_NO_CSRF, xf_api_session_create},
    {"GET", "/session", XF_PERM_SIGNED_IN, XF_ROUTE_PASSWORD_CHANGE, xf_api_session_get},
    {"DELETE", "/session", XF_PERM_SIGNED_IN, XF_ROUTE_PASSWORD_CHANGE, xf_api_session_delete},
    {"POST", "/session/password", XF_PERM_SIGNED_IN, XF_ROUTE_SLOW | XF_ROUTE_PASSWORD_CHANGE,
     xf_api_session_password},
};

const xf_route_list xf_routes_session = {routes, XF_ARRAY_LEN(routes)};
