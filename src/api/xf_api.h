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
/* The JSON body of a write, holding no member but fields; answers 400 and returns NULL
 * otherwise. */
json_t *xf_api_body(xf_req *req, const char *const *fields);
/* After loading what id (a label: "user", "staff member"): true when rc is XF_OK;
 * otherwise answers 404 "there is no WHAT ID" (or the store error) and returns false. */
bool xf_api_loaded(xf_req *req, xf_db *db, int rc, const char *what, int64_t id);
/* The same for an id a field of the body names: 400 "'FIELD': there is no WHAT ID". */
bool xf_api_field_found(xf_req *req, xf_db *db, int rc, const char *field, const char *what,
                        int64_t id);
/* Answers 400 naming field unless unit id exists; name (NULL: not wanted) receives its
 * name. */
bool xf_api_unit_exists(xf_req *req, xf_db *db, const char *field, int64_t id, char *name,
                        size_t name_size);
/* Answers 400 naming field unless user id exists; row (NULL: not wanted) receives it. */
bool xf_api_user_exists(xf_req *req, xf_db *db, const char *field, int64_t id, xf_user_row *row);
/* body[field] (NULL: absent) must be an array of at most max items: false, having
 * answered 400 with message (xf_req_message words it), when it is not. */
bool xf_api_array(xf_req *req, json_t *body, const char *field, size_t max, const char *message,
                  json_t **list);
/* Answers {"key": list} with status 200 (list is taken), or the store error rc. */
void xf_api_reply_list(xf_req *req, xf_db *db, int rc, const char *key, json_t *list);

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

/* Shared steps (api/steps.c). */
/* The incident's status as the life cycle's enum. */
xf_status xf_api_status(const xf_incident_state *state);
/* Reads path parameter "id" and loads that incident (xf_api_incident); false when it
 * answered. */
bool xf_api_path_incident(xf_req *req, xf_db *db, int64_t *id, xf_incident_state *state);
/* Reads path parameter "id" and the body of a write holding no member but fields
 * (xf_api_body); NULL when it answered. */
json_t *xf_api_path_body(xf_req *req, const char *const *fields, int64_t *id);
/* Answers an incident, or what belongs to it, with status. */
typedef void (*xf_api_reply_fn)(xf_req *req, xf_db *db, int64_t id, int status);
/* A whole GET /incidents/{id}…: reply(…, 200) for the incident in the path when the user
 * may see it. */
void xf_api_incident_get(xf_req *req, xf_api_reply_fn reply);
/* Reads one stored object by id, or an incident's list of them, as the API shows it. */
typedef int (*xf_api_read_fn)(xf_db *db, int64_t id, json_t **out);
/* Answers status with what read gives for id, as {key: …} when key is not NULL; the
 * store error otherwise. */
void xf_api_reply_read(xf_req *req, xf_db *db, xf_api_read_fn read, int64_t id, const char *key,
                       int status);
/* A whole GET /incidents/{id}/…: answers {key: read(incident id)} when the user may see
 * the incident. */
void xf_api_incident_sublist(xf_req *req, xf_api_read_fn read, const char *key);

/* A file as an answer (api/files.c): a file of the content store (api/xf_records.h) by
 * its hash, else bytes made for this answer, else an open file. */
typedef struct xf_api_file {
	const char *sha256;  /* stored file: opened here, and sent as X-Content-SHA256 */
	const xf_buf *bytes; /* made now (a draft): copied into the answer */
	int fd;              /* else: an open file of size bytes; the answer owns it */
	uint64_t size;
	const char *mime;
	const char *name;  /* the download's name (UTF-8), in Content-Disposition: attachment;
	                      NULL: shown inline (a thumbnail) */
	const char *ascii; /* the name's ASCII fallback; NULL: the name, other bytes as '_' */
	const char *cache; /* Cache-Control; NULL: no-store, as every answer */
} xf_api_file;
/* Answers 200 with the file (streamed from disk by the HTTP layer, never read whole);
 * false, having answered 500 file_missing (logged), when a stored file is not there. */
bool xf_api_send_file(xf_req *req, const xf_api_file *file);
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
/* The plan a mine registers under: its own (xf_store_mines.h), else the current one. */
const xf_plan *xf_plans_for_mine(xf_db *db, int64_t mine_id, int64_t *id);

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
/* The alarms of matters' clocks (matter_clocks.c): one matter.due_soon / matter.overdue
 * event per matter, clock and mark; the thread scans every interval_ms. */
void xf_matter_clocks_start(int interval_ms);
void xf_matter_clocks_stop(void);
/* Early warnings (预警, prevention.c): the plan's rules (of plan; NULL: the current
 * plan) run in the write transaction of a write that can fire them (a matter
 * registered: XF_WARN_REPEATED; a register entry saved: XF_WARN_PLANNED) and in a job
 * every interval_ms, as days pass (both); *raised (may be NULL) counts the warnings
 * written. GET /warnings only reads. */
enum { XF_WARN_REPEATED = 1, XF_WARN_PLANNED = 2 };
int xf_warnings_scan(xf_db *db, const xf_plan *plan, unsigned rules, const xf_actor *actor,
                     int *raised);
void xf_warnings_start(int interval_ms);
void xf_warnings_stop(void);
/* Answers 409 for a matter that may not be concluded (why: xf_matter_can_conclude) and
 * rolls back (matters.c; PATCH /matters/{id} in persons.c says the same). */
void xf_api_refuse_conclusion(xf_req *req, xf_db *db, int64_t id, const char *why);
int xf_matter_clocks_scan(xf_db *db);

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
/* Written notices of a matter (matter_notices.c) and the public lookup (lookup.c). */
extern const xf_route_list xf_routes_matter_notices, xf_routes_lookup;
/* In-app notifications, acknowledgements, preferences (notifications.c). */
extern const xf_route_list xf_routes_notifications;
/* The group company's 信访办 over its mines (group.c). */
extern const xf_route_list xf_routes_group;
/* Screening, the risk register, warnings and care (prevention.c). */
extern const xf_route_list xf_routes_prevention;
/* Assessment (考核) and accountability findings (assessment.c). */
extern const xf_route_list xf_routes_assessment;
/* Statistics, exports and the annual report (statistics.c). */
extern const xf_route_list xf_routes_statistics;
/* Notification channels and their delivery log (channels.c). */
extern const xf_route_list xf_routes_channels;
/* Rosters per mine (mines.c): the mine whose rosters the user reads (0: every mine's),
 * and the rows of list kept to it, by the unit id in member key (null rows kept), or
 * with key NULL by the unit of the row's staff_id, else user_id. */
int64_t xf_api_roster_mine(const xf_req *req);
int xf_api_keep_mine_rows(xf_req *req, xf_db *db, json_t *list, const char *key);

/* Login throttles, owned by session.c. */
void xf_api_session_setup(void);
void xf_api_session_teardown(void);

#endif
