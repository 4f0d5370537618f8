/* The API resources: the route table and what every handler shares (session
 * authentication, the acting user for audit events, store errors as HTTP answers).
 *
 * One file per resource. A handler reads top to bottom: parse, (the dispatcher has
 * authorized), act in one transaction, append the event, respond. */
#ifndef XF_API_H
#define XF_API_H

#include "core/xf_incident.h"
#include "core/xf_plan.h"
#include "http/xf_http.h"
#include "store/xf_store.h"
#include "store/xf_store_people.h"

/* The longest free text of a record a person writes (a follow-up's content, a record's
 * note, an incident's demands), in the units xf_json_string counts. */
#define XF_API_TEXT_MAX 4000

typedef struct xf_api_config {
	int64_t session_idle_ms;
	int64_t session_absolute_ms;
	bool secure_cookies; /* behind TLS: add Secure to the session cookie */
} xf_api_config;

void xf_api_init(const xf_api_config *config);
void xf_api_shutdown(void);
const xf_route *xf_api_routes(size_t *count);
int xf_api_authenticate(xf_req *req);
/* The session from memory alone (no store, no reply): XF_OK with req->user set, or
 * XF_NOTFOUND when only xf_api_authenticate() can tell. */
int xf_api_authenticate_cached(xf_req *req);

/* The acting user of the request, for audit events. */
xf_actor xf_api_actor(const xf_req *req);
/* The session settings in force. */
const xf_api_config *xf_api_settings_get(void);
/* Ends a write transaction: commits when rc is XF_OK, else (or when the commit fails)
 * rolls back and answers the error. Returns true when the change is stored. */
bool xf_api_finish(xf_req *req, xf_db *db, int rc);
/* Begins a write transaction; answers the error and returns false when it cannot. */
bool xf_api_begin(xf_req *req, xf_db *db);
/* Begins a write transaction and loads an incident the user may see; on failure
 * rolls back, answers and returns false. */
bool xf_api_begin_incident(xf_req *req, xf_db *db, int64_t id, xf_incident_state *state);
/* Answers a failed store call (503 when the store cannot write, 409, 404, 500). */
void xf_api_store_error(xf_req *req, xf_db *db, int rc);
/* Reads path parameter name as a positive id; replies 400 and returns false otherwise. */
bool xf_api_path_id(xf_req *req, const char *name, int64_t *id);
/* Reads an optional non-negative integer query parameter within [min, max]. */
bool xf_api_query_int(xf_req *req, const char *name, int64_t min, int64_t max, int64_t fallback,
                      int64_t *out);
/* Answers 400 naming field unless phone (NULL: not given) is a phone number as
 * docs/api.md says (xf_phone_problem). */
bool xf_api_phone_ok(xf_req *req, const char *field, const char *phone);
/* A string id for audit object ids. */
const char *xf_api_id_text(xf_req *req, int64_t id);

/* The incidents the user may see (docs/api.md, incident.read). */
xf_scope xf_api_scope(const xf_req *req);
/* The archive is sealed (issue 9 item 8): false, answering 409 "sealed", when the
 * incident is archived and the request is not a GET (a read, or a logged download).
 * xf_api_incident() calls it, so every write that loads its incident there is refused;
 * handlers that load an incident another way call it themselves. */
bool xf_api_unsealed(xf_req *req, const xf_incident_state *state);
/* Loads an incident the user may see (for a write, one not sealed: xf_api_unsealed);
 * answers 404 (409) and returns false otherwise. */
bool xf_api_incident(xf_req *req, xf_db *db, int64_t id, xf_incident_state *state);
/* Answers with the incident's API shape, "allowed" included. */
void xf_api_incident_reply(xf_req *req, xf_db *db, int64_t id, int status);
/* Frees the cached incident lists (at shutdown). */
void xf_api_incidents_forget(void);
/* Re-plans the due times of an incident's open tasks under grade. */
int xf_api_replan(xf_db *db, const xf_incident_state *state, const xf_plan_grade *grade,
                  int *replanned);

/* The viewer of people's files (persons.c). */
xf_viewer xf_api_viewer(const xf_req *req);

/* Plans (plans.c). */
int xf_plans_start(const char *path);
void xf_plans_stop(void);
int xf_plans_check_file(const char *path);
const xf_plan *xf_plans_current(int64_t *id);
const xf_plan *xf_plans_get(xf_db *db, int64_t id);

/* The live feed (stream.c): notified after every commit. */
int xf_stream_start(void);
void xf_stream_notify(void);
void xf_stream_stop(void);
void xf_stream_free(void);
size_t xf_stream_clients(void);

/* Overdue detection (overdue.c): a thread that scans every interval_ms. */
void xf_overdue_start(int interval_ms);
void xf_overdue_stop(void);
/* One scan: one task.overdue event per task newly past due; returns how many. */
int xf_overdue_scan(xf_db *db);

/* The routes of each resource file, gathered into one table by xf_api_init(). */
typedef struct xf_route_list {
	const xf_route *routes;
	size_t count;
} xf_route_list;

extern const xf_route_list xf_routes_health, xf_routes_session, xf_routes_users, xf_routes_units,
    xf_routes_audit, xf_routes_plan, xf_routes_incidents, xf_routes_tasks, xf_routes_dispatches,
    xf_routes_stream, xf_routes_persons, xf_routes_assignments, xf_routes_roster,
    xf_routes_meetings, xf_routes_venues, xf_routes_search, xf_routes_directory, xf_routes_matters;
/* Written reports (reports.c). */
extern const xf_route_list xf_routes_reports;

/* Login throttles, owned by session.c. */
void xf_api_session_setup(void);
void xf_api_session_teardown(void);

#endif
