/* libmicrohttpd glue: request life cycle, dispatch through the route table, the
 * worker pools that run handlers, connection limits, static files, the headers every
 * response carries, and in-process requests for the fuzzer. See xf_http.h for the
 * flow of a request. */
#include "http/xf_http.h"
#include "http/xf_messages.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/xf_proxy.h"
#include "util/xf_utf8.h"

enum { ST_NEW, ST_BODY, ST_WORKING, ST_READY };

typedef struct pool {
	struct xf_server *server;
	pthread_cond_t wake;
	xf_req *head, *tail;
	pthread_t *threads;
	unsigned n_threads;
} pool;

struct xf_server {
	xf_http_config config;
	struct MHD_Daemon *daemon; /* NULL for in-process requests */
	pthread_mutex_t lock;      /* the pools' queues and stopping */
	pool pools[XF_POOL_COUNT];
	bool stopping;
	unsigned open_connections; /* atomic */
};

static const unsigned default_pool_threads[XF_POOL_COUNT] = {4, 2, 2};

static const char fixed_internal_error[] =
    "{\"error\":{\"code\":\"internal\",\"message\":\"the answer could not be encoded\"}}";

static const char content_security_policy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'; object-src 'none'";

/* ---- replies ---- */

void xf_reply_header(xf_req *req, const char *name, const char *value)
{
	xf_header *h = xf_arena_alloc(&req->arena, sizeof *h);
	h->name = xf_arena_strdup(&req->arena, name);
	h->value = xf_arena_strdup(&req->arena, value);
	h->next = req->headers;
	req->headers = h;
}

void xf_reply_json(xf_req *req, int status, json_t *body)
{
	xf_buf_reset(&req->out);
	req->content_type = "application/json; charset=utf-8";
	/* A value jansson cannot encode (json_pack refused invalid UTF-8 and gave NULL)
	 * is a bug to log, never a reason to stop serving. */
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text) {
		xf_log("req=%s cannot encode the answer (status %d); answered 500", req->request_id,
		       status);
		xf_buf_puts(&req->out, fixed_internal_error);
		req->status = 500;
		return;
	}
	xf_buf_puts(&req->out, text); /* past XF_REPLY_MAX: answered 500 when sent */
	free(text);
	req->status = status;
}

/* An answer that outgrew XF_REPLY_MAX becomes a 500: a bug to log, not a reply to cut. */
static void check_reply_size(xf_req *req)
{
	if (!req->out.overflow)
		return;
	xf_log("req=%s the answer outgrew %zu bytes (status %d); answered 500", req->request_id,
	       XF_REPLY_MAX, req->status);
	xf_buf_reset(&req->out);
	xf_buf_puts(&req->out, fixed_internal_error);
	req->status = 500;
	req->content_type = "application/json; charset=utf-8";
}

xf_buf *xf_reply_json_text(xf_req *req, int status)
{
	xf_buf_reset(&req->out);
	req->status = status;
	req->content_type = "application/json; charset=utf-8";
	return &req->out;
}

void xf_reply_status(xf_req *req, int status)
{
	xf_buf_reset(&req->out);
	req->status = status;
	req->content_type = NULL;
}

void xf_reply_error(xf_req *req, int status, const char *code, const char *field, const char *fmt,
                    ...)
{
	char message[512], field_text[128];
	va_list ap;
	va_start(ap, fmt);
	/* In the reader's language, the format being the message's id (http/xf_messages.h). */
	xf_message_vformat(message, sizeof message,
	                   xf_lang_from_header(xf_req_header(req, "Accept-Language")), fmt, ap);
	va_end(ap);
	/* Messages quote request bytes and may have been cut short: keep them UTF-8. */
	xf_utf8_clean(message);
	json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (err && field && *field) {
		snprintf(field_text, sizeof field_text, "%s", field);
		xf_utf8_clean(field_text);
		json_object_set_new(err, "field", json_string(field_text));
	}
	xf_reply_json(req, status, err ? json_pack("{s:o}", "error", err) : NULL);
}

const char *xf_req_message(xf_req *req, const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	xf_message_vformat(message, sizeof message,
	                   xf_lang_from_header(xf_req_header(req, "Accept-Language")), fmt, ap);
	va_end(ap);
	return xf_arena_strdup(&req->arena, message);
}

void xf_reply_field_error(xf_req *req, const xf_field_error *err)
{
	xf_reply_error(req, 400, err->code[0] ? err->code : "invalid_field", err->field, "%s",
	               err->message);
}

