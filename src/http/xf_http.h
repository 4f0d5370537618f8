/* The HTTP server: libmicrohttpd underneath, a route table on top.
 *
 * A request flows: raw target parsed (xf_url) -> route matched (404/405) -> session
 * established by the authenticate hook unless the route is public -> CSRF checked on
 * state changes -> one-time password rule -> the route's permission checked with
 * xf_perm_allows() -> handler. Handlers fill the response with the xf_reply_*()
 * functions.
 *
 * No handler of an API route runs on a polling thread: the polling threads only read
 * requests, write replies and serve static files, so a request that waits (for the
 * write lock, an fsync, a long verification) never stalls another. Each routed
 * request runs on one of three worker pools while its connection is suspended:
 * reads (GET routes; under WAL they never wait for a writer), writes (every other
 * method, and GET routes flagged XF_ROUTE_WRITES, such as a file view that is logged),
 * and slow work (XF_ROUTE_SLOW: password hashing, whole-chain verification). Routes
 * flagged XF_ROUTE_INLINE (liveness) run on the polling thread. So does a read flagged
 * XF_ROUTE_MEMORY_FIRST when both its session and its answer are in memory (a list
 * unchanged since it was last read): the handler runs once with req->memory_only set,
 * must not touch the store then, and returns without answering when it would need to;
 * it then runs again on the read pool. The hand-over to a pool costs more than such an
 * answer.
 *
 * Connections are bounded: per client address, in total, and with a reserve near the
 * total that only requests carrying a session may use; idle connections time out.
 *
 * Everything a handler allocates for the request comes from req->arena, released
 * when the response has been sent. Paths outside /api/ are static files from the web
 * directory. Every response carries X-Request-Id and the security headers. */
#ifndef XF_HTTP_H
#define XF_HTTP_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/xf_perm.h"
#include "core/xf_user.h"
#include "http/xf_json.h"
#include "http/xf_url.h"
#include "util/xf_arena.h"
#include "util/xf_buf.h"

typedef struct xf_req xf_req;
typedef void (*xf_handler)(xf_req *req);
struct MHD_Connection;
/* A connection of the server, opaque outside src/http (for xf_http_park and _wake). */
typedef struct MHD_Connection xf_conn;

/* A streamed response (Server-Sent Events). The reader is called on a polling thread
 * to fill buf (at most max bytes) and returns the count; XF_STREAM_END ends the
 * response; 0 means nothing to send now and must follow xf_http_park(), which parks
 * the connection until xf_http_wake(). */
#define XF_STREAM_END (-1)
typedef ssize_t (*xf_stream_reader)(void *ctx, uint64_t pos, char *buf, size_t max);

enum {
	XF_ROUTE_SLOW = 1 << 0,            /* run on the pool for slow work */
	XF_ROUTE_NO_CSRF = 1 << 1,         /* state-changing but exempt (login) */
	XF_ROUTE_PASSWORD_CHANGE = 1 << 2, /* allowed while a password change is due */
	XF_ROUTE_WRITES = 1 << 3,          /* a GET that writes: run on the write pool */
	XF_ROUTE_INLINE = 1 << 4,          /* touches nothing: run on the polling thread */
	XF_ROUTE_MEMORY_FIRST = 1 << 5,    /* a read first tried from memory (req->memory_only) */
	XF_ROUTE_STREAM_BODY = 1 << 6,     /* the body is streamed to a sink, never buffered */
};

/* A route flagged XF_ROUTE_STREAM_BODY (an upload) has its own size cap
 * (xf_http_config.stream_body_max) and its handler runs twice on the write pool: once
 * when the headers are in (req->body_phase == XF_BODY_BEFORE; session, CSRF and the
 * route's permission were checked as for any route), where it either answers (a
 * refusal, sent at once; the connection closes) or sets req->body_sink and
 * req->body_ctx; then every piece of the body goes to the sink on the polling thread as
 * it arrives; once the body is complete the handler runs again (XF_BODY_DONE) and
 * answers. A sink returning non-zero gets no more bytes (the handler sees why in its
 * context). body_release(ctx), when set, runs when the request ends, answered or not. */
enum { XF_BODY_NONE, XF_BODY_BEFORE, XF_BODY_STREAMING, XF_BODY_DONE };
typedef int (*xf_body_sink)(void *ctx, const char *data, size_t len);

typedef struct xf_route {
	const char *method;
	const char *pattern; /* below /api/v1, e.g. "/users/{id}" */
	xf_perm perm;
	unsigned flags;
	xf_handler handler;
} xf_route;

typedef struct xf_header {
	const char *name, *value;
	struct xf_header *next;
} xf_header;

/* The pools that run handlers (see the top of this file). */
typedef enum xf_pool_kind { XF_POOL_READ, XF_POOL_WRITE, XF_POOL_SLOW, XF_POOL_COUNT } xf_pool_kind;

/* The largest answer built in memory (req->out), far above any the API gives (a
 * report's PDF or DOCX is the biggest; stored files and archives are sent from disk).
 * A handler appends blindly; an answer that outgrows it is logged and answered 500,
 * never sent cut short. */
#define XF_REPLY_MAX ((size_t)256 << 20)

struct xf_req {
	xf_arena arena;
	struct MHD_Connection *conn;
	const char *method;
	const char *raw_target;
	xf_url url;
	xf_route_params params;
	const xf_route *route;
	char request_id[17];
	char client_addr[64];
	int64_t start_us;
	xf_buf body;
	xf_user user;          /* valid when user.id != 0 */
	xf_header *in_headers; /* the request's headers, in the arena */
	bool memory_only;      /* see XF_ROUTE_MEMORY_FIRST: the store must not be touched */

