/* xfbench — what the C load generators under bench/ share, compiled into each of them
 * by its run script (cc ... bench/lib/xfbench.c): dying with the program's name, the
 * clocks, a keep-alive HTTP/1.1 client for a xinfang server on loopback (session cookie,
 * CSRF token, answers with Content-Length), and latency samples reported as nearest-rank
 * percentiles in key=value lines, and deterministic random numbers. Needs no part of
 * xinfang itself (xfbench_store.h has the helpers of the generators that link its
 * library). */
#ifndef XFBENCH_H
#define XFBENCH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The program's name in messages, set by xfb_start. */
extern const char *xfb_prog;

/* Called first in main: names the program ("walbench") and ignores SIGPIPE, so that a
 * connection the server closed is a failed write, not the end of the program. */
void xfb_start(const char *prog);

/* Prints "PROG: MSG: strerror(errno)" (or "failed" when errno is 0) and exits 1. */
_Noreturn void xfb_die(const char *msg);

/* CLOCK_MONOTONIC in microseconds and in seconds; the calling thread's CPU time in
 * seconds; sleeping until a xfb_now_us() time. */
int64_t xfb_now_us(void);
double xfb_now_s(void);
double xfb_cpu_s(void);
void xfb_sleep_until(int64_t t_us);

/* The next number of the splitmix64 sequence from *state: the same data on every run. */
uint64_t xfb_splitmix64(uint64_t *state);

/* An IPv4 address and port; dies on a bad address. */
struct sockaddr_in xfb_address(const char *ip, int port);

/* A TCP connection (TCP_NODELAY) to ip:port, non-blocking when asked (the connect may
 * then be in progress); dies when it cannot be made. */
int xfb_dial(const char *ip, int port, bool nonblocking);

/* Writes all of p to a socket or file; false when that failed. */
bool xfb_write_all(int fd, const char *p, size_t n);

/* A blocking keep-alive connection and its answer buffer. */
typedef struct {
	const char *host;
	int port;
	const char *cookie; /* "xf_session=..."; NULL: none sent */
	const char *csrf;   /* NULL: none sent */
	int timeout_s;      /* send/receive (and connect) timeout; 0: none */
	bool fatal;         /* a failed connection ends the program instead of returning -1 */
	int fd;             /* -1: not connected */
	char *buf;
	size_t cap, len;
} xfb_conn;

/* A connection with an answer buffer of cap bytes, not yet connected; the fields from
 * cookie to fatal may be set before the first request. */
xfb_conn *xfb_conn_new(const char *host, int port, size_t cap);
/* A connection that sends the session (cookie, CSRF token) and ends the program when it
 * fails: the client of the generators that stop on any fault. */
xfb_conn *xfb_session_conn(const char *host, int port, const char *cookie, const char *csrf,
                           size_t cap);
bool xfb_conn_open(xfb_conn *c);
void xfb_conn_close(xfb_conn *c);
void xfb_conn_free(xfb_conn *c);

/* Sends a request (json: the body, or NULL) and reads the whole answer; returns the
 * status and the body in *body (NUL-terminated, in c->buf until the next call), or -1
 * when the connection failed (it is closed; the next call opens another; with c->fatal
 * the program ends instead). *sent_us, when given, is the time just before writing. A
 * server that closes after answering is dialled again by the next call. */
int xfb_request(xfb_conn *c, const char *method, const char *path, const char *json, char **body,
                int64_t *sent_us);

/* The first "id": number of a JSON answer, or -1. */
int64_t xfb_json_first_id(const char *body);

/* POST /api/v1/incidents with `body`, then activates the incident: returns its id, or
 * -1 after printing the unexpected answer on stderr. t[0] is the time the registration
 * was sent, t[1] when its answer was read, t[2] when the activation's was (us). */
int64_t xfb_register_activate(xfb_conn *c, const char *body, int64_t t[3]);

/* Latency samples in milliseconds and a count of errors. */
typedef struct {
	double *ms;
	size_t n, cap;
	int errors;
} xfb_samples;

void xfb_samples_add(xfb_samples *s, double ms);
void xfb_samples_merge(xfb_samples *into, const xfb_samples *from);

/* Sorts v ascending; the nearest-rank percentile q (0..1) of a sorted array (NAN when
 * empty). */
void xfb_sort(double *v, size_t n);
double xfb_pct(const double *sorted, size_t n, double q);

/* Sorts the samples and prints NAME_n, NAME_errors (with_errors), NAME_p50_ms,
 * NAME_p99_ms and NAME_max_ms, with `decimals` digits after the point. */
void xfb_report(const char *name, xfb_samples *s, bool with_errors, int decimals);

#endif
