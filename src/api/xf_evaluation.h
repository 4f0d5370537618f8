/* The 综合评价 (evaluation) of an incident and the closing checks (issue 9 items 4 and
 * 7), src/api/evaluation.c: its routes (listed among the incident's in
 * api/incidents.c) and what a transition to `reported` or `archived` is missing. */
#ifndef XF_EVALUATION_H
#define XF_EVALUATION_H

#include "api/xf_api.h"
#include "core/xf_closing.h"

/* GET and PUT /incidents/{id}/evaluation. */
void xf_api_evaluation_get(xf_req *req);
void xf_api_evaluation_put(xf_req *req);

/* Inside a transaction: what the incident is missing before it may go to `to`; *missing
 * is NULL when nothing is (or for another target), else a new array of
 * {code, text, …} (core/xf_closing.h). */
int xf_closing_missing(xf_db *db, const xf_incident_state *state, xf_status to, json_t **missing);
/* Answers 409 {"error": {code: conflict, message, field: "to", missing}}; steals missing. */
void xf_closing_reply_missing(xf_req *req, const xf_incident_state *state, const char *to,
                              json_t *missing);

#endif
