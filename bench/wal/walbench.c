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
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *host, *cookie, *csrf;
static int port;

static const char register_body[] =
    "{\"headcount\":12,\"destination\":\"province\",\"advance_info\":false,"
    "\"place\":\"bench\",\"units\":[],\"demands\":\"benchmark 井下工资拖欠\",\"drill\":true}";

static void die(const char *msg)
{
	fprintf(stderr, "walbench: %s: %s\n", msg, errno ? strerror(errno) : "failed");
	exit(1);
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int dial(bool nonblocking)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		die("bad host address");
	int fd = socket(AF_INET, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		die("socket");
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS)
		die("connect");
	return fd;
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("write");
		p += w;
		n -= (size_t)w;
	}
}

/* ---- request/response on a blocking keep-alive connection ---- */

typedef struct {
	int fd;
	char buf[1 << 20];
	size_t len; /* bytes buffered */
} conn;

static void conn_open(conn *c)
{
	c->fd = dial(false);
	c->len = 0;
}

/* Sends a request and reads the whole response; returns the status, the body in
 * *body (NUL-terminated, inside c->buf until the next call). Reconnects when the
 * server closed the connection. */
static int request(conn *c, const char *method, const char *path, const char *json, char **body,
                   int64_t *sent_us)
{
	char head[2048];
	int n = snprintf(head, sizeof head,
	                 "%s %s HTTP/1.1\r\nHost: %s:%d\r\nCookie: %s\r\nX-CSRF-Token: %s\r\n"
	                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
	                 method, path, host, port, cookie, csrf, json ? strlen(json) : 0);
	if (sent_us)
		*sent_us = now_us();
	write_all(c->fd, head, (size_t)n);
	if (json)
		write_all(c->fd, json, strlen(json));
	c->len = 0;
	size_t header_end = 0, content_length = 0;
	bool close_after = false;
	for (;;) {
		if (c->len == sizeof c->buf - 1)
			die("response too large");
		ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			errno = 0;
			die("connection closed while reading a response");
		}
		c->len += (size_t)r;
		c->buf[c->len] = 0;
		if (!header_end) {
			char *e = strstr(c->buf, "\r\n\r\n");
			if (!e)
				continue;
			header_end = (size_t)(e - c->buf) + 4;
			char *cl = strcasestr(c->buf, "\r\nContent-Length:");
			if (!cl || cl > e)
				die("response without Content-Length");
			content_length = strtoul(cl + 17, NULL, 10);
			char *cc = strcasestr(c->buf, "\r\nConnection: close");
			close_after = cc && cc < e;
		}
		if (c->len >= header_end + content_length)
			break;
	}
	int status = atoi(c->buf + 9);
	c->buf[header_end + content_length] = 0;
	*body = c->buf + header_end;
	if (close_after) {
		close(c->fd);
		c->fd = dial(false);
	}
	return status;
}

static int64_t json_first_id(const char *body)
{
	const char *p = strstr(body, "\"id\":");
	return p ? strtoll(p + 5, NULL, 10) : -1;
}

/* ---- latencies ---- */

typedef struct {
	double *v;
	size_t n, cap;
} series;

static void series_add(series *s, double x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		if (!s->v)
			die("out of memory");
	}
	s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(const double *v, size_t n, double q)
{
	if (!n)
		return NAN;
	size_t k = (size_t)ceil(q * (double)n);
	return v[k ? k - 1 : 0];
}

static void report(const char *name, series *s)
{
	qsort(s->v, s->n, sizeof *s->v, cmp_double);
	printf("%s_n=%zu\n%s_p50_ms=%.3f\n%s_p99_ms=%.3f\n%s_max_ms=%.3f\n", name, s->n, name,
	       pct(s->v, s->n, 0.50), name, pct(s->v, s->n, 0.99), name,
	       s->n ? s->v[s->n - 1] : NAN);
}

/* ---- the load ---- */

static _Atomic int64_t newest_id;
static _Atomic long pairs_done, reads_done, errors;
static _Atomic bool load_over;

typedef struct {
	series lat;
} worker;

