/* The route table (gathered from the resource files), session authentication and the
 * helpers all API resources share. */
#include "api/xf_api.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/xf_archive.h"
#include "api/xf_records.h"
#include "core/xf_csv.h"

static xf_api_config settings;
/* How often a session's last activity is written: once a minute, so reads stay reads
 * (XINFANG_SESSION_TOUCH_MS changes it for tests). */
static int64_t touch_interval_ms = 60 * 1000;

/* Every resource's routes; a new resource file adds its list here. */
static const xf_route_list *const route_lists[] = {
    &xf_routes_health,    &xf_routes_session,       &xf_routes_users,
    &xf_routes_units,     &xf_routes_audit,         &xf_routes_plan,
    &xf_routes_incidents, &xf_routes_tasks,         &xf_routes_dispatches,
    &xf_routes_stream,    &xf_routes_persons,       &xf_routes_assignments,
    &xf_routes_roster,    &xf_routes_meetings,      &xf_routes_venues,
    &xf_routes_search,    &xf_routes_directory,     &xf_routes_matters,
    &xf_routes_records,   &xf_routes_archive,       &xf_routes_reports,
    &xf_routes_group,     &xf_routes_assessment,    &xf_routes_statistics,
    &xf_routes_channels,  &xf_routes_notifications, &xf_routes_matter_notices,
    &xf_routes_lookup,    &xf_routes_prevention,
};
static xf_route *routes;
static size_t n_routes;

void xf_api_init(const xf_api_config *config)
{
	settings = *config;
	const char *touch = getenv("XINFANG_SESSION_TOUCH_MS");
	touch_interval_ms = touch && *touch ? strtoll(touch, NULL, 10) : 60 * 1000;
	if (touch_interval_ms < 0)
		touch_interval_ms = 0;
	n_routes = 0;
	for (size_t i = 0; i < XF_ARRAY_LEN(route_lists); i++)
		n_routes += route_lists[i]->count;
	routes = xf_calloc(n_routes, sizeof *routes);
	for (size_t i = 0, at = 0; i < XF_ARRAY_LEN(route_lists); i++)
		for (size_t j = 0; j < route_lists[i]->count; j++)
			routes[at++] = route_lists[i]->routes[j];
	xf_api_session_setup();
}

const xf_api_config *xf_api_settings_get(void)
{
	return &settings;
}

bool xf_api_finish(xf_req *req, xf_db *db, int rc)
{
	if (rc == XF_OK)
		rc = xf_tx_commit(db);
	if (rc == XF_OK) {
		xf_stream_notify();
		return true;
	}
	xf_tx_rollback(db);
	xf_api_store_error(req, db, rc);
	return false;
}

void xf_api_shutdown(void)
{
	xf_api_session_teardown();
	xf_api_incidents_forget();
	free(routes);
	routes = NULL;
	n_routes = 0;
}

const xf_route *xf_api_routes(size_t *count)
{
	*count = n_routes;
	return routes;
}

/* Sessions seen lately, so that a signed-in read costs no database round trip. An
 * entry is trusted while the store's account generation is unchanged (any change to
 * a user or session, committed by this process, moves it) and for at most
 * CACHE_TRUST_MS (changes made by another process, the command line). */
#define SESSION_CACHE_SLOTS 1024
#define CACHE_TRUST_MS      5000

typedef struct cached_session {
	char digest[XF_TOKEN_DIGEST_LEN];
	xf_user user;
	int64_t created_ms, last_seen_ms, fetched_ms;
	uint64_t generation;
} cached_session;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cached_session cache[SESSION_CACHE_SLOTS];

static size_t cache_slot(const char *digest)
{
	size_t h = 0;
	for (int i = 0; i < 16; i++)
		h = h * 16 + (size_t)(digest[i] <= '9' ? digest[i] - '0' : digest[i] - 'a' + 10);
	return h % SESSION_CACHE_SLOTS;
}

/* On a hit fills *out, whose generation and fetched_ms say how old its user is. */
static bool cache_get(const char *digest, int64_t now, cached_session *out)
{
	bool hit = false;
	pthread_mutex_lock(&cache_lock);
	cached_session *c = &cache[cache_slot(digest)];
	if (strcmp(c->digest, digest) == 0 && c->generation == xf_store_auth_generation() &&
	    now - c->fetched_ms < CACHE_TRUST_MS) {
		*out = *c;
		hit = true;
	}
	pthread_mutex_unlock(&cache_lock);
	return hit;
}

static void cache_drop(const char *digest)
{
	pthread_mutex_lock(&cache_lock);
	cached_session *c = &cache[cache_slot(digest)];
	if (strcmp(c->digest, digest) == 0)
		memset(c, 0, sizeof *c);
	pthread_mutex_unlock(&cache_lock);
}

