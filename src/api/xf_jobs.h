/* The periodic jobs of the server (overdue.c, matter_clocks.c): one thread per named job
 * that runs its function every interval, under the job's lease (store/xf_store_bus.h) so
 * that of several processes on one PostgreSQL database only one runs a given tick. */
#ifndef XF_JOBS_H
#define XF_JOBS_H

#include "store/xf_store.h"

/* One run of a job, on the job thread's own connection. */
typedef void (*xf_job_fn)(xf_db *db);

/* Starts the job name (also its lease's name; the string must outlive the job): fn runs
 * every interval_ms (5000 when not positive), the first run one interval after the
 * start. Dies when the thread cannot be made. */
void xf_job_start(const char *name, int interval_ms, xf_job_fn fn);
/* Stops the job name (waits for a run under way); nothing when it is not running. */
void xf_job_stop(const char *name);
/* Stops every job. */
void xf_jobs_stop(void);

#endif
