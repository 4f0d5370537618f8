/* The WAL keeper: a thread of the server that keeps the write-ahead log bounded
 * (xf_store.h, "maintenance").
 *
 * Why SQLite's own checkpoints are not enough: the log file only starts again from
 * its beginning when a writer finds every frame copied back and no reader still
 * using the log; with writers and readers overlapping all the time that moment never
 * comes, and the file grows while the load lasts (1.5 GB over 150,000 registrations).
 * A RESTART checkpoint makes the moment: it holds new writers back for as long as it
 * waits (at most XF_STORE_WAL_WAIT_MS), copies the rest, and waits for the readers of
 * older snapshots to finish; the next commit then writes from the start of the file
 * and journal_size_limit cuts the file back. When the server is idle a TRUNCATE
 * checkpoint leaves an empty log. */
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "store/xf_store.h"
#include "store/xf_store_db.h"
#include "store/xf_store_hooks.h"

static pthread_t keeper;
static bool running;
static pthread_mutex_t keeper_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t keeper_wake = PTHREAD_COND_INITIALIZER;
static bool stopping;
static char *wal_path;
static _Atomic uint64_t restarts, truncates, busy_count;

static int64_t wal_size(void)
{
	struct stat st;
	return stat(wal_path, &st) == 0 ? (int64_t)st.st_size : 0;
}

/* Sleeps one tick; false when asked to stop. */
static bool sleep_tick(void)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)XF_STORE_WAL_TICK_MS * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&keeper_lock);
	while (!stopping && pthread_cond_timedwait(&keeper_wake, &keeper_lock, &until) == 0)
		;
	bool go_on = !stopping;
	pthread_mutex_unlock(&keeper_lock);
	return go_on;
}

static void *keep_wal(void *arg)
{
	(void)arg;
	xf_db *db = xf_db_get();
	sqlite3 *sql = xf_db_sqlite(db);
	if (!sql)
		return NULL; /* the database did not open on this thread */
	/* Writers wait behind a RESTART or TRUNCATE checkpoint: keep that wait short. */
	sqlite3_busy_timeout(sql, XF_STORE_WAL_WAIT_MS);
	uint64_t seen = xf_store_commit_count, truncated_at = UINT64_MAX;
	int64_t quiet_ms = 0, stuck_ms = 0;
	while (sleep_tick()) {
		uint64_t commits = xf_store_commit_count;
		quiet_ms = commits == seen ? quiet_ms + XF_STORE_WAL_TICK_MS : 0;
		seen = commits;
		int64_t size = wal_size();
		int mode = -1;
		if (quiet_ms >= XF_STORE_WAL_IDLE_MS && size > 0 && truncated_at != commits)
			mode = SQLITE_CHECKPOINT_TRUNCATE;
		else if (size > XF_STORE_WAL_LIMIT)
			mode = SQLITE_CHECKPOINT_RESTART;
		if (mode < 0) {
			stuck_ms = 0;
			continue;
		}
		int log_frames = 0, copied = 0;
		int rc = sqlite3_wal_checkpoint_v2(sql, NULL, mode, &log_frames, &copied);
		if (rc == SQLITE_OK) {
			if (mode == SQLITE_CHECKPOINT_TRUNCATE) {
				truncates++;
				truncated_at = commits;
			} else {
				restarts++;
			}
			stuck_ms = 0;
			continue;
		}
		busy_count++;
		/* A reader that keeps one snapshot for a long time (a check, a verification of
		 * a long chain) holds the log; say so once a minute while it lasts. */
		stuck_ms += XF_STORE_WAL_TICK_MS;
		if (stuck_ms % 60000 == 0)
			xf_log("the write-ahead log '%s' is %lld MiB and has not been reset for "
			       "%lld s: %s",
			       wal_path, (long long)(size >> 20), (long long)(stuck_ms / 1000),
			       sqlite3_errmsg(sql));
	}
	return NULL;
}

int xf_store_wal_start(void)
{
	const char *path = xf_store_path();
	/* No file, no log; PostgreSQL keeps its own. */
	if (running || !path || strcmp(path, ":memory:") == 0 || xf_sql_is_url(path))
		return XF_OK;
	wal_path = xf_malloc(strlen(path) + sizeof "-wal");
	strcpy(wal_path, path);
	strcat(wal_path, "-wal");
	stopping = false;
	if (pthread_create(&keeper, NULL, keep_wal, NULL) != 0) {
		free(wal_path);
		wal_path = NULL;
		return XF_ERR;
	}
	running = true;
	return XF_OK;
}

void xf_store_wal_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&keeper_lock);
	stopping = true;
	pthread_cond_signal(&keeper_wake);
	pthread_mutex_unlock(&keeper_lock);
	pthread_join(keeper, NULL);
	running = false;
	xf_log("write-ahead log: %llu resets under load, %llu truncations when idle, %llu "
	       "checkpoints that found readers in the way",
	       (unsigned long long)restarts, (unsigned long long)truncates,
	       (unsigned long long)busy_count);
	free(wal_path);
	wal_path = NULL;
}

void xf_store_wal_stats(xf_wal_stats *out)
{
	out->restarts = restarts;
	out->truncates = truncates;
	out->busy = busy_count;
}
