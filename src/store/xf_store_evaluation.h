/* The rows closing needs (issue 9 items 4 and 7), in SQL: an incident's 综合评价
 * (evaluations, migration 13), whether its final report is issued (reports), and what
 * the evaluation's facts and the closing rules of core/xf_closing.h are computed from.
 * Promises as in xf_store.h. */
#ifndef XF_STORE_EVALUATION_H
#define XF_STORE_EVALUATION_H

#include "core/xf_closing.h"
#include "store/xf_store.h"

/* The saved evaluation {scores, lessons, facts, completed_at, completed_by,
 * updated_at, updated_by}; XF_NOTFOUND when none was saved. */
int xf_store_evaluation_get(xf_db *db, int64_t incident_id, json_t **out);
/* Whether a saved evaluation is completed (false when none). */
int xf_store_evaluation_completed(xf_db *db, int64_t incident_id, bool *completed);
/* Inserts or replaces the evaluation; complete marks it completed (by, now). */
int xf_store_evaluation_save(xf_db *db, int64_t incident_id, const json_t *scores,
                             const char *lessons, const json_t *facts, bool complete, int64_t by,
                             int64_t now_ms);
/* Whether the incident has a final report (终报) issued. */
int xf_store_final_report_issued(xf_db *db, int64_t incident_id, bool *issued);

/* The incident's rows for the closing rules: rows->tasks holds every task (by
 * position). Release with xf_store_close_rows_free. */
typedef struct xf_close_rows {
	xf_eval_rows eval;
	xf_close_task *tasks;
	int64_t *without_official;
	void *text; /* the tasks' strings */
} xf_close_rows;

int xf_store_close_rows(xf_db *db, int64_t incident_id, xf_close_rows *out);
void xf_store_close_rows_free(xf_close_rows *rows);

#endif
