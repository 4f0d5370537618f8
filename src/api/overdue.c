/* Overdue detection in the server: a thread that, every few seconds, finds open
 * tasks past their due time and appends exactly one task.overdue event for each (the
 * task is marked in the same transaction), then publishes them to the live feed. The
 * browser only displays what the server decided. Closing an incident ends its open
 * tasks, so the scan reads an index of live tasks only, and takes the write lock only
 * when that read found something due. With several processes on one PostgreSQL
 * database, a tick scans only in the process that took the job's lease (api/xf_jobs.h). */
#include <stdio.h>

#include "api/xf_api.h"
#include "api/xf_jobs.h"
#include "api/xf_notify_rules.h"
#include "store/xf_store_bus.h"

#define OVERDUE_JOB "overdue scan"

int xf_overdue_scan(xf_db *db)
{
	int64_t found[100][2];
	size_t n = 0;
	int64_t now = xf_now_ms();
	xf_actor system = {.id = 0, .name = "system", .request_id = ""};
	/* Most scans find nothing: look without the write lock first. */
	int rc = xf_store_tasks_newly_overdue(db, now, found, 1, &n);
	if (rc == XF_OK && n == 0)
		return 0;
	if (rc == XF_OK)
		rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_tasks_newly_overdue(db, now, found, 100, &n);
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		xf_task_row task;
		rc = xf_store_task_mark_overdue(db, found[i][0]);
		if (rc == XF_OK)
			rc = xf_store_task_get(db, found[i][0], &task);
		if (rc == XF_OK) {
			char incident[24], summary[400];
			snprintf(incident, sizeof incident, "%lld", (long long)found[i][1]);
			snprintf(summary, sizeof summary, "任务「%s」已超时", task.title);
			rc = xf_audit_append(db, &system, "task.overdue", "incident", incident,
			                     json_pack("{s:I, s:s, s:s}", "task_id",
			                               (json_int_t)task.id, "title", task.title,
			                               "summary", summary));
		}
		if (rc == XF_OK) /* tell the assignee, start the escalation: notify_rules.c */
			rc = xf_notify_task_overdue(db, found[i][0], now);
	}
	if (rc == XF_OK)
		rc = xf_tx_commit(db);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_log("overdue scan failed: %s", xf_db_error(db));
		return -1;
	}
	if (n)
		xf_stream_notify();
	return (int)n;
}

/* One tick: the overdue scan, then the escalations and report-up limits. */
static void overdue_tick(xf_db *db)
{
	xf_overdue_scan(db);
	xf_notify_scan(db); /* escalations, report-up limits */
}

void xf_overdue_start(int interval_ms)
{
	xf_job_start(OVERDUE_JOB, interval_ms, overdue_tick);
}

void xf_overdue_stop(void)
{
	xf_job_stop(OVERDUE_JOB);
}