void xf_reply_stream(xf_req *req, const char *content_type, xf_stream_reader reader,
                     void (*release)(void *ctx), void *ctx)
{
	xf_buf_reset(&req->out);
	req->status = 200;
	req->content_type = content_type;
	req->stream_reader = reader;
	req->stream_release = release;
	req->stream_ctx = ctx;
	xf_reply_header(req, "X-Accel-Buffering", "no");
}

void xf_http_park(struct MHD_Connection *conn)
{
	if (conn)
		MHD_suspend_connection(conn);
}

void xf_http_wake(struct MHD_Connection *conn)
{
	if (conn)
		MHD_resume_connection(conn);
}

/* ---- request accessors ---- */

const char *xf_req_param(const xf_req *req, const char *name)
{
	for (size_t i = 0; i < req->params.n; i++)
		if (strcmp(req->params.p[i].name, name) == 0)
			return req->params.p[i].value;
	return NULL;
}

const char *xf_req_query(const xf_req *req, const char *key)
{
	return xf_url_query(&req->url, key);
}

const char *xf_req_header(const xf_req *req, const char *name)
{
	for (const xf_header *h = req->in_headers; h; h = h->next)
		if (strcasecmp(h->name, name) == 0)
			return h->value;
	return NULL;
}

/* The value of cookie name in the Cookie header ("a=1; b=2"), or NULL. */
const char *xf_req_cookie(const xf_req *req, const char *name)
{
	const char *p = xf_req_header(req, "Cookie");
	size_t name_len = strlen(name);
	while (p && *p) {
		p += strspn(p, " \t;");
		size_t n = strcspn(p, ";");
		const char *eq = memchr(p, '=', n);
		if (eq && (size_t)(eq - p) == name_len && memcmp(p, name, name_len) == 0) {
			size_t vlen = n - name_len - 1;
			while (vlen && (eq[vlen] == ' ' || eq[vlen] == '\t'))
				vlen--;
			char *v = xf_arena_alloc((xf_arena *)&req->arena, vlen + 1);
			memcpy(v, eq + 1, vlen);
			v[vlen] = '\0';
			return v;
		}
		p += n;
	}
	return NULL;
}

