/* incbench — the load generator of bench/incidents/run (compiled by that script).
 *
 * Talks plain HTTP/1.1 to a running xinfang over loopback with a session cookie and
 * CSRF token, and times everything with CLOCK_MONOTONIC inside this one process:
 *
 *   incbench pairs HOST PORT COOKIE CSRF N
 *       N sequential register + activate pairs on one keep-alive connection.
 *   incbench load HOST PORTS COOKIE CSRF CLIENTS SECONDS
 *       CLIENTS threads, each with its own connection, doing pairs for SECONDS.
 *   incbench read HOST PORTS COOKIE CSRF CLIENTS SECONDS list|search
 *       CLIENTS threads, each with its own connection, reading for SECONDS: the list of
 *       20 to 30 incidents below a random id (GET /incidents?limit=L&after_id=R, a
 *       different cache key nearly every time, so the store answers), or a search for
 *       one of the words the registrations use (GET /search?q=W&limit=20).
 *   PORTS is one port or several separated by commas (servers on the same database):
 *   client i talks to port i mod the number of ports.
 *   incbench fsync DIR N
 *       The durable-write floor of the disk: N appends of 4 KiB to a file in DIR, each
 *       followed by fdatasync (what one SQLite WAL commit with synchronous=FULL costs at
 *       least). No server involved.
 *   incbench sse HOST PORT COOKIE CSRF CLIENTS INCIDENTS SPACING_MS SERVER_PID
 *       Opens CLIENTS GET /api/v1/stream connections (one epoll thread), reads the
 *       server's VmRSS before and after, then registers INCIDENTS incidents SPACING_MS
 *       apart from another thread and measures, for every client and incident, the time
 *       from just before the POST is written to the moment that client has read the
 *       incident.register message of that incident.
 *
 * Results are printed as key=value lines for the script to tabulate. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "xfbench.h"

static const char *host, *cookie, *csrf;
static int port;
static int ports[16], n_ports = 1;

/* The port of client i (several servers: the load is split between them). */
static int port_of(int i)
{
	return ports[i % n_ports];
}

/* Registrations: 12 people to the province without advance information, as a drill
 * (grade II, procedure B: activation writes 18 task rows), with a place and demands in
 * Chinese taken in turn from these lists, so that search has text to find. */
static const char *const places[] = {"矿办公楼门前", "主井口", "职工食堂",
                                     "矿区大门",     "选煤厂", "公司信访办"};
static const char *const demands[] = {
    "要求补发拖欠的工资", "要求落实安置补偿", "反映退休待遇偏低",       "要求报销医疗费用",
    "反映住房分配不公",   "要求发放井下津贴", "反映综采一队加班费未发", "要求解决子女就业问题"};
/* What the searches ask for: words of the lists above, 2 to 4 characters, common and
 * rare. */
static const char *const search_words[] = {"工资", "拖欠工资", "安置补偿", "退休待遇",
                                           "医疗", "住房分配", "井下津贴", "综采",
                                           "就业", "办公楼",   "食堂",     "补偿"};
static unsigned registrations;

#define N_OF(a) (sizeof(a) / sizeof(a)[0])

static void make_register_body(char *buf, size_t cap)
{
	unsigned k = __atomic_fetch_add(&registrations, 1, __ATOMIC_RELAXED);
	snprintf(buf, cap,
	         "{\"headcount\":12,\"destination\":\"province\",\"advance_info\":false,"
	         "\"place\":\"%s\",\"units\":[],\"demands\":\"%s\",\"drill\":true}",
	         places[k % N_OF(places)], demands[k / N_OF(places) % N_OF(demands)]);
}

/* The times of register + activate pairs (ms): the pair, each half. */
typedef struct {
	xfb_samples pair, reg, act;
	int errors;
} samples;

/* One register + activate pair; false on an unexpected status. */
static bool pair(xfb_conn *c, samples *s)
{
	int64_t t[3];
	char body[512];
	make_register_body(body, sizeof body);
	if (xfb_register_activate(c, body, t) < 0) {
		s->errors++;
		return false;
	}
	xfb_samples_add(&s->pair, (t[2] - t[0]) / 1000.0);
	xfb_samples_add(&s->reg, (t[1] - t[0]) / 1000.0);
	xfb_samples_add(&s->act, (t[2] - t[1]) / 1000.0);
	return true;
}

