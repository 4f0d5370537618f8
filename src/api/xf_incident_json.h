/* The incident in its API shape (docs/api.md, without "allowed", which handlers add):
 * the one serialiser of the store's xf_incident_row, for one incident, a list as
 * values or as text, and the facts a report is drafted from. */
#ifndef XF_INCIDENT_JSON_H
#define XF_INCIDENT_JSON_H

#include <jansson.h>

#include "store/xf_store.h"
#include "util/xf_buf.h"

/* The row as a new value; elapsed_s is counted to now_ms. */
json_t *xf_api_incident_of(const xf_incident_row *row, int64_t now_ms);
/* One incident; XF_NOTFOUND when absent. */
int xf_api_incident_read(xf_db *db, int64_t id, json_t **out);
/* A page of the list (xf_store_incident_rows) as an array the caller owns. */
int xf_api_incident_list(xf_db *db, const xf_scope *scope, const char *status, bool active_only,
                         int64_t before_id, int limit, json_t **out, int64_t *next_before_id);
/* The same page written as JSON text onto out. */
int xf_api_incident_list_text(xf_db *db, const xf_scope *scope, const char *status,
                              bool active_only, int64_t before_id, int limit, xf_buf *out,
                              int64_t *next_before_id);
/* The facts of xf_store_report_facts with the incident first, as "incident". */
int xf_api_report_facts(xf_db *db, int64_t incident_id, json_t **out);

#endif
