/* xfbench — the shared part of the bench/ load generators: clocks, the keep-alive
 * HTTP/1.1 client and latency samples (see xfbench.h). */
#define _GNU_SOURCE
#include "xfbench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

const char *xfb_prog = "xfbench";

void xfb_start(const char *prog)
{
	xfb_prog = prog;
	signal(SIGPIPE, SIG_IGN);
}

_Noreturn void xfb_die(const char *msg)
{
	fprintf(stderr, "%s: %s: %s\n", xfb_prog, msg, errno ? strerror(errno) : "failed");
	exit(1);
}

static double seconds_of(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int64_t xfb_now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

double xfb_now_s(void)
{
	return seconds_of(CLOCK_MONOTONIC);
}

double xfb_cpu_s(void)
{
	return seconds_of(CLOCK_THREAD_CPUTIME_ID);
}

void xfb_sleep_until(int64_t t_us)
{
	int64_t d = t_us - xfb_now_us();
	if (d > 0) {
		struct timespec ts = {.tv_sec = d / 1000000, .tv_nsec = (d % 1000000) * 1000};
		nanosleep(&ts, NULL);
	}
}

uint64_t xfb_splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct sockaddr_in xfb_address(const char *ip, int port)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) {
		errno = 0;
		xfb_die("bad IPv4 address");
	}
	return a;
}

/* A TCP_NODELAY socket; with timeout_s, sends and receives (and so the connect) give
 * up after that long. */
static int new_socket(bool nonblocking, int timeout_s)
{
	int fd = socket(AF_INET, SOCK_STREAM | (nonblocking ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		xfb_die("socket");
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (timeout_s) {
		struct timeval tv = {.tv_sec = timeout_s};
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	}
	return fd;
}

int xfb_dial(const char *ip, int port, bool nonblocking)
{
	struct sockaddr_in a = xfb_address(ip, port);
	int fd = new_socket(nonblocking, 0);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0 && errno != EINPROGRESS)
		xfb_die("connect");
	return fd;
}

bool xfb_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* ---- the keep-alive connection ---- */

xfb_conn *xfb_conn_new(const char *host, int port, size_t cap)
{
	xfb_conn *c = calloc(1, sizeof *c);
	if (!c || !(c->buf = malloc(cap)))
		xfb_die("out of memory");
	c->host = host;
	c->port = port;
	c->fd = -1;
	c->cap = cap;
	return c;
}

xfb_conn *xfb_session_conn(const char *host, int port, const char *cookie, const char *csrf,
                           size_t cap)
{
	xfb_conn *c = xfb_conn_new(host, port, cap);
	c->cookie = cookie;
	c->csrf = csrf;
	c->fatal = true;
	return c;
}

bool xfb_conn_open(xfb_conn *c)
{
	struct sockaddr_in a = xfb_address(c->host, c->port);
	c->fd = new_socket(false, c->timeout_s);
	if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) {
		if (c->fatal)
			xfb_die("connect");
		close(c->fd);
		c->fd = -1;
		return false;
	}
	c->len = 0;
	return true;
}