/* True when the Content-Type names JSON ("application/json", parameters allowed). */
static bool declares_json(const char *type)
{
	static const char json_type[] = "application/json";
	if (!type || strncasecmp(type, json_type, sizeof json_type - 1) != 0)
		return false;
	char next = type[sizeof json_type - 1];
	return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

json_t *xf_req_json(xf_req *req)
{
	if (req->json)
		return req->json;
	if (req->body.len && !declares_json(xf_req_header(req, "Content-Type"))) {
		xf_reply_error(req, 415, "unsupported_media_type", NULL,
		               "the body must be sent as 'Content-Type: application/json'");
		return NULL;
	}
	xf_field_error err;
	req->json = xf_json_parse_object(req->body.data ? req->body.data : "", req->body.len, &err);
	if (!req->json)
		xf_reply_field_error(req, &err);
	return req->json;
}

/* ---- static files ---- */

static const char *type_of(const char *path)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".mjs", "text/javascript; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".json", "application/json; charset=utf-8"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".ico", "image/x-icon"},
	    {".woff2", "font/woff2"},
	    {".txt", "text/plain; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	if (dot && !strchr(dot, '/'))
		for (size_t i = 0; i < XF_ARRAY_LEN(types); i++)
			if (strcmp(dot, types[i].ext) == 0)
				return types[i].type;
	return NULL;
}

static void serve_static(xf_server *s, xf_req *req)
{
	/* "/lookup": the public page of a petitioner's lookup (api/lookup.c), no session */
	const char *path = strcmp(req->url.path, "/") == 0         ? "/index.html"
	                   : strcmp(req->url.path, "/lookup") == 0 ? "/lookup.html"
	                                                           : req->url.path;
	const char *type = type_of(path);
	if (!type) {
		xf_reply_error(req, 404, "not_found", NULL, "no file '%s'", req->url.path);
		return;
	}
	char *full = xf_arena_printf(&req->arena, "%s%s", s->config.web_dir, path);
	int fd = open(full, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		xf_reply_error(req, 404, "not_found", NULL, "no file '%s'", req->url.path);
		return;
	}
	char *etag = xf_arena_printf(&req->arena, "\"%llx-%llx\"", (unsigned long long)st.st_size,
	                             (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
	                                 (unsigned long long)st.st_mtim.tv_nsec);
	xf_reply_header(req, "ETag", etag);
	xf_reply_header(req, "Cache-Control", "no-cache");
	const char *match = xf_req_header(req, "If-None-Match");
	if (match && strcmp(match, etag) == 0) {
		close(fd);
		xf_reply_status(req, 304);
		return;
	}
	xf_buf_reset(&req->out);
	req->status = 200;
	req->content_type = type;
	req->static_fd = fd;
	req->static_size = (uint64_t)st.st_size;
}

/* ---- dispatch ---- */

static bool is_read_method(const char *m)
{
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0;
}

/* Runs a matched route: session, CSRF, password rule, permission, handler. */
static void run_route(xf_server *s, xf_req *req)
{
	const xf_route *r = req->route;
	if (r->perm != XF_PERM_PUBLIC) {
		if (s->config.authenticate(req) != XF_OK)
			return;
		if (!is_read_method(req->method) && !(r->flags & XF_ROUTE_NO_CSRF)) {
			const char *token = xf_req_header(req, "X-CSRF-Token");
			if (!token || strlen(token) != strlen(req->user.csrf) ||
			    sodium_memcmp(token, req->user.csrf, strlen(token)) != 0) {
				xf_reply_error(req, 403, "csrf", NULL,
				               "missing or wrong X-CSRF-Token header");
				return;
			}
		}
		if (req->user.must_change_password && !(r->flags & XF_ROUTE_PASSWORD_CHANGE)) {
			xf_reply_error(req, 403, "password_change_required", NULL,
			               "change the one-time password first");
			return;
		}
		if (!xf_perm_allows(req->user.roles, r->perm)) {
			xf_reply_error(req, 403, "forbidden", NULL, "your roles do not allow '%s'",
			               xf_perm_name(r->perm));
			return;
		}
	}
	r->handler(req);
	if (req->status == 0 && (req->body_phase != XF_BODY_BEFORE || !req->body_sink))
		xf_reply_error(req, 500, "internal", NULL, "the handler gave no answer");
}

/* After a route ran: a streamed body's first run either refused the request (answered
 * at once, the body unread) or set a sink for the body, which is read next. */
static void after_run(xf_req *req)
{
	if (req->body_phase != XF_BODY_BEFORE) {
		req->state = ST_READY;
	} else if (req->status) {
		/* Refused: a body of up to 16 MiB is read and dropped, so that the client,
		 * still sending, can read the answer; a larger one is answered at once and the
		 * connection closed. */
		const char *length = xf_req_header(req, "Content-Length");
		req->answer_now = !length || strtoull(length, NULL, 10) > (16ull << 20);
		req->close_connection = true;
		req->body_resumed = true;
		req->state = ST_READY;
	} else {
		req->body_phase = XF_BODY_STREAMING;
		req->state = ST_BODY;
		req->body_resumed = true;
	}
}

static xf_pool_kind pool_of(const xf_route *r, const char *method)
{
	if (r->flags & XF_ROUTE_SLOW)
		return XF_POOL_SLOW;
	if (!is_read_method(method) || (r->flags & XF_ROUTE_WRITES))
		return XF_POOL_WRITE;
	return XF_POOL_READ;
}

/* Hands the request to a pool and suspends its connection; false (the caller runs it
 * here) when the server is stopping or runs requests in process. */
static bool enqueue(xf_server *s, xf_pool_kind kind, xf_req *req)
{
	if (!s->daemon)
		return false;
	pool *p = &s->pools[kind];
	pthread_mutex_lock(&s->lock);
	if (s->stopping) {
		pthread_mutex_unlock(&s->lock);
		return false;
	}
	/* Suspended before a worker can see it, so the worker's resume always follows. */
	req->state = ST_WORKING;
	MHD_suspend_connection(req->conn);
	req->next_job = NULL;
	if (p->tail)
		p->tail->next_job = req;
	else
		p->head = req;
	p->tail = req;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&s->lock);
	return true;
}

static void *worker_main(void *arg)
{
	pool *p = arg;
	xf_server *s = p->server;
	for (;;) {
		pthread_mutex_lock(&s->lock);
		while (!p->head && !s->stopping)
			pthread_cond_wait(&p->wake, &s->lock);
		xf_req *req = p->head;
		if (!req) {
			pthread_mutex_unlock(&s->lock);
			return NULL; /* stopping, and the queue is drained */
		}
		p->head = req->next_job;
		if (!p->head)
			p->tail = NULL;
		pthread_mutex_unlock(&s->lock);

		run_route(s, req);
		after_run(req);
		MHD_resume_connection(req->conn);
	}
}

/* The fast path of a read: the session and the answer both from memory, here on the
 * polling thread. Returns false, leaving the request as it was, when either needs
 * the store. */
static bool answer_from_memory(xf_server *s, xf_req *req)
{
	const xf_route *r = req->route;
	if (!(r->flags & XF_ROUTE_MEMORY_FIRST) || !s->config.authenticate_cached)
		return false;
	if (r->perm != XF_PERM_PUBLIC) {
		if (s->config.authenticate_cached(req) != XF_OK ||
		    (req->user.must_change_password && !(r->flags & XF_ROUTE_PASSWORD_CHANGE)) ||
		    !xf_perm_allows(req->user.roles, r->perm)) {
			memset(&req->user, 0, sizeof req->user);
			return false;
		}
	}
	req->memory_only = true;
	r->handler(req);
	req->memory_only = false;
	if (req->status)
		return true;
	memset(&req->user, 0, sizeof req->user);
	xf_buf_reset(&req->out);
	req->content_type = NULL;
	req->headers = NULL;
	return false;
}

/* Returns true when the request went to a worker and the connection is suspended. */
static bool dispatch(xf_server *s, xf_req *req)
{
	const char *error;
	if (xf_url_parse(&req->arena, req->raw_target, &req->url, &error) != XF_OK) {
		xf_reply_error(req, 400, "bad_request", req->url.bad_field, "%s", error);
		return false;
	}
	const char *path = req->url.path;
	if (strncmp(path, "/api/", 5) != 0) {
		if (!is_read_method(req->method)) {
			xf_reply_header(req, "Allow", "GET, HEAD");
			xf_reply_error(req, 405, "method_not_allowed", NULL,
			               "static files are read-only");
		} else {
			serve_static(s, req);
		}
		return false;
	}
	if (strncmp(path, "/api/v1/", 8) != 0) {
		xf_reply_error(req, 404, "not_found", NULL, "no route '%s'", path);
		return false;
	}
	const char *sub = path + 7;
	const char *method = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
	xf_buf allow = XF_BUF_INIT;
	for (size_t i = 0; i < s->config.n_routes; i++) {
		const xf_route *r = &s->config.routes[i];
		if (!xf_route_match(&req->arena, r->pattern, sub, &req->params))
			continue;
		if (strcmp(r->method, method) == 0) {
			req->route = r;
			break;
		}
		xf_buf_printf(&allow, "%s%s", allow.len ? ", " : "", r->method);
	}
	if (!req->route) {
		if (allow.len) {
			xf_reply_header(req, "Allow", allow.data);
			xf_reply_error(req, 405, "method_not_allowed", NULL,
			               "'%s' does not take %s", path, req->method);
		} else {
			xf_reply_error(req, 404, "not_found", NULL, "no route '%s'", path);
		}
		xf_buf_release(&allow);
		return false;
	}
	xf_buf_release(&allow);
	xf_pool_kind kind = pool_of(req->route, method);
	if (kind == XF_POOL_READ && answer_from_memory(s, req))
		return false;
	if (!(req->route->flags & XF_ROUTE_INLINE) && enqueue(s, kind, req))
		return true;
	run_route(s, req);
	return false;
}

/* ---- the checks before a request is routed ---- */

/* A method is an RFC 9110 token of at most 16 characters. */
static bool valid_method(const char *m)
{
	size_t n = strlen(m);
	if (n == 0 || n > 16)
		return false;
	return strspn(m, "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                 "abcdefghijklmnopqrstuvwxyz") == n;
}

/* The route of a request whose body is streamed (XF_ROUTE_STREAM_BODY), found before
 * its body is read (req->url and req->params are set then); NULL for other requests. */
static const xf_route *stream_route(xf_server *s, xf_req *req)
{
	const char *error;
	if (is_read_method(req->method) || strncmp(req->raw_target, "/api/v1/", 8) != 0 ||
	    xf_url_parse(&req->arena, req->raw_target, &req->url, &error) != XF_OK ||
	    strncmp(req->url.path, "/api/v1/", 8) != 0)
		return NULL;
	for (size_t i = 0; i < s->config.n_routes; i++) {
		const xf_route *r = &s->config.routes[i];
		if ((r->flags & XF_ROUTE_STREAM_BODY) && strcmp(r->method, req->method) == 0 &&
		    xf_route_match(&req->arena, r->pattern, req->url.path + 7, &req->params))
			return r;
	}
	return NULL;
}

/* The cap of a streamed body: the configured size of its file plus 1 MiB for the
 * parts around it (the handler holds the file itself to the configured size). */
static uint64_t stream_cap(const xf_server *s)
{
	return (s->config.stream_body_max ? s->config.stream_body_max : 200ull << 20) + (1u << 20);
}

/* Checks what must hold before the body is read. Returns false after answering (and
 * marking the connection to close) when the request is refused. */
static bool admit(xf_server *s, xf_req *req)
{
	if (!valid_method(req->method)) {
		req->close_connection = true;
		xf_reply_error(req, 400, "bad_request", NULL, "the request method is not a token");
		return false;
	}
	int n_length = 0, n_encoding = 0;
	for (const xf_header *h = req->in_headers; h; h = h->next) {
		n_length += strcasecmp(h->name, "Content-Length") == 0;
		n_encoding += strcasecmp(h->name, "Transfer-Encoding") == 0;
	}
	/* Two lengths, or a length and a chunked body, are how requests are smuggled
	 * past a proxy that reads them differently (RFC 9112 6.3). */
	if (n_length > 1 || (n_length && n_encoding)) {
		req->close_connection = true;
		xf_reply_error(req, 400, "bad_request", NULL,
		               n_length > 1 ? "more than one Content-Length header"
		                            : "Content-Length together with Transfer-Encoding");
		return false;
	}
	const char *length = xf_req_header(req, "Content-Length");
	unsigned long long declared = length ? strtoull(length, NULL, 10) : 0;
	/* A body somewhat over the cap is read and dropped, so the client, still
	 * sending, can read the 413; a huge one is refused at once and the connection
	 * closed. A streamed body (an upload) has its own cap, and "somewhat" is 16 MiB. */
	const xf_route *streamed = stream_route(s, req);
	uint64_t cap = streamed ? stream_cap(s) : s->config.body_max;
	if (declared > (streamed ? cap + (16ull << 20) : 16ull * cap)) {
		req->close_connection = true;
		xf_reply_error(req, 413, "body_too_large", NULL, "body is larger than %zu bytes",
		               (size_t)cap);
		return false;
	}
	req->route = streamed;
	if (declared > cap)
		req->body.overflow = true;
	else if (streamed)
		req->body_phase = XF_BODY_BEFORE;
	/* Near the connection limit the last places are kept for people signed in:
	 * requests without a session cookie are answered at once and their connection
	 * closed; those with one are served, and their connection is closed too unless
	 * the cookie turns out to be a live session (a made-up cookie keeps no place). */
	unsigned open = __atomic_load_n(&s->open_connections, __ATOMIC_RELAXED);
	if (s->daemon && open + s->config.reserve > s->config.max_connections) {
		req->near_limit = true;
		if (!xf_req_cookie(req, "xf_session")) {
			req->close_connection = true;
			xf_reply_header(req, "Retry-After", "5");
			xf_reply_error(req, 503, "busy", NULL,
			               "the server is at its connection limit; try again shortly");
			return false;
		}
	}
	return true;
}

/* ---- libmicrohttpd callbacks ---- */

static void add_common_headers(struct MHD_Response *resp, xf_req *req)
{
	MHD_add_response_header(resp, "X-Request-Id", req->request_id);
	if (req->content_type)
		MHD_add_response_header(resp, "Content-Type", req->content_type);
	MHD_add_response_header(resp, "Content-Security-Policy", content_security_policy);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy",
	                        "camera=(), microphone=(), geolocation=()");
	bool cache_set = false;
	for (xf_header *h = req->headers; h; h = h->next) {
		MHD_add_response_header(resp, h->name, h->value);
		cache_set |= strcmp(h->name, "Cache-Control") == 0;
	}
	if (!cache_set)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (req->close_connection || (req->near_limit && !req->user.id))
		MHD_add_response_header(resp, "Connection", "close");
}

static enum MHD_Result queue_reply(xf_req *req)
{
	struct MHD_Response *resp;
	if (req->stream_reader) {
		/* The response owns the stream context from here; MHD calls release. */
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, req->stream_reader,
		                                         req->stream_ctx, req->stream_release);
		req->stream_reader = NULL;
	} else if (req->static_fd >= 0) {
		resp = MHD_create_response_from_fd64(req->static_size, req->static_fd);
		req->static_fd = -1; /* the response owns it now */
	} else {
		size_t len;
		check_reply_size(req);
		char *data = xf_buf_detach(&req->out, &len);
		req->out.len = len; /* remembered for the access log */
		resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	}
	if (!resp)
		return MHD_NO;
	add_common_headers(resp, req);
	enum MHD_Result ok = MHD_queue_response(req->conn, (unsigned)req->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static xf_req *request_new(xf_server *s, const char *target)
{
	xf_req *req = xf_calloc(1, sizeof *req);
	unsigned char id[8];
	xf_arena_init(&req->arena);
	req->raw_target = xf_arena_strdup(&req->arena, target ? target : "");
	req->start_us = xf_mono_us();
	randombytes_buf(id, sizeof id);
	xf_hex_encode(id, sizeof id, req->request_id);
	xf_buf_init(&req->body, s->config.body_max);
	xf_buf_init(&req->out, XF_REPLY_MAX);
	req->static_fd = -1;
	req->state = ST_NEW;
	req->server = s;
	return req;
}

static void request_free(xf_req *req)
{
	if (req->static_fd >= 0)
		close(req->static_fd);
	if (req->stream_reader && req->stream_release)
		req->stream_release(req->stream_ctx); /* never handed to a response */
	if (req->body_release)
		req->body_release(req->body_ctx);
	json_decref(req->json);
	xf_buf_release(&req->body);
	xf_buf_release(&req->out);
	xf_arena_release(&req->arena);
	free(req);
}

static void add_request_header(xf_req *req, const char *name, const char *value)
{
	xf_header *h = xf_arena_alloc(&req->arena, sizeof *h);
	h->name = xf_arena_strdup(&req->arena, name ? name : "");
	h->value = xf_arena_strdup(&req->arena, value ? value : "");
	h->next = req->in_headers;
	req->in_headers = h;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	xf_req *req = request_new(cls, uri);
	req->conn = conn;
	return req;
}

static enum MHD_Result copy_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
	add_request_header(cls, key, value);
	return MHD_YES;
}

static void peer_address(xf_req *req)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(req->client_addr, sizeof req->client_addr, "unknown");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, req->client_addr,
		          sizeof req->client_addr);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, req->client_addr,
		          sizeof req->client_addr);
}

