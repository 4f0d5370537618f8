/* Overdue detection in the server: a thread that, every few seconds, finds open
 * tasks past their due time and appends exactly one task.overdue event for each (the
 * task is marked in the same transaction), then publishes them to the live feed. The
 * browser only displays what the server decided. Closing an incident ends its open
 * tasks, so the scan reads an index of live tasks only, and takes the write lock only
 * when that read found something due. With several processes on one PostgreSQL
 * database, a tick scans only in the process that took the job's lease. */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "api/xf_api.h"
#include "api/xf_notify_rules.h"
#include "store/xf_store_bus.h"

#define OVERDUE_JOB "overdue scan"

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool running, stopping;
	int interval_ms;
} overdue = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

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

static void *overdue_main(void *arg)
{
	(void)arg;
	xf_db *db = xf_db_get();
	pthread_mutex_lock(&overdue.lock);
	while (!overdue.stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += overdue.interval_ms / 1000;
		until.tv_nsec += (long)(overdue.interval_ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&overdue.wake, &overdue.lock, &until);
		if (overdue.stopping)
			break;
		pthread_mutex_unlock(&overdue.lock);
		/* Several processes on one PostgreSQL database: one scans per tick, the
		 * others skip it (the lease is this thread's connection's). */
		if (xf_store_lease_try(db, OVERDUE_JOB) == 1) {
			xf_overdue_scan(db);
			xf_notify_scan(db); /* escalations, report-up limits */
			xf_store_lease_release(db, OVERDUE_JOB);
		}
		pthread_mutex_lock(&overdue.lock);
	}
	pthread_mutex_unlock(&overdue.lock);
	return NULL;
}

void xf_overdue_start(int interval_ms)
{
	overdue.interval_ms = interval_ms > 0 ? interval_ms : 5000;
	overdue.stopping = false;
	if (pthread_create(&overdue.thread, NULL, overdue_main, NULL) != 0)
		xf_die("cannot start the overdue thread");
	overdue.running = true;
}

void xf_overdue_stop(void)
{
	if (!overdue.running)
		return;
	pthread_mutex_lock(&overdue.lock);
	overdue.stopping = true;
	pthread_cond_signal(&overdue.wake);
	pthread_mutex_unlock(&overdue.lock);
	pthread_join(overdue.thread, NULL);
	overdue.running = false;
}
