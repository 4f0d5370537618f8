/* walbench — the load generator of bench/wal/run (compiled by that script).
 *
 *   walbench HOST PORT COOKIE CSRF DB WRITERS READERS SECONDS IDLE_SECONDS
 *
 * WRITERS threads register and activate incidents as fast as the server answers (each
 * pair commits twice and writes about 20 rows), READERS threads read what the writers
 * make (the incident list, an incident, its timeline, the task list) on their own
 * connections, so that read transactions overlap the commits all the time, as they do
 * on a busy server with dashboards open. A sampler thread notes the size of DB-wal and
 * DB every 100 ms. After SECONDS the load stops and the sampler goes on for
 * IDLE_SECONDS, to see the log truncated when the server is idle.
 *
 * Prints a progress line every 30 s on stderr and the results as key=value lines. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xfbench.h"

static const char *host, *cookie, *csrf;
static int port;

static const char register_body[] =
    "{\"headcount\":12,\"destination\":\"province\",\"advance_info\":false,"
    "\"place\":\"bench\",\"units\":[],\"demands\":\"benchmark 井下工资拖欠\",\"drill\":true}";

/* ---- the load ---- */

static _Atomic int64_t newest_id;
static _Atomic long pairs_done, reads_done, errors;
static _Atomic bool load_over;

typedef struct {
	xfb_samples lat;
} worker;

static void *writer(void *arg)
{
	worker *w = arg;
	xfb_conn *c = xfb_session_conn(host, port, cookie, csrf, 1 << 20);
	while (!load_over) {
		int64_t t[3];
		int64_t id = xfb_register_activate(c, register_body, t);
		if (id < 0) {
			if (++errors > 100)
				break;
			continue;
		}
		xfb_samples_add(&w->lat, (xfb_now_us() - t[0]) / 1000.0);
		if (id > newest_id)
			newest_id = id;
		pairs_done++;
	}
	xfb_conn_free(c);
	return NULL;
}

static void *reader(void *arg)
{
	worker *w = arg;
	xfb_conn *c = xfb_session_conn(host, port, cookie, csrf, 1 << 20);
	char *body, path[128];
	unsigned seed = (unsigned)(uintptr_t)arg;
	for (long i = 0; !load_over; i++) {
		int64_t newest = newest_id;
		int64_t id = newest > 1 ? 1 + rand_r(&seed) % newest : 1;
		switch (i % 4) {
		case 0:
			snprintf(path, sizeof path, "/api/v1/incidents?limit=25");
			break;
		case 1:
			snprintf(path, sizeof path, "/api/v1/incidents/%lld", (long long)id);
			break;
		case 2:
			snprintf(path, sizeof path, "/api/v1/incidents/%lld/timeline",
			         (long long)id);
			break;
		default:
			snprintf(path, sizeof path, "/api/v1/incidents/%lld/tasks", (long long)id);
			break;
		}
		int64_t t0 = xfb_now_us();
		int st = xfb_request(c, "GET", path, NULL, &body, NULL);
		if (st != 200 && st != 404) {
			fprintf(stderr, "walbench: GET %s answered %d: %.200s\n", path, st, body);
			if (++errors > 100)
				break;
			continue;
		}
		xfb_samples_add(&w->lat, (xfb_now_us() - t0) / 1000.0);
		reads_done++;
	}
	xfb_conn_free(c);
	return NULL;
}

static int64_t file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (int64_t)st.st_size : 0;
}

int main(int argc, char **argv)
{
	if (argc != 10) {
		fprintf(stderr, "usage: walbench HOST PORT COOKIE CSRF DB WRITERS READERS SECONDS "
		                "IDLE_SECONDS\n");
		return 2;
	}
	xfb_start("walbench");
	host = argv[1];
	port = atoi(argv[2]);
	cookie = argv[3];
	csrf = argv[4];
	const char *db = argv[5];
	int writers = atoi(argv[6]), readers = atoi(argv[7]);
	double seconds = atof(argv[8]), idle_seconds = atof(argv[9]);
	char wal[4096];
	snprintf(wal, sizeof wal, "%s-wal", db);

	int n = writers + readers;
	worker *w = calloc((size_t)n, sizeof *w);
	pthread_t *t = calloc((size_t)n, sizeof *t);
	int64_t start = xfb_now_us(), end = start + (int64_t)(seconds * 1e6);
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, i < writers ? writer : reader, &w[i]);

	/* The sampler: every 100 ms while the load runs, then through the idle time. */
	int64_t wal_max = 0, wal_max_at = 0, next_report = start + 30000000;
	xfb_samples wal_mib = {0};
	while (xfb_now_us() < end && errors <= 100) {
		usleep(100000);
		int64_t size = file_size(wal);
		xfb_samples_add(&wal_mib, size / 1048576.0);
		if (size > wal_max) {
			wal_max = size;
			wal_max_at = xfb_now_us() - start;
		}
		if (xfb_now_us() >= next_report) {
			fprintf(
			    stderr,
			    "walbench: %4.0f s: %ld pairs, %ld reads, WAL %.1f MiB (max %.1f MiB), "
			    "database %.1f MiB\n",
			    (xfb_now_us() - start) / 1e6, (long)pairs_done, (long)reads_done,
			    size / 1048576.0, wal_max / 1048576.0, file_size(db) / 1048576.0);
			next_report += 30000000;
		}
	}
	load_over = true;
	xfb_samples pair_lat = {0}, read_lat = {0};
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		xfb_samples_merge(i < writers ? &pair_lat : &read_lat, &w[i].lat);
	}
	double elapsed = (xfb_now_us() - start) / 1e6;
	int64_t wal_end_of_load = file_size(wal), db_end_of_load = file_size(db);
	/* Idle: the server should leave an empty log. */
	int64_t idle_start = xfb_now_us(), truncated_after = -1;
	while (xfb_now_us() < idle_start + (int64_t)(idle_seconds * 1e6)) {
		usleep(100000);
		if (truncated_after < 0 && file_size(wal) == 0)
			truncated_after = xfb_now_us() - idle_start;
	}
	printf("seconds=%.1f\npairs=%ld\npairs_per_s=%.1f\nreads=%ld\nreads_per_s=%.1f\n", elapsed,
	       (long)pairs_done, pairs_done / elapsed, (long)reads_done, reads_done / elapsed);
	printf("wal_max_mib=%.1f\nwal_max_at_s=%.0f\n", wal_max / 1048576.0, wal_max_at / 1e6);
	xfb_sort(wal_mib.ms, wal_mib.n);
	printf("wal_p50_mib=%.1f\nwal_p99_mib=%.1f\n", xfb_pct(wal_mib.ms, wal_mib.n, 0.5),
	       xfb_pct(wal_mib.ms, wal_mib.n, 0.99));
	printf("wal_end_of_load_mib=%.1f\ndb_end_of_load_mib=%.1f\n", wal_end_of_load / 1048576.0,
	       db_end_of_load / 1048576.0);
	printf("wal_after_idle_mib=%.1f\nwal_truncated_after_idle_ms=%.0f\n",
	       file_size(wal) / 1048576.0, truncated_after < 0 ? -1.0 : truncated_after / 1000.0);
	xfb_report("pair", &pair_lat, false, 3);
	xfb_report("read", &read_lat, false, 3);
	printf("errors=%ld\n", (long)errors);
	return errors ? 1 : 0;
}