static void cache_put(const char *digest, const xf_user *user, int64_t created_ms,
                      int64_t last_seen_ms, int64_t fetched_ms, uint64_t generation)
{
	pthread_mutex_lock(&cache_lock);
	cached_session *c = &cache[cache_slot(digest)];
	snprintf(c->digest, sizeof c->digest, "%s", digest);
	c->user = *user;
	c->created_ms = created_ms;
	c->last_seen_ms = last_seen_ms;
	c->fetched_ms = fetched_ms;
	c->generation = generation;
	pthread_mutex_unlock(&cache_lock);
}

int xf_api_authenticate_cached(xf_req *req)
{
	const char *token = xf_req_cookie(req, "xf_session");
	if (!token || !*token)
		return XF_NOTFOUND;
	char digest[XF_TOKEN_DIGEST_LEN];
	int64_t now = xf_now_ms();
	xf_token_digest(token, digest);
	cached_session hit;
	/* Only a live session whose touch is not due yet: anything else needs the store. */
	if (!cache_get(digest, now, &hit) || hit.user.disabled ||
	    now - hit.created_ms > settings.session_absolute_ms ||
	    now - hit.last_seen_ms > settings.session_idle_ms ||
	    now - hit.last_seen_ms > touch_interval_ms)
		return XF_NOTFOUND;
	req->user = hit.user;
	return XF_OK;
}

int xf_api_authenticate(xf_req *req)
{
	const char *token = xf_req_cookie(req, "xf_session");
	if (!token || !*token) {
		xf_reply_error(req, 401, "unauthenticated", NULL, "sign in first");
		return XF_ERR;
	}
	char digest[XF_TOKEN_DIGEST_LEN];
	int64_t now = xf_now_ms(), created, last_seen, fetched;
	xf_token_digest(token, digest);
	xf_db *db = xf_db_get();
	int rc = XF_OK;
	/* The generation that goes with req->user: read before its rows were, so a change
	 * committed in between leaves every entry stored with it already out of date. */
	uint64_t generation;
	cached_session hit;
	if (cache_get(digest, now, &hit)) {
		req->user = hit.user;
		created = hit.created_ms;
		last_seen = hit.last_seen_ms;
		fetched = hit.fetched_ms;
		generation = hit.generation;
	} else {
		generation = xf_store_auth_generation();
		fetched = now;
		rc = xf_store_session_lookup(db, digest, &req->user, &created, &last_seen);
		if (rc == XF_OK)
			cache_put(digest, &req->user, created, last_seen, fetched, generation);
	}
	if (rc == XF_OK && (req->user.disabled || now - created > settings.session_absolute_ms ||
	                    now - last_seen > settings.session_idle_ms))
		rc = XF_NOTFOUND;
	/* Record activity now and then, so reads stay reads. The entry stored afterwards
	 * keeps the generation and time of the user it holds, never the current ones: a
	 * disabling that committed after the user was read must still be seen. */
	if (rc == XF_OK && now - last_seen > touch_interval_ms) {
		int touched = xf_store_session_touch(db, req->user.session_id, now);
		if (touched == XF_OK) {
			last_seen = now;
			cache_put(digest, &req->user, created, last_seen, fetched, generation);
		} else if (touched == XF_NOTFOUND) {
			cache_drop(digest);
			rc = XF_NOTFOUND;
		}
		/* Any other failure (a full disk) does not stop reading. */
	}
	if (rc == XF_NOTFOUND) {
		memset(&req->user, 0, sizeof req->user);
		xf_reply_error(req, 401, "unauthenticated", NULL,
		               "the session has ended; sign in again");
		return XF_ERR;
	}
	if (rc != XF_OK) {
		memset(&req->user, 0, sizeof req->user);
		xf_api_store_error(req, db, rc);
		return XF_ERR;
	}
	return XF_OK;
}

xf_actor xf_api_actor(const xf_req *req)
{
	return (xf_actor){
	    .id = req->user.id,
	    .name = req->user.id ? req->user.username : "anonymous",
	    .request_id = req->request_id,
	};
}

void xf_api_store_error(xf_req *req, xf_db *db, int rc)
{
	switch (rc) {
	case XF_UNAVAILABLE:
		xf_log("req=%s store unavailable: %s", req->request_id, xf_db_error(db));
		xf_reply_header(req, "Retry-After", "5");
		xf_reply_error(req, 503, "unavailable", NULL,
		               "the database cannot write now (%s); nothing was changed",
		               xf_db_error(db));
		break;
	case XF_CONFLICT:
		/* A seal's trigger (migration 14): a write that went around the check below. */
		if (strncmp(xf_db_error(db), "sealed:", 7) == 0) {
			xf_reply_error(
			    req, 409, "sealed", NULL,
			    "the incident is archived and sealed; nothing of it can change");
			break;
		}
		xf_reply_error(req, 409, "conflict", NULL,
		               "the change conflicts with stored data: %s", xf_db_error(db));
		break;
	case XF_NOTFOUND:
		xf_reply_error(req, 404, "not_found", NULL, "no such object");
		break;
	default:
		xf_log("req=%s store error: %s", req->request_id, xf_db_error(db));
		xf_reply_error(req, 500, "internal", NULL,
		               "internal error; see the server log for %s", req->request_id);
	}
}