static void *writer(void *arg)
{
	worker *w = arg;
	conn *c = calloc(1, sizeof *c);
	conn_open(c);
	char *body, path[96];
	while (!load_over) {
		int64_t t0 = now_us();
		int st = request(c, "POST", "/api/v1/incidents", register_body, &body, NULL);
		if (st != 201) {
			fprintf(stderr, "walbench: POST /incidents answered %d: %.200s\n", st,
			        body);
			if (++errors > 100)
				break;
			continue;
		}
		int64_t id = json_first_id(body);
		snprintf(path, sizeof path, "/api/v1/incidents/%lld/activate", (long long)id);
		st = request(c, "POST", path, "{}", &body, NULL);
		if (st != 200) {
			fprintf(stderr, "walbench: activate answered %d: %.200s\n", st, body);
			if (++errors > 100)
				break;
			continue;
		}
		series_add(&w->lat, (now_us() - t0) / 1000.0);
		if (id > newest_id)
			newest_id = id;
		pairs_done++;
	}
	close(c->fd);
	free(c);
	return NULL;
}

static void *reader(void *arg)
{
	worker *w = arg;
	conn *c = calloc(1, sizeof *c);
	conn_open(c);
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
		int64_t t0 = now_us();
		int st = request(c, "GET", path, NULL, &body, NULL);
		if (st != 200 && st != 404) {
			fprintf(stderr, "walbench: GET %s answered %d: %.200s\n", path, st, body);
			if (++errors > 100)
				break;
			continue;
		}
		series_add(&w->lat, (now_us() - t0) / 1000.0);
		reads_done++;
	}
	close(c->fd);
	free(c);
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
	int64_t start = now_us(), end = start + (int64_t)(seconds * 1e6);
	for (int i = 0; i < n; i++)
		pthread_create(&t[i], NULL, i < writers ? writer : reader, &w[i]);

	/* The sampler: every 100 ms while the load runs, then through the idle time. */
	int64_t wal_max = 0, wal_max_at = 0, next_report = start + 30000000;
	series wal_mib = {0};
	while (now_us() < end && errors <= 100) {
		usleep(100000);
		int64_t size = file_size(wal);
		series_add(&wal_mib, size / 1048576.0);
		if (size > wal_max) {
			wal_max = size;
			wal_max_at = now_us() - start;
		}
		if (now_us() >= next_report) {
			fprintf(
			    stderr,
			    "walbench: %4.0f s: %ld pairs, %ld reads, WAL %.1f MiB (max %.1f MiB), "
			    "database %.1f MiB\n",
			    (now_us() - start) / 1e6, (long)pairs_done, (long)reads_done,
			    size / 1048576.0, wal_max / 1048576.0, file_size(db) / 1048576.0);
			next_report += 30000000;
		}
	}
	load_over = true;
	series pair_lat = {0}, read_lat = {0};
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		series *into = i < writers ? &pair_lat : &read_lat;
		for (size_t k = 0; k < w[i].lat.n; k++)
			series_add(into, w[i].lat.v[k]);
	}
	double elapsed = (now_us() - start) / 1e6;
	int64_t wal_end_of_load = file_size(wal), db_end_of_load = file_size(db);
	/* Idle: the server should leave an empty log. */
	int64_t idle_start = now_us(), truncated_after = -1;
	while (now_us() < idle_start + (int64_t)(idle_seconds * 1e6)) {
		usleep(100000);
		if (truncated_after < 0 && file_size(wal) == 0)
			truncated_after = now_us() - idle_start;
	}
	printf("seconds=%.1f\npairs=%ld\npairs_per_s=%.1f\nreads=%ld\nreads_per_s=%.1f\n", elapsed,
	       (long)pairs_done, pairs_done / elapsed, (long)reads_done, reads_done / elapsed);
	printf("wal_max_mib=%.1f\nwal_max_at_s=%.0f\n", wal_max / 1048576.0, wal_max_at / 1e6);
	qsort(wal_mib.v, wal_mib.n, sizeof *wal_mib.v, cmp_double);
	printf("wal_p50_mib=%.1f\nwal_p99_mib=%.1f\n", pct(wal_mib.v, wal_mib.n, 0.5),
	       pct(wal_mib.v, wal_mib.n, 0.99));
	printf("wal_end_of_load_mib=%.1f\ndb_end_of_load_mib=%.1f\n", wal_end_of_load / 1048576.0,
	       db_end_of_load / 1048576.0);
	printf("wal_after_idle_mib=%.1f\nwal_truncated_after_idle_ms=%.0f\n",
	       file_size(wal) / 1048576.0, truncated_after < 0 ? -1.0 : truncated_after / 1000.0);
	report("pair", &pair_lat);
	report("read", &read_lat);
	printf("errors=%ld\n", (long)errors);
	return errors ? 1 : 0;
}