/* X-Forwarded-For as sent: several such headers joined in order with commas; NULL when
 * there is none. */
static const char *forwarded_for(xf_req *req)
{
	const char *joined = NULL;
	for (const xf_header *h = req->in_headers; h; h = h->next) { /* last sent first */
		if (strcasecmp(h->name, "X-Forwarded-For") != 0)
			continue;
		if (!joined) {
			joined = h->value;
			continue;
		}
		size_t a = strlen(h->value), b = strlen(joined);
		char *both = xf_arena_alloc(&req->arena, a + b + 2);
		memcpy(both, h->value, a);
		both[a] = ',';
		memcpy(both + a + 1, joined, b + 1);
		joined = both;
	}
	return joined;
}

/* The peer's address, or with a trusted proxy as peer the client it names. */
static void client_address(xf_server *s, xf_req *req)
{
	peer_address(req);
	const xf_proxy_list *trusted = s->config.trusted_proxies;
	if (!trusted || !trusted->n)
		return;
	char peer[sizeof req->client_addr];
	memcpy(peer, req->client_addr, sizeof peer);
	xf_proxy_client(trusted, peer, forwarded_for(req), req->client_addr,
	                sizeof req->client_addr);
}

/* The first call for a request: its method, address and headers; admission; and for an
 * upload, the run that checks it (and sets its sink) before the body is read. */