bool xf_api_phone_ok(xf_req *req, const char *field, const char *phone)
{
	const char *why = phone ? xf_phone_problem(phone) : NULL;
	if (!why)
		return true;
	xf_reply_error(req, 400, "invalid_field", field, "'%s' %s", field, why);
	return false;
}

static bool parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	if (!s || !*s || strlen(s) > 18)
		return false;
	for (const char *p = s; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	int64_t v = strtoll(s, NULL, 10);
	if (v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool xf_api_path_id(xf_req *req, const char *name, int64_t *id)
{
	if (parse_int(xf_req_param(req, name), 1, INT64_MAX, id))
		return true;
	xf_reply_error(req, 400, "bad_request", name, "'%s' in the path must be a positive integer",
	               name);
	return false;
}

bool xf_api_query_int(xf_req *req, const char *name, int64_t min, int64_t max, int64_t fallback,
                      int64_t *out)
{
	const char *s = xf_req_query(req, name);
	if (!s) {
		*out = fallback;
		return true;
	}
	if (parse_int(s, min, max, out))
		return true;
	xf_reply_error(req, 400, "bad_request", name,
	               "query parameter '%s' must be an integer from %" PRId64 " to %" PRId64, name,
	               min, max);
	return false;
}

const char *xf_api_id_text(xf_req *req, int64_t id)
{
	return xf_arena_printf(&req->arena, "%" PRId64, id);
}

xf_scope xf_api_scope(const xf_req *req)
{
	return xf_scope_of(&req->user);
}

bool xf_api_unsealed(xf_req *req, const xf_incident_state *state)
{
	if (xf_api_status(state) != XF_STATUS_ARCHIVED || strcmp(req->method, "GET") == 0)
		return true;
	xf_reply_error(req, 409, "sealed", NULL,
	               "%s is archived and sealed; its facts, tasks, notes, records and reports"
	               " can no longer change",
	               state->number);
	return false;
}

bool xf_api_incident(xf_req *req, xf_db *db, int64_t id, xf_incident_state *state)
{
	xf_scope scope = xf_api_scope(req);
	int rc = xf_store_incident_visible(db, &scope, id);
	if (rc == XF_OK)
		rc = xf_store_incident_state(db, id, state);
	/* The archive is sealed (issue 9 item 8): every change to an archived incident, its
	 * tasks, notes, records, reports, evaluation and links passes here first (reads are
	 * GET, a logged download too). 包保 follow-ups belong to the person and do not. */
	if (rc == XF_OK)
		return xf_api_unsealed(req, state);
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 404, "not_found", NULL, "there is no incident %lld you may see",
		               (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

bool xf_api_begin(xf_req *req, xf_db *db)
{
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		return true;
	xf_api_store_error(req, db, rc);
	return false;
}

bool xf_api_begin_incident(xf_req *req, xf_db *db, int64_t id, xf_incident_state *state)
{
	if (!xf_api_begin(req, db))
		return false;
	if (xf_api_incident(req, db, id, state))
		return true;
	xf_tx_rollback(db);
	return false;
}

json_t *xf_api_body(xf_req *req, const char *const *fields)
{
	xf_field_error err;
	json_t *body = xf_req_json(req);
	if (body && xf_json_only(body, fields, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return NULL;
	}
	return body;
}

bool xf_api_loaded(xf_req *req, xf_db *db, int rc, const char *what, int64_t id)
{
	if (rc == XF_OK)
		return true;
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 404, "not_found", NULL, "there is no %s %lld", what,
		               (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

bool xf_api_field_found(xf_req *req, xf_db *db, int rc, const char *field, const char *what,
                        int64_t id)
{
	if (rc == XF_OK)
		return true;
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 400, "invalid_field", field, "'%s': there is no %s %lld", field,
		               what, (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

bool xf_api_unit_exists(xf_req *req, xf_db *db, const char *field, int64_t id, char *name,
                        size_t name_size)
{
	json_t *unit;
	int rc = xf_store_unit_get(db, id, &unit);
	if (rc == XF_OK) {
		if (name)
			snprintf(name, name_size, "%s",
			         json_string_value(json_object_get(unit, "name")));
		json_decref(unit);
	}
	return xf_api_field_found(req, db, rc, field, "unit", id);
}

bool xf_api_user_exists(xf_req *req, xf_db *db, const char *field, int64_t id, xf_user_row *row)
{
	xf_user_row unused;
	return xf_api_field_found(req, db, xf_store_user_by_id(db, id, row ? row : &unused), field,
	                          "user", id);
}

void xf_api_reply_list(xf_req *req, xf_db *db, int rc, const char *key, json_t *list)
{
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_reply_json(req, 200, json_pack("{s:o}", key, list));
}

bool xf_api_array(xf_req *req, json_t *body, const char *field, size_t max, const char *message,
                  json_t **list)
{
	*list = json_object_get(body, field);
	if (!*list || (json_is_array(*list) && json_array_size(*list) <= max))
		return true;
	xf_reply_error(req, 400, "invalid_field", field, "%s", message);
	return false;
}
