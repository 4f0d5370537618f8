/* stallbench — the load generator of bench/stall/run (compiled by that script).
 *
 * Talks plain HTTP/1.1 to a running xinfang over loopback and times everything with
 * CLOCK_MONOTONIC in this one process. Results are key=value lines for the script.
 *
 *   stallbench probe HOST PORT COOKIE SECONDS CONNS HZ TIMEOUT_S DELAY_S
 *       The measured clients: CONNS keep-alive connections asking GET /api/v1/health
 *       and CONNS asking GET /api/v1/incidents?limit=25 with COOKIE, each connection
 *       HZ times a second on a fixed schedule for SECONDS. The connections are opened
 *       one every 25 ms and the schedule starts DELAY_S after the last, so the script
 *       can start the
 *       load in between: connections that exist before a stall spread over the
 *       server's polling threads as a browser's would, instead of all landing on
 *       whichever thread is still free to accept them. Latency is counted from the
 *       time a request was due, not from when it could be written, so a connection
 *       stalled for 10 s counts every request it owed in those 10 s at its full wait
 *       (no coordinated omission). Prints health_* and read_* (n, p50, p99, max, errors).
 *   stallbench write HOST PORT COOKIE CSRF CLIENTS SECONDS DELAY_S
 *       CLIENTS connections, opened at once, registering incidents (POST
 *       /api/v1/incidents) back to back from DELAY_S on for SECONDS. Prints write_*.
 *   stallbench verify HOST PORT COOKIE SECONDS DELAY_S
 *       One connection, opened at once, asking GET /api/v1/audit/verify again and again
 *       from DELAY_S on for SECONDS (the last one is waited for). Prints verify_* and
 *       the last answer.
 *   stallbench slowloris SOURCE HOST PORT N SECONDS TRICKLE_S READY_FILE
 *       Opens N connections from the local address SOURCE, sends a request line and
 *       then one header byte per connection every TRICKLE_S seconds, never ending the
 *       header. After all connects and 2 s for the server to sort them, prints how many
 *       completed the TCP handshake and how many the server has closed, and creates
 *       READY_FILE; SECONDS later prints how many are still open, and ends.
 *
 * Any failed request (an unexpected status, a closed connection, a timeout) counts as
 * an error and the connection is opened again; nothing here stops on the server's
 * behaviour, only on its own faults. */
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
#include <sys/socket.h>
#include <unistd.h>

#include "xfbench.h"

static const char *host;
static int port;

static const char register_body[] =
    "{\"headcount\":12,\"destination\":\"province\",\"advance_info\":false,"
    "\"place\":\"stall bench\",\"units\":[],\"demands\":\"benchmark\",\"drill\":true}";

/* ---- probe, write and verify clients ---- */

typedef struct {
	const char *path, *cookie, *csrf, *method, *json;
	int expect;
	int64_t start, until; /* us */
	int64_t interval;     /* us; 0: back to back */
	int64_t open_at;      /* us: when to connect (0: at once) */
	int64_t open_step;    /* us: the next client of a group connects this much later */
	int timeout_s;
	xfb_samples s;
	char last[512]; /* the last answer's body, cut */
	int last_status;
} client;

static void *client_main(void *arg)
{
	client *k = arg;
	xfb_conn *c = xfb_conn_new(host, port, 1 << 18);
	c->cookie = k->cookie;
	c->csrf = k->csrf;
	c->timeout_s = k->timeout_s;
	xfb_sleep_until(k->open_at);
	if (!xfb_conn_open(c))
		k->s.errors++;
	xfb_sleep_until(k->start);
	for (int64_t i = 0;; i++) {
		int64_t due = k->interval ? k->start + i * k->interval : xfb_now_us();
		if (due >= k->until)
			break;
		xfb_sleep_until(due);
		char *body;
		int st = xfb_request(c, k->method, k->path, k->json, &body, NULL);
		int64_t done = xfb_now_us();
		k->last_status = st;
		snprintf(k->last, sizeof k->last, "%s", body);
		if (st == k->expect) {
			xfb_samples_add(&k->s, (double)(done - due) / 1000.0);
		} else {
			k->s.errors++;
			if (k->s.errors <= 3)
				fprintf(stderr, "stallbench: %s %s answered %d: %.200s\n",
				        k->method, k->path, st, body);
			if (st < 0 && k->interval == 0)
				usleep(
				    10000); /* a refused connection is not retried in a busy loop */
		}
	}
	xfb_conn_free(c);
	return NULL;
}