static void report(const char *name, double *v, size_t n)
{
	xfb_samples s = {.ms = v, .n = n};
	xfb_report(name, &s, false, 3);
}

static int run_pairs(int n)
{
	xfb_conn *c = xfb_session_conn(host, port, cookie, csrf, 65536);
	samples s = {0};
	for (int i = 0; i < n; i++)
		pair(c, &s);
	xfb_report("pair", &s.pair, false, 3);
	xfb_report("register", &s.reg, false, 3);
	xfb_report("activate", &s.act, false, 3);
	printf("errors=%d\n", s.errors);
	return s.errors ? 1 : 0;
}

typedef struct {
	int64_t until;
	int port;
	samples s;
	const char *kind; /* read: "list" or "search" */
	int64_t max_id;   /* read: the newest incident */
	uint64_t rng;
} worker;

static void *load_worker(void *arg)
{
	worker *w = arg;
	xfb_conn *c = xfb_session_conn(host, w->port, cookie, csrf, 65536);
	while (xfb_now_us() < w->until)
		if (!pair(c, &w->s) && w->s.errors > 100)
			break;
	xfb_conn_free(c);
	return NULL;
}

static int run_load(int clients, double seconds)
{
	worker *w = calloc((size_t)clients, sizeof *w);
	pthread_t *t = calloc((size_t)clients, sizeof *t);
	int64_t start = xfb_now_us();
	for (int i = 0; i < clients; i++) {
		w[i].until = start + (int64_t)(seconds * 1e6);
		w[i].port = port_of(i);
		pthread_create(&t[i], NULL, load_worker, &w[i]);
	}
	xfb_samples all = {0}, reg = {0};
	for (int i = 0; i < clients; i++) {
		pthread_join(t[i], NULL);
		xfb_samples_merge(&all, &w[i].s.pair);
		xfb_samples_merge(&reg, &w[i].s.reg);
		all.errors += w[i].s.errors;
	}
	double elapsed = (xfb_now_us() - start) / 1e6;
	printf("load_pairs=%zu\nload_seconds=%.2f\nload_pairs_per_s=%.1f\n", all.n, elapsed,
	       all.n / elapsed);
	xfb_report("load_pair", &all, false, 3);
	xfb_report("load_register", &reg, false, 3);
	printf("errors=%d\n", all.errors);
	return all.errors ? 1 : 0;
}

/* ---- reads: the list below a random id, or a search ---- */

/* Percent-encodes s into out (UTF-8 bytes as %XX). */
static void url_encode(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; *s && n + 4 < cap; s++)
		n += (size_t)snprintf(out + n, cap - n, "%%%02X", (unsigned char)*s);
	out[n] = 0;
}

static void *read_worker(void *arg)
{
	worker *w = arg;
	xfb_conn *c = xfb_session_conn(host, w->port, cookie, csrf, 1 << 20);
	bool list = strcmp(w->kind, "list") == 0;
	while (xfb_now_us() < w->until) {
		char path[512], q[256], *body;
		uint64_t r = xfb_splitmix64(&w->rng);
		if (list) {
			int64_t below = w->max_id > 26
			                    ? 26 + (int64_t)(r % (uint64_t)(w->max_id - 25))
			                    : w->max_id + 1;
			/* 20 to 30 incidents: eleven times as many cache keys, so that even
			 * a database of a few hundred incidents is read uncached nearly
			 * every time (the cache holds 64 lists) */
			snprintf(path, sizeof path, "/api/v1/incidents?limit=%d&after_id=%lld",
			         20 + (int)(r >> 32) % 11, (long long)below);
		} else {
			url_encode(search_words[r % N_OF(search_words)], q, sizeof q);
			snprintf(path, sizeof path, "/api/v1/search?q=%s&limit=20", q);
		}
		int64_t t0;
		int st = xfb_request(c, "GET", path, NULL, &body, &t0);
		double ms = (xfb_now_us() - t0) / 1000.0;
		if (st != 200) {
			fprintf(stderr, "incbench: GET %s answered %d: %.200s\n", path, st, body);
			if (++w->s.errors > 100)
				break;
			continue;
		}
		xfb_samples_add(&w->s.pair, ms);
	}
	xfb_conn_free(c);
	return NULL;
}

