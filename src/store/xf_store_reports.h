/* Written reports (首报, 续报, 终报, 工作总结) in SQL (the reports table of migration 13):
 * drafts and issued versions, numbering, and the facts of an incident a report is built
 * from (xf_store_report_facts). Promises as in xf_store.h; times are milliseconds since
 * the epoch (UTC). An issued row is never changed: the update refuses it. */
#ifndef XF_STORE_REPORTS_H
#define XF_STORE_REPORTS_H

#include "store/xf_store.h"

typedef struct xf_report_row {
	int64_t id, incident_id, version, replaces_id, issued_ms, issued_by;
	char kind[16], status[8], number[40];
	char pdf_sha256[65], docx_sha256[65];
} xf_report_row;

int xf_store_report_insert(xf_db *db, int64_t incident_id, const char *kind, const char *title,
                           const char *sections, int64_t replaces_id, int64_t user_id,
                           int64_t now_ms, int64_t *id);
int xf_store_report_get(xf_db *db, int64_t id, xf_report_row *out);
/* Changes a draft's title and/or sections (NULL keeps one); XF_NOTFOUND when there is
 * no such draft (an issued report is never changed). */
int xf_store_report_update(xf_db *db, int64_t id, const char *title, const char *sections,
                           int64_t user_id, int64_t now_ms);
/* The next version of an incident's reports of a kind (1, 2, …) and the next number of
 * the year ("〔2026〕N号": N = issued reports whose number is of that year, plus one). */
int xf_store_report_next(xf_db *db, int64_t incident_id, const char *kind, int year,
                         int64_t *version, char number[40]);
/* Locks a draft: XF_NOTFOUND when it is not a draft any more. */
int xf_store_report_issue(xf_db *db, int64_t id, int64_t version, const char *number,
                          int64_t issued_ms, int64_t issued_by, const char *pdf_sha256,
                          const char *docx_sha256);
/* The API shape (docs/api.md, reports), sections parsed, names of the people. */
int xf_store_report_json(xf_db *db, int64_t id, json_t **out);
/* The reports of an incident, by kind then version (drafts last). */
int xf_store_report_list(xf_db *db, int64_t incident_id, json_t **out);
/* What a report is built from (core/xf_report_builder.h, "facts"), but the incident
 * itself, which api/ adds (xf_api_report_facts): the incident's units, petitioners (ID numbers
 * masked), matters (an accusation's content left out), 包保, tasks, timeline, records, evaluation,
 * the last issued report's time, the issuing unit and the audit chain's head. */
int xf_store_report_facts(xf_db *db, int64_t incident_id, json_t **out);

#endif
