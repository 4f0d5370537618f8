/* The periodic job runner (xf_jobs.h): each job is a thread waiting on one condition
 * variable for its interval or for a stop, then running its function when it takes the
 * job's lease. */
#include "api/xf_jobs.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "store/xf_store.h"
#include "store/xf_store_bus.h"
#include "util/xf_util.h"

#define JOBS_MAX 8

typedef struct job {
	const char *name;
	xf_job_fn fn;
	int interval_ms;
	pthread_t thread;
	bool running, stopping;
} job;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static job jobs[JOBS_MAX];

static void *job_main(void *arg)
{
	job *j = arg;
	xf_db *db = xf_db_get();
	pthread_mutex_lock(&lock);
	while (!j->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += j->interval_ms / 1000;
		until.tv_nsec += (long)(j->interval_ms % 1000) * 1000000;
		if (until.tv_nsec >= 1000000000) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000;
		}
		/* the condition is shared: another job's stop wakes this one too */
		while (!j->stopping && pthread_cond_timedwait(&wake, &lock, &until) != ETIMEDOUT)
			;
		if (j->stopping)
			break;
		pthread_mutex_unlock(&lock);
		/* Several processes on one PostgreSQL database: one runs the tick, the others
		 * skip it (the lease is this thread's connection's). */
		if (xf_store_lease_try(db, j->name) == 1) {
			j->fn(db);
			xf_store_lease_release(db, j->name);
		}
		pthread_mutex_lock(&lock);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

void xf_job_start(const char *name, int interval_ms, xf_job_fn fn)
{
	pthread_mutex_lock(&lock);
	job *j = NULL;
	for (int i = 0; i < JOBS_MAX && !j; i++)
		if (!jobs[i].running)
			j = &jobs[i];
	if (!j)
		xf_die("too many jobs to start \"%s\"", name);
	*j = (job){.name = name, .fn = fn, .interval_ms = interval_ms > 0 ? interval_ms : 5000};
	if (pthread_create(&j->thread, NULL, job_main, j) != 0)
		xf_die("cannot start the thread of \"%s\"", name);
	j->running = true;
	pthread_mutex_unlock(&lock);
}

/* Stops the jobs named name (all when NULL). */
static void stop(const char *name)
{
	pthread_t threads[JOBS_MAX];
	int n = 0;
	pthread_mutex_lock(&lock);
	for (int i = 0; i < JOBS_MAX; i++) {
		if (jobs[i].running && !jobs[i].stopping &&
		    (!name || strcmp(jobs[i].name, name) == 0)) {
			jobs[i].stopping = true;
			threads[n++] = jobs[i].thread;
		}
	}
	pthread_cond_broadcast(&wake);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_lock(&lock);
	for (int i = 0; i < JOBS_MAX; i++)
		if (jobs[i].stopping && (!name || strcmp(jobs[i].name, name) == 0))
			jobs[i].running = jobs[i].stopping = false;
	pthread_mutex_unlock(&lock);
}

void xf_job_stop(const char *name)
{
	stop(name);
}

void xf_jobs_stop(void)
{
	stop(NULL);
}