typedef struct {
	const char *name;
	client tpl;
	int n;
	client *k;
	pthread_t *t;
} group;

static void group_start(group *g)
{
	g->k = calloc((size_t)g->n, sizeof *g->k);
	g->t = calloc((size_t)g->n, sizeof *g->t);
	if (!g->k || !g->t)
		xfb_die("out of memory");
	for (int i = 0; i < g->n; i++) {
		g->k[i] = g->tpl;
		g->k[i].open_at = g->tpl.open_at + g->tpl.open_step * i;
		if (g->tpl.interval)
			g->k[i].start = g->tpl.start + g->tpl.interval * i / g->n;
		if (pthread_create(&g->t[i], NULL, client_main, &g->k[i]) != 0)
			xfb_die("pthread_create");
	}
}

static xfb_samples group_join(group *g)
{
	xfb_samples all = {0};
	for (int i = 0; i < g->n; i++) {
		pthread_join(g->t[i], NULL);
		xfb_samples_merge(&all, &g->k[i].s);
	}
	return all;
}

static int run_probe(const char *cookie, double seconds, int conns, double hz, int timeout_s,
                     double delay_s)
{
	/* One connection every 25 ms, alternating endpoints, as clients arriving one by
	 * one: each is accepted on its own, so they spread over the polling threads. */
	int64_t opening = xfb_now_us(), step = 25000;
	int64_t start = opening + 2 * conns * step + 10000 + (int64_t)(delay_s * 1e6),
	        until = start + (int64_t)(seconds * 1e6);
	int64_t interval = (int64_t)(1e6 / hz);
	group health = {.name = "health",
	                .n = conns,
	                .tpl = {.method = "GET",
	                        .path = "/api/v1/health",
	                        .expect = 200,
	                        .start = start,
	                        .until = until,
	                        .interval = interval,
	                        .timeout_s = timeout_s,
	                        .open_at = opening,
	                        .open_step = 2 * step}};
	group read = {.name = "read",
	              .n = conns,
	              .tpl = {.method = "GET",
	                      .path = "/api/v1/incidents?limit=25",
	                      .cookie = cookie,
	                      .expect = 200,
	                      .start = start,
	                      .until = until,
	                      .interval = interval,
	                      .timeout_s = timeout_s,
	                      .open_at = opening + step,
	                      .open_step = 2 * step}};
	group_start(&health);
	group_start(&read);
	xfb_samples h = group_join(&health), r = group_join(&read);
	xfb_report("health", &h, true, 2);
	xfb_report("read", &r, true, 2);
	return 0;
}

static int run_write(const char *cookie, const char *csrf, int clients, double seconds,
                     double delay_s)
{
	int64_t start = xfb_now_us() + (int64_t)(delay_s * 1e6);
	group w = {.name = "write",
	           .n = clients,
	           .tpl = {.method = "POST",
	                   .path = "/api/v1/incidents",
	                   .cookie = cookie,
	                   .csrf = csrf,
	                   .json = register_body,
	                   .expect = 201,
	                   .start = start,
	                   .until = start + (int64_t)(seconds * 1e6),
	                   .timeout_s = 60}};
	group_start(&w);
	xfb_samples s = group_join(&w);
	printf("write_per_s=%.1f\n", (double)s.n / ((double)(xfb_now_us() - start) / 1e6));
	xfb_report("write", &s, true, 2);
	return 0;
}