static enum MHD_Result on_new(xf_server *s, xf_req *req, struct MHD_Connection *conn,
                              const char *method)
{
	req->conn = conn;
	req->method = xf_arena_strdup(&req->arena, method ? method : "");
	MHD_get_connection_values(conn, MHD_HEADER_KIND, copy_header, req);
	client_address(s, req);
	if (!admit(s, req)) {
		req->state = ST_READY;
		return queue_reply(req);
	}
	req->state = ST_BODY;
	if (req->body_phase == XF_BODY_BEFORE) {
		if (enqueue(s, XF_POOL_WRITE, req))
			return MHD_YES;
		run_route(s, req);
		after_run(req);
		req->body_resumed = false; /* never suspended */
		if (req->answer_now)
			return queue_reply(req);
	}
	return MHD_YES;
}

/* A body going to the route's sink as it arrives. */
static enum MHD_Result on_streamed_body(xf_server *s, xf_req *req, const char *upload_data,
                                        size_t *upload_data_size)
{
	/* libmicrohttpd calls once more, without data, when the connection resumes after the
	 * first run; the body's end is the empty call after that. */
	bool resumed = req->body_resumed;
	req->body_resumed = false;
	if (!*upload_data_size && resumed)
		return MHD_YES;
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		req->body_bytes += n;
		if (req->body_bytes > stream_cap(s))
			req->body.overflow = true;
		if (!req->body.overflow && !req->body_sink_failed &&
		    req->body_sink(req->body_ctx, upload_data, n) != 0)
			req->body_sink_failed = true;
		return MHD_YES;
	}
	if (req->body.overflow) {
		xf_reply_error(req, 413, "body_too_large", NULL, "body is larger than %zu bytes",
		               (size_t)stream_cap(s));
		req->state = ST_READY;
		return queue_reply(req);
	}
	req->body_phase = XF_BODY_DONE;
	if (dispatch(s, req))
		return MHD_YES;
	req->state = ST_READY;
	return queue_reply(req);
}