void xfb_conn_close(xfb_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

void xfb_conn_free(xfb_conn *c)
{
	if (!c)
		return;
	xfb_conn_close(c);
	free(c->buf);
	free(c);
}

/* A failed exchange: the connection is closed and -1 returned, or with c->fatal the
 * program ends with `what`. */
static int failed(xfb_conn *c, const char *what, bool keep_errno)
{
	if (c->fatal) {
		if (!keep_errno)
			errno = 0;
		xfb_die(what);
	}
	xfb_conn_close(c);
	return -1;
}

/* Reads until the answer's head and its Content-Length of body are in c->buf; the
 * offset of the body in *header_end, its length in *content_length. */
static int read_answer(xfb_conn *c, size_t *header_end, size_t *content_length, bool *close_after)
{
	c->len = 0;
	*header_end = 0;
	*content_length = 0;
	for (;;) {
		if (c->len == c->cap - 1)
			return failed(c, "response too large", false);
		ssize_t r = read(c->fd, c->buf + c->len, c->cap - 1 - c->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return failed(c, "connection closed while reading a response", false);
		c->len += (size_t)r;
		c->buf[c->len] = 0;
		if (!*header_end) {
			char *e = strstr(c->buf, "\r\n\r\n");
			if (!e)
				continue;
			*header_end = (size_t)(e - c->buf) + 4;
			char *cl = strcasestr(c->buf, "\r\nContent-Length:");
			if (!cl || cl > e)
				return failed(c, "response without Content-Length", false);
			*content_length = strtoul(cl + 17, NULL, 10);
			char *cc = strcasestr(c->buf, "\r\nConnection: close");
			*close_after = cc && cc < e;
		}
		if (c->len >= *header_end + *content_length)
			return 0;
	}
}

int xfb_request(xfb_conn *c, const char *method, const char *path, const char *json, char **body,
                int64_t *sent_us)
{
	static char empty[] = "";
	*body = empty;
	if (c->fd < 0 && !xfb_conn_open(c))
		return -1;
	char head[2048];
	int n = snprintf(head, sizeof head,
	                 "%s %s HTTP/1.1\r\nHost: %s:%d\r\n%s%s%s%s%s%s"
	                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
	                 method, path, c->host, c->port, c->cookie ? "Cookie: " : "",
	                 c->cookie ? c->cookie : "", c->cookie ? "\r\n" : "",
	                 c->csrf ? "X-CSRF-Token: " : "", c->csrf ? c->csrf : "",
	                 c->csrf ? "\r\n" : "", json ? strlen(json) : 0);
	if (sent_us)
		*sent_us = xfb_now_us();
	if (!xfb_write_all(c->fd, head, (size_t)n) ||
	    (json && !xfb_write_all(c->fd, json, strlen(json))))
		return failed(c, "write", true);
	size_t header_end, content_length;
	bool close_after = false;
	if (read_answer(c, &header_end, &content_length, &close_after) < 0)
		return -1;
	int status = atoi(c->buf + 9);
	c->buf[header_end + content_length] = 0;
	*body = c->buf + header_end;
	if (close_after)
		xfb_conn_close(c);
	return status;
}

int64_t xfb_json_first_id(const char *body)
{
	const char *p = strstr(body, "\"id\":");
	return p ? strtoll(p + 5, NULL, 10) : -1;
}

int64_t xfb_register_activate(xfb_conn *c, const char *body, int64_t t[3])
{
	char *answer, path[96];
	int st = xfb_request(c, "POST", "/api/v1/incidents", body, &answer, &t[0]);
	t[1] = xfb_now_us();
	if (st != 201) {
		fprintf(stderr, "%s: POST /incidents answered %d: %.200s\n", xfb_prog, st, answer);
		return -1;
	}
	int64_t id = xfb_json_first_id(answer);
	snprintf(path, sizeof path, "/api/v1/incidents/%lld/activate", (long long)id);
	st = xfb_request(c, "POST", path, "{}", &answer, NULL);
	t[2] = xfb_now_us();
	if (st != 200) {
		fprintf(stderr, "%s: activate answered %d: %.200s\n", xfb_prog, st, answer);
		return -1;
	}
	return id;
}

/* ---- samples ---- */

void xfb_samples_add(xfb_samples *s, double ms)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->ms = realloc(s->ms, s->cap * sizeof *s->ms);
		if (!s->ms)
			xfb_die("out of memory");
	}
	s->ms[s->n++] = ms;
}

void xfb_samples_merge(xfb_samples *into, const xfb_samples *from)
{
	for (size_t i = 0; i < from->n; i++)
		xfb_samples_add(into, from->ms[i]);
	into->errors += from->errors;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void xfb_sort(double *v, size_t n)
{
	qsort(v, n, sizeof *v, cmp_double);
}

double xfb_pct(const double *sorted, size_t n, double q)
{
	if (!n)
		return NAN;
	size_t k = (size_t)ceil(q * (double)n);
	return sorted[k ? k - 1 : 0];
}

void xfb_report(const char *name, xfb_samples *s, bool with_errors, int decimals)
{
	xfb_sort(s->ms, s->n);
	printf("%s_n=%zu\n", name, s->n);
	if (with_errors)
		printf("%s_errors=%d\n", name, s->errors);
	printf("%s_p50_ms=%.*f\n%s_p99_ms=%.*f\n%s_max_ms=%.*f\n", name, decimals,
	       xfb_pct(s->ms, s->n, 0.50), name, decimals, xfb_pct(s->ms, s->n, 0.99), name,
	       decimals, s->n ? s->ms[s->n - 1] : NAN);
}