static int run_verify(const char *cookie, double seconds, double delay_s)
{
	int64_t start = xfb_now_us() + (int64_t)(delay_s * 1e6);
	group v = {.name = "verify",
	           .n = 1,
	           .tpl = {.method = "GET",
	                   .path = "/api/v1/audit/verify",
	                   .cookie = cookie,
	                   .expect = 200,
	                   .start = start,
	                   .until = start + (int64_t)(seconds * 1e6),
	                   .timeout_s = 600}};
	group_start(&v);
	xfb_samples s = group_join(&v);
	xfb_report("verify", &s, true, 2);
	for (char *p = v.k[0].last; *p; p++)
		if (*p == '\n')
			*p = ' ';
	printf("verify_last_status=%d\nverify_last=%s\n", v.k[0].last_status, v.k[0].last);
	return 0;
}

/* ---- slowloris ---- */

enum { SL_CONNECTING, SL_OPEN, SL_CLOSED, SL_FAILED };

typedef struct {
	int fd, state;
	size_t sent; /* bytes of the trickled header sent */
} slow_conn;

static const char trickle[] = "X-Slow-Client: a-header-that-is-never-finished-"
                              "0123456789abcdefghijklmnopqrstuvwxyz0123456789\r\n";

static void slow_close(slow_conn *s, int state, int epfd)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, s->fd, NULL);
	close(s->fd);
	s->fd = -1;
	s->state = state;
}

/* Handles what epoll reports until deadline. */
static void slow_poll(int epfd, slow_conn *sc, int64_t deadline, int *closed_by_server)
{
	struct epoll_event ev[256];
	for (;;) {
		int64_t left = deadline - xfb_now_us();
		if (left <= 0)
			return;
		int n = epoll_wait(epfd, ev, 256, (int)(left / 1000) + 1);
		for (int i = 0; i < n; i++) {
			slow_conn *s = &sc[ev[i].data.u32];
			if (s->fd < 0)
				continue;
			if (s->state == SL_CONNECTING) {
				int err = 0;
				socklen_t len = sizeof err;
				getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &len);
				if (err) {
					slow_close(s, SL_FAILED, epfd);
					continue;
				}
				static const char line[] =
				    "GET /api/v1/health HTTP/1.1\r\nHost: stall\r\n";
				if (send(s->fd, line, sizeof line - 1, MSG_NOSIGNAL) < 0) {
					slow_close(s, SL_CLOSED, epfd);
					(*closed_by_server)++;
					continue;
				}
				s->state = SL_OPEN;
				struct epoll_event e = {.events = EPOLLIN | EPOLLRDHUP,
				                        .data.u32 = ev[i].data.u32};
				epoll_ctl(epfd, EPOLL_CTL_MOD, s->fd, &e);
				continue;
			}
			char buf[4096];
			ssize_t r = read(s->fd, buf, sizeof buf);
			if (r < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			/* end of stream, a reset, or an answer (which ends the request): the server
			 * has dealt with this connection */
			slow_close(s, SL_CLOSED, epfd);
			(*closed_by_server)++;
		}
	}
}