static int run_read(int clients, double seconds, const char *kind)
{
	if (strcmp(kind, "list") != 0 && strcmp(kind, "search") != 0) {
		fprintf(stderr, "incbench: read list|search, not '%s'\n", kind);
		return 2;
	}
	/* the newest incident: the list's ids go from 1 to it */
	xfb_conn *c = xfb_session_conn(host, ports[0], cookie, csrf, 1 << 20);
	char *body;
	if (xfb_request(c, "GET", "/api/v1/incidents?limit=1", NULL, &body, NULL) != 200) {
		fprintf(stderr, "incbench: GET /incidents answered: %.200s\n", body);
		return 1;
	}
	int64_t max_id = xfb_json_first_id(body);
	xfb_conn_free(c);
	worker *w = calloc((size_t)clients, sizeof *w);
	pthread_t *t = calloc((size_t)clients, sizeof *t);
	int64_t start = xfb_now_us();
	for (int i = 0; i < clients; i++) {
		w[i].until = start + (int64_t)(seconds * 1e6);
		w[i].port = port_of(i);
		w[i].kind = kind;
		w[i].max_id = max_id;
		w[i].rng = 0x5eed2026u + (uint64_t)i;
		pthread_create(&t[i], NULL, read_worker, &w[i]);
	}
	xfb_samples all = {0};
	for (int i = 0; i < clients; i++) {
		pthread_join(t[i], NULL);
		xfb_samples_merge(&all, &w[i].s.pair);
		all.errors += w[i].s.errors;
	}
	double elapsed = (xfb_now_us() - start) / 1e6;
	printf("read_requests=%zu\nread_seconds=%.2f\nread_per_s=%.1f\nread_max_id=%lld\n", all.n,
	       elapsed, all.n / elapsed, (long long)max_id);
	xfb_report("read", &all, false, 3);
	printf("errors=%d\n", all.errors);
	return all.errors ? 1 : 0;
}

/* ---- the SSE fan-out measurement ---- */

#define MAX_SEEN 256

typedef struct {
	int fd;
	int state; /* 0 connecting/headers, 1 chunk size, 2 chunk data, 3 chunk CRLF */
	bool ok, connected;
	size_t chunk_left;
	char head[4096];
	size_t head_len;
	char size_line[32];
	size_t size_len;
	char msg[4096]; /* the SSE message being read */
	size_t msg_len;
	int n_seen;
	int64_t seen_id[MAX_SEEN], seen_us[MAX_SEEN];
} sse_client;