	/* Response. */
	int status;
	xf_buf out; /* capped at XF_REPLY_MAX, like curl's dynbuf */
	const char *content_type;
	xf_header *headers;
	bool close_connection; /* answer with Connection: close */
	bool near_limit;       /* admitted into the reserve: closed unless signed in */
	int static_fd;         /* >= 0: the response is this file */
	uint64_t static_size;
	xf_stream_reader stream_reader; /* non-NULL: the response is a stream */
	void (*stream_release)(void *ctx);
	void *stream_ctx;

	/* Internal state of the request's life. */
	int state;
	void *server;
	struct xf_req *next_job; /* worker queue link */
	json_t *json;            /* parsed body, owned */

	/* A streamed body (XF_ROUTE_STREAM_BODY). */
	int body_phase;
	xf_body_sink body_sink;
	void *body_ctx;
	void (*body_release)(void *ctx);
	uint64_t body_bytes; /* received so far */
	bool body_sink_failed;
	bool body_resumed; /* the first call after the first run: not the body's end */
	bool answer_now;   /* refused before its body: answer without reading it */
};

/* Establishes req->user from the request's session. Returns XF_OK, or replies (401)
 * and returns XF_ERR. */
typedef int (*xf_authenticate_fn)(xf_req *req);
/* Establishes req->user from memory alone, without replying: XF_OK, or XF_NOTFOUND
 * when only the store can tell. */
typedef int (*xf_authenticate_cached_fn)(xf_req *req);

typedef struct xf_http_config {
	const char *listen; /* "127.0.0.1:8080" */
	const char *web_dir;
	size_t body_max;
	uint64_t stream_body_max; /* XF_ROUTE_STREAM_BODY routes (+1 MiB); 0: 200 MiB */
	unsigned poll_threads;
	unsigned pool_threads[XF_POOL_COUNT]; /* 0: the default of each pool */
	unsigned max_connections;             /* 0: 10,000 */
	unsigned per_address;                 /* connections per client address; 0: 64 */
	unsigned reserve;                     /* near the total, for signed-in requests; 0: 64 */
	unsigned timeout_s;                   /* idle connections; 0: 30 */
	const xf_route *routes;
	size_t n_routes;
	xf_authenticate_fn authenticate;
	xf_authenticate_cached_fn authenticate_cached; /* optional: the polling-thread fast path */
	bool quiet;                                    /* no access log (benchmarks) */
	/* Peers whose X-Forwarded-For names the client (util/xf_proxy.h); NULL or empty:
	 * the header is ignored. Owned by the caller, alive while the server runs. */
	const struct xf_proxy_list *trusted_proxies;
} xf_http_config;

typedef struct xf_server xf_server;

/* Starts listening; on failure returns NULL after printing why. */
xf_server *xf_http_start(const xf_http_config *config);
/* Stops: handlers already queued run and answer, then the connections close. */
void xf_http_stop(xf_server *s);

/* In-process requests, without a socket or threads: the whole path of a request (the
 * checks on method and headers, target, route, session, handler, reply encoding) runs
 * on the calling thread. For the request fuzzer and tests; xf_http_stop releases. */
xf_server *xf_http_local(const xf_http_config *config);
typedef struct xf_http_answer {
	int status;
	char *body; /* malloc'd, NUL-terminated; empty for files and streams */
	size_t len;
	char content_type[64];
	bool close_connection;
} xf_http_answer;
/* headers may be NULL; body_len 0 for none. The caller frees answer->body. */
void xf_http_local_request(xf_server *s, const char *method, const char *target,
                           const xf_header *headers, const char *body, size_t body_len,
                           xf_http_answer *answer);

/* Request accessors. */
const char *xf_req_param(const xf_req *req, const char *name);
const char *xf_req_query(const xf_req *req, const char *key);
const char *xf_req_header(const xf_req *req, const char *name);
const char *xf_req_cookie(const xf_req *req, const char *name);
/* The body as a JSON object; on error replies 400 (415 when the body is not declared
 * application/json) and returns NULL. The object lives until the request ends. */
json_t *xf_req_json(xf_req *req);

/* Responses. xf_reply_json steals the reference to body. */
void xf_reply_json(xf_req *req, int status, json_t *body);
void xf_reply_status(xf_req *req, int status);
/* Starts a JSON answer written as text into the returned buffer (see util/xf_jsonw.h);
 * an error reply afterwards replaces it. */
xf_buf *xf_reply_json_text(xf_req *req, int status);
void xf_reply_error(xf_req *req, int status, const char *code, const char *field, const char *fmt,
                    ...) __attribute__((format(printf, 5, 6)));
void xf_reply_field_error(xf_req *req, const xf_field_error *err);
/* An error message in the request's language, as xf_reply_error words it (see
 * http/xf_messages.h), for error objects built by hand; in the arena. */
const char *xf_req_message(xf_req *req, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xf_reply_header(xf_req *req, const char *name, const char *value);
/* Answers with a stream; release(ctx) runs when the connection is done. */
void xf_reply_stream(xf_req *req, const char *content_type, xf_stream_reader reader,
                     void (*release)(void *ctx), void *ctx);
/* Parks a streaming connection; only from within its reader. */
void xf_http_park(struct MHD_Connection *conn);
/* Wakes a parked connection; from any thread. */
void xf_http_wake(struct MHD_Connection *conn);

#endif