static int run_slowloris(const char *source, int n, double seconds, double trickle_s,
                         const char *ready_file)
{
	struct sockaddr_in from = xfb_address(source, 0), to = xfb_address(host, port);
	slow_conn *sc = calloc((size_t)n, sizeof *sc);
	int epfd = epoll_create1(0);
	if (!sc || epfd < 0)
		xfb_die("setup");
	int64_t start = xfb_now_us();
	int closed_by_server = 0;
	/* batches of 100 every 20 ms, so the listen queue never overflows */
	for (int i = 0; i < n; i++) {
		sc[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (sc[i].fd < 0)
			xfb_die("socket (raise ulimit -n)");
		if (bind(sc[i].fd, (struct sockaddr *)&from, sizeof from) != 0)
			xfb_die("bind to the source address");
		if (connect(sc[i].fd, (struct sockaddr *)&to, sizeof to) != 0 &&
		    errno != EINPROGRESS) {
			close(sc[i].fd);
			sc[i].fd = -1;
			sc[i].state = SL_FAILED;
			continue;
		}
		struct epoll_event e = {.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP,
		                        .data.u32 = (uint32_t)i};
		epoll_ctl(epfd, EPOLL_CTL_ADD, sc[i].fd, &e);
		if (i % 100 == 99)
			slow_poll(epfd, sc, xfb_now_us() + 20000, &closed_by_server);
	}
	int64_t connected_at = xfb_now_us();
	slow_poll(epfd, sc, connected_at + 2000000, &closed_by_server);
	int handshakes = 0, open = 0, failed = 0;
	for (int i = 0; i < n; i++) {
		handshakes += sc[i].state == SL_OPEN || sc[i].state == SL_CLOSED;
		open += sc[i].state == SL_OPEN;
		failed += sc[i].state == SL_FAILED || sc[i].state == SL_CONNECTING;
	}
	printf("slow_attempted=%d\nslow_connect_seconds=%.2f\nslow_handshakes=%d\n"
	       "slow_not_connected=%d\nslow_closed_by_server=%d\nslow_open=%d\n",
	       n, (double)(connected_at - start) / 1e6, handshakes, failed, closed_by_server, open);
	fflush(stdout);
	FILE *f = fopen(ready_file, "w");
	if (!f)
		xfb_die("cannot create the ready file");
	fclose(f);
	int64_t next = xfb_now_us(), until = next + (int64_t)(seconds * 1e6);
	int trickled = 0;
	while (xfb_now_us() < until) {
		if (xfb_now_us() >= next) {
			for (int i = 0; i < n; i++) {
				slow_conn *s = &sc[i];
				if (s->state != SL_OPEN)
					continue;
				char byte = trickle[s->sent % (sizeof trickle - 1)];
				if (send(s->fd, &byte, 1, MSG_NOSIGNAL) == 1) {
					s->sent++;
					trickled++;
				} else if (errno != EAGAIN) {
					slow_close(s, SL_CLOSED, epfd);
					closed_by_server++;
				}
			}
			next += (int64_t)(trickle_s * 1e6);
		}
		int64_t wake = next < until ? next : until;
		slow_poll(epfd, sc, wake, &closed_by_server);
	}
	open = 0;
	for (int i = 0; i < n; i++) {
		open += sc[i].state == SL_OPEN;
		if (sc[i].fd >= 0)
			close(sc[i].fd);
	}
	printf("slow_open_end=%d\nslow_closed_by_server_end=%d\nslow_bytes_trickled=%d\n", open,
	       closed_by_server, trickled);
	free(sc);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: stallbench probe HOST PORT COOKIE SECONDS CONNS HZ TIMEOUT_S DELAY_S\n"
	        "       stallbench write HOST PORT COOKIE CSRF CLIENTS SECONDS DELAY_S\n"
	        "       stallbench verify HOST PORT COOKIE SECONDS DELAY_S\n"
	        "       stallbench slowloris SOURCE HOST PORT N SECONDS TRICKLE_S READY\n");
	exit(2);
}

int main(int argc, char **argv)
{
	xfb_start("stallbench");
	if (argc < 2)
		usage();
	const char *mode = argv[1];
	if (strcmp(mode, "slowloris") == 0) {
		if (argc != 9)
			usage();
		host = argv[3];
		port = atoi(argv[4]);
		return run_slowloris(argv[2], atoi(argv[5]), atof(argv[6]), atof(argv[7]), argv[8]);
	}
	if (argc < 5)
		usage();
	host = argv[2];
	port = atoi(argv[3]);
	if (strcmp(mode, "probe") == 0 && argc == 10)
		return run_probe(argv[4], atof(argv[5]), atoi(argv[6]), atof(argv[7]),
		                 atoi(argv[8]), atof(argv[9]));
	if (strcmp(mode, "write") == 0 && argc == 9)
		return run_write(argv[4], argv[5], atoi(argv[6]), atof(argv[7]), atof(argv[8]));
	if (strcmp(mode, "verify") == 0 && argc == 7)
		return run_verify(argv[4], atof(argv[5]), atof(argv[6]));
	usage();
	return 2;
}
