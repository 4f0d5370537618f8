/* What the parts of the incident resource share. Each part of an incident's life has its
 * own file: incidents.c (registration, these helpers and the route table,
 * xf_routes_incidents), incident_list.c, incident_update.c, incident_activate.c,
 * incident_transitions.c, incident_override.c, incident_timeline.c and incident_wall.c.
 * Functions that take a request answer it (400, 409 or 500 naming the field) when they
 * return false or XF_ERR. */
#ifndef XF_INCIDENTS_H
#define XF_INCIDENTS_H

#include "api/xf_api.h"

/* The destinations (xf_destination) as people read them: 本矿, 集团公司, 市, 省, 进京. */
extern const char *const xf_incident_destination_zh[];

/* The statuses an incident in status may move to under procedure (NULL: none), as a
 * JSON array (new reference). */
json_t *xf_incident_allowed(const char *status, const char *procedure);

/* The facts that decide, as the incident holds them (人数, 去向, 提前掌握信息). */
xf_plan_facts xf_incident_facts(const xf_incident_state *state);

/* Reads "units": an array of existing unit ids (inside a transaction). */
bool xf_incident_read_units(xf_req *req, xf_db *db, json_t *body, int64_t **units, size_t *n);

/* Puts the incident's number, place and demands in the search index. */
int xf_incident_index(xf_db *db, int64_t id);

/* The reasons of a decision as a JSON array of strings (new reference). */
json_t *xf_incident_reasons(const xf_plan_decision *d);

/* An optional time field of the body: XF_OK with *ms, XF_NOTFOUND when absent (*cleared
 * when null), XF_ERR after answering 400. */
int xf_incident_read_time(xf_req *req, json_t *body, const char *field, int64_t *ms, bool *cleared);

/* The rules of the times of an incident (发生时间, 预计到访时间, 预计去向). */
bool xf_incident_check_times(xf_req *req, int64_t occurred_ms, bool occurred_given,
                             bool advance_info, int64_t expected_ms,
                             const char *expected_destination);

/* The due time of the next round of a recurring progress report after base_ms. */
int64_t xf_incident_progress_due(const xf_plan *plan, const xf_incident_state *state,
                                 const xf_plan_grade *grade, int64_t base_ms);

/* A time as people read it in a summary: Asia/Shanghai, "12-07 08:00" ("无" for 0). */
char *xf_incident_local_time(xf_req *req, int64_t ms);

/* The plan version of an incident; NULL after answering 500 when it is gone. */
const xf_plan *xf_incident_plan(xf_req *req, xf_db *db, const xf_incident_state *state);

/* The position of a grade in the plan, most severe first; 99 for none. */
int xf_incident_grade_rank(const xf_plan *plan, const char *grade);

/* Re-decides from changed facts inside the transaction (incident_override.c): adds what
 * changed to changes and a line to *summary; the store's answer. */
int xf_incident_change_decision(xf_req *req, xf_db *db, const xf_incident_state *state,
                                const xf_plan *plan, const xf_plan_facts *facts, json_t *changes,
                                char **summary);

/* Timeline entries as people read them (incident_timeline.c). */
void xf_incident_timeline_texts(json_t *entries);

/* A registration made from elsewhere (a warning turned into an incident, prevention.c):
 * decided by the plan of the user's mine and stored as POST /incidents stores one (event
 * and search entry), inside the open transaction; the store's answer. */
typedef struct xf_incident_registration {
	int64_t headcount, expected_ms;
	const char *destination, *place, *demands, *category;
	bool advance_info;
	int64_t *units;
	size_t n_units;
} xf_incident_registration;
int xf_incident_register(xf_req *req, xf_db *db, const xf_incident_registration *r, int64_t *id);

/* The handlers of the route table. */
void xf_api_incidents_list(xf_req *req);
void xf_api_incidents_get(xf_req *req);
void xf_api_incidents_update(xf_req *req);
void xf_api_incidents_activate(xf_req *req);
void xf_api_incidents_transition(xf_req *req);
void xf_api_incidents_override(xf_req *req);
void xf_api_incidents_timeline(xf_req *req);
void xf_api_notes_create(xf_req *req);
void xf_api_dashboard_get(xf_req *req);

#endif
