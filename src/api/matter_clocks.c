/* The alarms of the clocks of matters (issue 13 item 2): a server thread that, every few
 * seconds, finds the open matters whose office clock (acceptance Art. 22-23, conclusion
 * Art. 34, review Art. 35, re-review Art. 36; core/xf_matter.h) is within 3 days of its
 * due time or past it, and writes exactly one event for each matter, clock and mark
 * (matter.due_soon, matter.overdue, data {matter_id, clock, due}); the mark is stored in
 * the same transaction (matter_alarms), so a restart or a second process writes none
 * twice. With several processes on one PostgreSQL database, a tick scans only in the
 * process holding the lease (api/xf_jobs.h). A tick reads only the matters whose
 * matters.alarm_ms is past (an index; the store keeps it on every write of a matter).
 * The events carry no content and no petitioner (Art. 30, 46). */
#include <stdio.h>

#include "api/xf_api.h"
#include "api/xf_jobs.h"
#include "api/xf_notify_rules.h"
#include "store/xf_store_bus.h"
#include "store/xf_store_matters.h"

#define MATTER_CLOCKS_JOB "matter clocks scan"
#define ALARMS_MAX        100

int xf_matter_clocks_scan(xf_db *db)
{
	xf_matter_alarm found[ALARMS_MAX];
	size_t n = 0;
	int64_t now = xf_now_ms();
	xf_actor system = {.id = 0, .name = "system", .request_id = ""};
	/* Most scans find nothing: look without the write lock first. */
	int rc = xf_store_matter_alarms_due(db, now, false, found, 1, &n);
	if (rc == XF_OK && n == 0)
		return 0;
	if (rc == XF_OK)
		rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_matter_alarms_due(db, now, true, found, ALARMS_MAX, &n);
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		char id[24], due[XF_TIME_LEN];
		snprintf(id, sizeof id, "%lld", (long long)found[i].matter_id);
		xf_time_format(found[i].due_ms, due);
		bool late = found[i].mark[0] == 'o';
		rc = xf_audit_append(
		    db, &system, late ? "matter.overdue" : "matter.due_soon", "matter", id,
		    json_pack("{s:I, s:s, s:s, s:s}", "matter_id", (json_int_t)found[i].matter_id,
		              "clock", found[i].clock, "due", due, "summary",
		              late ? "诉求办理期限已过" : "诉求办理期限将至"));
		/* 3 days before a legal deadline, its handler is told (the plan's matter.due
		 * rule); the message names the clock, never the matter's content. */
		if (rc == XF_OK && !late && found[i].handler_id) {
			char dedup[64];
			snprintf(dedup, sizeof dedup, "matter.due:%lld:%s",
			         (long long)found[i].matter_id, found[i].clock);
			xf_notice_event e = {.kind = XF_NOTIFY_MATTER_DUE,
			                     .matter_id = found[i].matter_id,
			                     .handler_id = found[i].handler_id,
			                     .incident_id = found[i].incident_id,
			                     .dedup = dedup,
			                     .title = "信访事项",
			                     .due_ms = found[i].due_ms};
			int64_t plan_id;
			rc = xf_notify_event(db, xf_plans_current(&plan_id), &e, now, NULL);
		}
	}
	if (rc == XF_OK)
		rc = xf_tx_commit(db);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_log("matter clocks scan failed: %s", xf_db_error(db));
		return -1;
	}
	if (n)
		xf_stream_notify();
	return (int)n;
}

static void clocks_tick(xf_db *db)
{
	xf_matter_clocks_scan(db);
}

void xf_matter_clocks_start(int interval_ms)
{
	xf_job_start(MATTER_CLOCKS_JOB, interval_ms, clocks_tick);
}

void xf_matter_clocks_stop(void)
{
	xf_job_stop(MATTER_CLOCKS_JOB);
}