static long rss_kib(int pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	long kib = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = strtol(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

/* One complete SSE message: remember when an incident.register arrived. */
static void sse_message(sse_client *c, int64_t t)
{
	c->msg[c->msg_len] = 0;
	if (strstr(c->msg, ": connected"))
		c->connected = true;
	if (!strstr(c->msg, "\"action\":\"incident.register\""))
		return;
	const char *p = strstr(c->msg, "\"incident_id\":");
	if (!p || c->n_seen == MAX_SEEN)
		return;
	c->seen_id[c->n_seen] = strtoll(p + 14, NULL, 10);
	c->seen_us[c->n_seen] = t;
	c->n_seen++;
}

/* Feeds SSE payload bytes (chunk framing removed). */
static void sse_payload(sse_client *c, const char *p, size_t n, int64_t t)
{
	for (size_t i = 0; i < n; i++) {
		if (c->msg_len < sizeof c->msg - 1)
			c->msg[c->msg_len++] = p[i];
		if (p[i] == '\n' && c->msg_len >= 2 && c->msg[c->msg_len - 2] == '\n') {
			sse_message(c, t);
			c->msg_len = 0;
		}
	}
}

/* Feeds raw bytes from the socket: headers, then chunked transfer coding. */
static void sse_bytes(sse_client *c, const char *p, size_t n, int64_t t)
{
	size_t i = 0;
	while (i < n) {
		if (c->state == 0) {
			if (c->head_len < sizeof c->head - 1)
				c->head[c->head_len++] = p[i];
			i++;
			c->head[c->head_len] = 0;
			if (c->head_len >= 4 &&
			    strcmp(c->head + c->head_len - 4, "\r\n\r\n") == 0) {
				c->ok = strncmp(c->head, "HTTP/1.1 200", 12) == 0 &&
				        strcasestr(c->head, "Transfer-Encoding: chunked");
				if (!c->ok) {
					fprintf(stderr, "incbench: stream answered: %.300s\n",
					        c->head);
					exit(1);
				}
				c->state = 1;
			}
		} else if (c->state == 1) {
			char ch = p[i++];
			if (ch == '\n') {
				c->size_line[c->size_len] = 0;
				c->chunk_left = strtoul(c->size_line, NULL, 16);
				c->size_len = 0;
				c->state = c->chunk_left ? 2 : 1;
			} else if (ch != '\r' && c->size_len < sizeof c->size_line - 1) {
				c->size_line[c->size_len++] = ch;
			}
		} else if (c->state == 2) {
			size_t take = n - i < c->chunk_left ? n - i : c->chunk_left;
			sse_payload(c, p + i, take, t);
			i += take;
			c->chunk_left -= take;
			if (!c->chunk_left)
				c->state = 3;
		} else { /* CRLF after a chunk */
			if (p[i++] == '\n')
				c->state = 1;
		}
	}
}

typedef struct {
	int incidents, spacing_ms;
	int64_t *sent_us, *answered_us, *ids;
	volatile int done;
	int errors;
} poster;

static void *post_main(void *arg)
{
	poster *ps = arg;
	xfb_conn *c = xfb_session_conn(host, port, cookie, csrf, 65536);
	int64_t start = xfb_now_us();
	for (int i = 0; i < ps->incidents; i++) {
		int64_t slot = start + (int64_t)i * ps->spacing_ms * 1000;
		int64_t wait = slot - xfb_now_us();
		if (wait > 0)
			usleep((useconds_t)wait);
		char *body, reg[512];
		make_register_body(reg, sizeof reg);
		int st = xfb_request(c, "POST", "/api/v1/incidents", reg, &body, &ps->sent_us[i]);
		ps->answered_us[i] = xfb_now_us();
		ps->ids[i] = st == 201 ? xfb_json_first_id(body) : -1;
		if (st != 201) {
			fprintf(stderr, "incbench: POST /incidents answered %d: %.200s\n", st,
			        body);
			ps->errors++;
		}
	}
	xfb_conn_free(c);
	__atomic_store_n(&ps->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Opens the clients' streams in batches of 100, so that the listen backlog never
 * overflows, and waits for each batch to be answered; false when some were not. */
static bool sse_open(sse_client *cl, int clients, int ep)
{
	char req[2048], buf[65536];
	int rn = snprintf(req, sizeof req,
	                  "GET /api/v1/stream HTTP/1.1\r\nHost: %s:%d\r\nCookie: %s\r\n"
	                  "Accept: text/event-stream\r\n\r\n",
	                  host, port, cookie);
	struct epoll_event ev, events[256];
	int connected = 0;
	for (int i = 0; i < clients; i++) {
		cl[i].fd = xfb_dial(host, port, false);
		if (!xfb_write_all(cl[i].fd, req, (size_t)rn))
			xfb_die("write");
		fcntl(cl[i].fd, F_SETFL, fcntl(cl[i].fd, F_GETFL) | O_NONBLOCK);
		ev.events = EPOLLIN;
		ev.data.u32 = (uint32_t)i;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, cl[i].fd, &ev) != 0)
			xfb_die("epoll_ctl");
		if (i % 100 != 99 && i != clients - 1)
			continue;
		/* let the server answer this batch */
		int64_t until = xfb_now_us() + 2000000;
		while (connected < i + 1 && xfb_now_us() < until) {
			int k = epoll_wait(ep, events, 256, 100);
			for (int e = 0; e < k; e++) {
				sse_client *c = &cl[events[e].data.u32];
				ssize_t r = read(c->fd, buf, sizeof buf);
				if (r > 0) {
					bool was = c->connected;
					sse_bytes(c, buf, (size_t)r, xfb_now_us());
					connected += !was && c->connected;
				} else if (r == 0) {
					errno = 0;
					xfb_die("a stream connection closed while connecting");
				}
			}
		}
	}
	if (connected < clients) {
		fprintf(stderr, "incbench: only %d of %d stream connections were answered\n",
		        connected, clients);
		return false;
	}
	return true;
}

/* Reads the streams while ps registers, until all `expected` deliveries arrived or 3 s
 * after the last registration; returns how many streams the server closed. */
static int sse_receive(sse_client *cl, int ep, poster *ps, int64_t expected)
{
	struct epoll_event events[256];
	char buf[65536];
	int64_t received = 0, quiet_until = 0;
	int closed = 0;
	for (;;) {
		if (__atomic_load_n(&ps->done, __ATOMIC_ACQUIRE)) {
			if (!quiet_until)
				quiet_until =
				    xfb_now_us() + 3000000; /* stragglers: at most 3 s more */
			if (received >= expected || xfb_now_us() > quiet_until)
				break;
		}
		int k = epoll_wait(ep, events, 256, 50);
		int64_t t = xfb_now_us();
		for (int e = 0; e < k; e++) {
			sse_client *c = &cl[events[e].data.u32];
			for (;;) {
				ssize_t r = read(c->fd, buf, sizeof buf);
				if (r > 0) {
					int before = c->n_seen;
					sse_bytes(c, buf, (size_t)r, t);
					received += c->n_seen - before;
					continue;
				}
				if (r == 0) {
					closed++;
					epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
				}
				break;
			}
		}
	}
	return closed;
}

/* Matches every delivery to its registration and prints the latencies: from the POST to
 * each client, the POST's own answer (the durable commit; the server publishes before
 * answering), the first client, and the spread from first to last client. Returns the
 * number of deliveries matched. */
static size_t sse_report(const sse_client *cl, int clients, const poster *ps, int64_t expected,
                         int closed)
{
	int incidents = ps->incidents;
	double *lat = malloc((size_t)expected * sizeof *lat);
	double *first = calloc((size_t)incidents, sizeof *first),
	       *last = calloc((size_t)incidents, sizeof *last);
	size_t n = 0;
	int64_t unmatched = 0;
	for (int i = 0; i < clients; i++)
		for (int s = 0; s < cl[i].n_seen; s++) {
			int j;
			for (j = 0; j < incidents && ps->ids[j] != cl[i].seen_id[s]; j++)
				;
			if (j == incidents) {
				unmatched++;
				continue;
			}
			double l = (cl[i].seen_us[s] - ps->sent_us[j]) / 1000.0;
			if (!first[j] || l < first[j])
				first[j] = l;
			if (l > last[j])
				last[j] = l;
			if (n < (size_t)expected)
				lat[n++] = l;
		}
	printf("sse_expected=%lld\nsse_missing=%lld\nsse_unmatched=%lld\nsse_closed=%d\n",
	       (long long)expected, (long long)(expected - (int64_t)n), (long long)unmatched,
	       closed);
	report("sse", lat, n);
	double *post = malloc((size_t)incidents * sizeof *post),
	       *spread = malloc((size_t)incidents * sizeof *spread);
	for (int j = 0; j < incidents; j++) {
		post[j] = (ps->answered_us[j] - ps->sent_us[j]) / 1000.0;
		spread[j] = last[j] - first[j];
	}
	report("sse_post", post, (size_t)incidents);
	report("sse_first", first, (size_t)incidents);
	report("sse_spread", spread, (size_t)incidents);
	return n;
}

static int run_sse(int clients, int incidents, int spacing_ms, int server_pid)
{
	long rss_before = rss_kib(server_pid);
	sse_client *cl = calloc((size_t)clients, sizeof *cl);
	int ep = epoll_create1(0);
	if (ep < 0 || !cl)
		xfb_die("epoll/calloc");
	int64_t t_open = xfb_now_us();
	if (!sse_open(cl, clients, ep))
		return 1;
	double open_ms = (xfb_now_us() - t_open) / 1000.0;
	usleep(500000);
	long rss_connected = rss_kib(server_pid);

	poster ps = {.incidents = incidents, .spacing_ms = spacing_ms};
	ps.sent_us = calloc((size_t)incidents, sizeof *ps.sent_us);
	ps.ids = calloc((size_t)incidents, sizeof *ps.ids);
	ps.answered_us = calloc((size_t)incidents, sizeof *ps.answered_us);
	pthread_t pt;
	pthread_create(&pt, NULL, post_main, &ps);
	int64_t expected = (int64_t)clients * incidents;
	int closed = sse_receive(cl, ep, &ps, expected);
	pthread_join(pt, NULL);
	long rss_after = rss_kib(server_pid);

	printf("sse_clients=%d\nsse_open_ms=%.1f\nsse_incidents=%d\n", clients, open_ms, incidents);
	printf("rss_before_kib=%ld\nrss_connected_kib=%ld\nrss_after_kib=%ld\n", rss_before,
	       rss_connected, rss_after);
	size_t n = sse_report(cl, clients, &ps, expected, closed);
	printf("errors=%d\n", ps.errors);
	for (int i = 0; i < clients; i++)
		close(cl[i].fd);
	return ps.errors || n < (size_t)expected ? 1 : 0;
}

static int run_fsync(const char *dir, int n)
{
	char path[4096], block[4096];
	snprintf(path, sizeof path, "%s/fsync-probe", dir);
	int fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0)
		xfb_die("open the fsync probe file");
	memset(block, 'x', sizeof block);
	double *v = malloc((size_t)n * sizeof *v);
	for (int i = 0; i < n; i++) {
		if (i % 1000 == 0 && lseek(fd, 0, SEEK_SET) < 0)
			xfb_die("lseek");
		int64_t t0 = xfb_now_us();
		if (!xfb_write_all(fd, block, sizeof block))
			xfb_die("write");
		if (fdatasync(fd) != 0)
			xfb_die("fdatasync");
		v[i] = (xfb_now_us() - t0) / 1000.0;
	}
	close(fd);
	unlink(path);
	report("fsync", v, (size_t)n);
	return 0;
}

int main(int argc, char **argv)
{
	xfb_start("incbench");
	if (argc == 4 && strcmp(argv[1], "fsync") == 0)
		return run_fsync(argv[2], atoi(argv[3]));
	if (argc < 6) {
		fprintf(
		    stderr,
		    "usage: incbench pairs|load|read|sse HOST PORT[,PORT...] COOKIE CSRF ...\n");
		return 2;
	}
	host = argv[2];
	n_ports = 0;
	for (char *p = argv[3]; *p && n_ports < (int)N_OF(ports); p++) {
		ports[n_ports++] = (int)strtol(p, &p, 10);
		if (*p != ',')
			break;
	}
	port = ports[0];
	cookie = argv[4];
	csrf = argv[5];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (strcmp(argv[1], "pairs") == 0 && argc == 7)
		return run_pairs(atoi(argv[6]));
	if (strcmp(argv[1], "load") == 0 && argc == 8)
		return run_load(atoi(argv[6]), atof(argv[7]));
	if (strcmp(argv[1], "read") == 0 && argc == 9)
		return run_read(atoi(argv[6]), atof(argv[7]), argv[8]);
	if (strcmp(argv[1], "sse") == 0 && argc == 10)
		return run_sse(atoi(argv[6]), atoi(argv[7]), atoi(argv[8]), atoi(argv[9]));
	fprintf(stderr, "incbench: bad arguments\n");
	return 2;
}