/* A body kept in memory, up to its cap; the route runs at its end. */
static enum MHD_Result on_body(xf_server *s, xf_req *req, const char *upload_data,
                               size_t *upload_data_size)
{
	if (req->body_phase == XF_BODY_STREAMING)
		return on_streamed_body(s, req, upload_data, upload_data_size);
	if (*upload_data_size) {
		/* Past the cap the buffer refuses the bytes and remembers it overflowed. */
		if (!req->body.overflow)
			xf_buf_append(&req->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->body.overflow) {
		xf_reply_error(req, 413, "body_too_large", NULL, "body is larger than %zu bytes",
		               req->route ? (size_t)stream_cap(s) : s->config.body_max);
	} else if (dispatch(s, req)) {
		return MHD_YES;
	}
	req->state = ST_READY;
	return queue_reply(req);
}

/* The answer is ready: queued once the rest of the body (if any) was passed over. */
static enum MHD_Result on_ready(xf_req *req, size_t *upload_data_size)
{
	if (req->answer_now) {
		*upload_data_size = 0; /* refused before its body: answered unread */
		return queue_reply(req);
	}
	if (req->body_resumed) { /* see on_streamed_body: not yet the body's end */
		req->body_resumed = false;
		if (!*upload_data_size)
			return MHD_YES;
	}
	if (*upload_data_size) {
		*upload_data_size = 0; /* discard the rest of a refused body */
		return MHD_YES;
	}
	return queue_reply(req);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls)
{
	xf_server *s = cls;
	xf_req *req = *con_cls;
	if (!req)
		return MHD_NO;
	switch (req->state) {
	case ST_NEW:
		return on_new(s, req, conn, method);
	case ST_BODY:
		return on_body(s, req, upload_data, upload_data_size);
	case ST_WORKING:
		return MHD_YES;
	case ST_READY:
	default:
		return on_ready(req, upload_data_size);
	}
}

/* Writes text into out (size bytes) with every byte outside printable ASCII as \xNN,
 * so a request cannot forge or break log lines. */
static void log_safe(const char *text, char *out, size_t size)
{
	size_t j = 0;
	for (const unsigned char *p = (const unsigned char *)text; *p && j + 5 < size; p++) {
		if (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			out[j++] = (char)*p;
		else
			j += (size_t)snprintf(out + j, size - j, "\\x%02x", *p);
	}
	out[j] = '\0';
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	xf_server *s = cls;
	xf_req *req = *con_cls;
	if (!req)
		return;
	if (!s->config.quiet) {
		char method[40], target[1024];
		log_safe(req->method ? req->method : "-", method, sizeof method);
		log_safe(req->raw_target, target, sizeof target);
		xf_log("req=%s %s \"%s %s\" %d %zuB %.1fms user=%s%s", req->request_id,
		       req->client_addr, method, target, req->status,
		       req->static_fd < 0 && req->static_size ? (size_t)req->static_size
		                                              : req->out.len,
		       (double)(xf_mono_us() - req->start_us) / 1000.0,
		       req->user.id ? req->user.username : "-",
		       toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	}
	request_free(req);
	*con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
	xf_server *s = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		__atomic_add_fetch(&s->open_connections, 1, __ATOMIC_RELAXED);
	else
		__atomic_sub_fetch(&s->open_connections, 1, __ATOMIC_RELAXED);
}

/* ---- in-process requests ---- */

xf_server *xf_http_local(const xf_http_config *config)
{
	xf_server *s = xf_calloc(1, sizeof *s);
	s->config = *config;
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

void xf_http_local_request(xf_server *s, const char *method, const char *target,
                           const xf_header *headers, const char *body, size_t body_len,
                           xf_http_answer *answer)
{
	xf_req *req = request_new(s, target);
	snprintf(req->client_addr, sizeof req->client_addr, "local");
	req->method = xf_arena_strdup(&req->arena, method ? method : "");
	for (const xf_header *h = headers; h; h = h->next)
		add_request_header(req, h->name, h->value);
	if (admit(s, req) && req->body_phase == XF_BODY_BEFORE) {
		/* An upload: the same three steps as over a socket, the body in one piece. */
		run_route(s, req);
		after_run(req);
		/* Refused before its body (answered, no sink): the body is never read. */
		if (!req->answer_now && req->status == 0 && req->body_sink) {
			req->body_bytes = body_len;
			if (body_len > stream_cap(s))
				xf_reply_error(req, 413, "body_too_large", NULL,
				               "body is larger than %zu bytes",
				               (size_t)stream_cap(s));
			else {
				if (body_len && req->body_sink(req->body_ctx, body, body_len) != 0)
					req->body_sink_failed = true;
				req->body_phase = XF_BODY_DONE;
				dispatch(s, req);
			}
		}
	} else if (req->status == 0) {
		xf_buf_append(&req->body, body, body_len);
		if (req->body.overflow)
			xf_reply_error(req, 413, "body_too_large", NULL,
			               "body is larger than %zu bytes", s->config.body_max);
		else
			dispatch(s, req);
	}
	memset(answer, 0, sizeof *answer);
	answer->status = req->status;
	answer->close_connection = req->close_connection;
	snprintf(answer->content_type, sizeof answer->content_type, "%s",
	         req->content_type ? req->content_type : "");
	check_reply_size(req);
	answer->body = xf_buf_detach(&req->out, &answer->len);
	request_free(req); /* a stream's context is released here, unstarted */
}

/* ---- start and stop ---- */

static int parse_listen(const char *listen, struct sockaddr_in *addr)
{
	const char *colon = strrchr(listen, ':');
	if (!colon)
		return XF_ERR;
	char host[64];
	size_t n = (size_t)(colon - listen);
	if (n >= sizeof host)
		return XF_ERR;
	memcpy(host, listen, n);
	host[n] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 1 || port > 65535)
		return XF_ERR;
	memset(addr, 0, sizeof *addr);
	addr->sin_family = AF_INET;
	addr->sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, n ? host : "0.0.0.0", &addr->sin_addr) != 1)
		return XF_ERR;
	return XF_OK;
}

/* Room for every connection, the database and the files being served. */
static void raise_file_limit(unsigned connections)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	rlim_t want = (rlim_t)connections + 256;
	if (rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
		xf_log("open files are limited to %llu; fewer than %u connections will fit",
		       (unsigned long long)rl.rlim_cur, connections);
}

xf_server *xf_http_start(const xf_http_config *config)
{
	struct sockaddr_in addr;
	if (parse_listen(config->listen, &addr) != XF_OK) {
		fprintf(stderr, "xinfang: cannot listen on '%s': expected IPV4:PORT\n",
		        config->listen);
		return NULL;
	}
	xf_server *s = xf_http_local(config);
	xf_http_config *c = &s->config;
	if (!c->max_connections)
		c->max_connections = 10000;
	if (!c->per_address)
		c->per_address = 64;
	if (!c->reserve)
		c->reserve = 64;
	if (c->reserve >= c->max_connections)
		c->reserve = c->max_connections / 2;
	if (!c->timeout_s)
		c->timeout_s = 30;
	raise_file_limit(c->max_connections);
	for (int k = 0; k < XF_POOL_COUNT; k++) {
		pool *p = &s->pools[k];
		p->server = s;
		pthread_cond_init(&p->wake, NULL);
		p->n_threads = c->pool_threads[k] ? c->pool_threads[k] : default_pool_threads[k];
		p->threads = xf_calloc(p->n_threads, sizeof *p->threads);
		for (unsigned i = 0; i < p->n_threads; i++)
			if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0)
				xf_die("cannot start a worker thread");
	}
	s->daemon = MHD_start_daemon(
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, 0, NULL,
	    NULL, on_access, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(c->poll_threads ? c->poll_threads : 2),
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_CONNECTION_TIMEOUT,
	    c->timeout_s, MHD_OPTION_CONNECTION_LIMIT, c->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, c->per_address, MHD_OPTION_END);
	if (!s->daemon) {
		fprintf(stderr, "xinfang: cannot listen on '%s': %s\n", config->listen,
		        strerror(errno));
		xf_http_stop(s);
		return NULL;
	}
	return s;
}

void xf_http_stop(xf_server *s)
{
	if (!s)
		return;
	/* Workers run what is queued, answer it and resume its connection, then exit;
	 * from here requests run where they arrive, so no connection stays suspended
	 * waiting for a worker when the daemon stops. */
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	for (int k = 0; k < XF_POOL_COUNT; k++)
		pthread_cond_broadcast(&s->pools[k].wake);
	pthread_mutex_unlock(&s->lock);
	for (int k = 0; k < XF_POOL_COUNT; k++) {
		pool *p = &s->pools[k];
		for (unsigned i = 0; i < p->n_threads; i++)
			if (p->threads[i])
				pthread_join(p->threads[i], NULL);
		free(p->threads);
		if (p->server)
			pthread_cond_destroy(&p->wake);
	}
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
