/* libmicrohttpd glue: request life cycle, dispatch through the route table, the
 * worker pool for slow routes, static files and the headers every response carries.
 * See xf_http.h for the flow of a request. */
#include "http/xf_http.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { ST_NEW, ST_BODY, ST_WORKING, ST_READY };

struct xf_server {
	xf_http_config config;
	struct MHD_Daemon *daemon;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	xf_req *queue_head, *queue_tail;
	bool stopping;
	pthread_t *workers;
	unsigned n_workers;
};

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
	char *text = json_dumps(body, JSON_COMPACT);
	if (!text)
		xf_die("out of memory encoding a response");
	xf_buf_puts(&req->out, text);
	free(text);
	json_decref(body);
	req->status = status;
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

void xf_reply_error(xf_req *req, int status, const char *code, const char *field,
                    const char *fmt, ...)
{
	char message[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	json_t *err = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (field && *field)
		json_object_set_new(err, "field", json_string(field));
	xf_reply_json(req, status, json_pack("{s:o}", "error", err));
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
	MHD_suspend_connection(conn);
}

void xf_http_wake(struct MHD_Connection *conn)
{
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
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *xf_req_cookie(const xf_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

json_t *xf_req_json(xf_req *req)
{
	if (req->json)
		return req->json;
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
	const char *path = strcmp(req->url.path, "/") == 0 ? "/index.html" : req->url.path;
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
	if (req->status == 0)
		xf_reply_error(req, 500, "internal", NULL, "the handler gave no answer");
}

static void enqueue(xf_server *s, xf_req *req)
{
	pthread_mutex_lock(&s->lock);
	req->next_job = NULL;
	if (s->queue_tail)
		s->queue_tail->next_job = req;
	else
		s->queue_head = req;
	s->queue_tail = req;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
}

static void *worker_main(void *arg)
{
	xf_server *s = arg;
	for (;;) {
		pthread_mutex_lock(&s->lock);
		while (!s->queue_head && !s->stopping)
			pthread_cond_wait(&s->wake, &s->lock);
		xf_req *req = s->queue_head;
		if (!req) {
			pthread_mutex_unlock(&s->lock);
			return NULL;
		}
		s->queue_head = req->next_job;
		if (!s->queue_head)
			s->queue_tail = NULL;
		pthread_mutex_unlock(&s->lock);

		run_route(s, req);
		req->state = ST_READY;
		MHD_resume_connection(req->conn);
	}
}

/* Returns true when the request went to a worker and the connection is suspended. */
static bool dispatch(xf_server *s, xf_req *req)
{
	const char *error;
	if (xf_url_parse(&req->arena, req->raw_target, &req->url, &error) != XF_OK) {
		xf_reply_error(req, 400, "bad_request", NULL, "%s", error);
		return false;
	}
	const char *path = req->url.path;
	if (strncmp(path, "/api/", 5) != 0) {
		if (!is_read_method(req->method)) {
			xf_reply_header(req, "Allow", "GET, HEAD");
			xf_reply_error(req, 405, "method_not_allowed", NULL, "static files are read-only");
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
			xf_reply_error(req, 405, "method_not_allowed", NULL, "'%s' does not take %s", path,
			               req->method);
		} else {
			xf_reply_error(req, 404, "not_found", NULL, "no route '%s'", path);
		}
		xf_buf_release(&allow);
		return false;
	}
	xf_buf_release(&allow);
	if (req->route->flags & XF_ROUTE_WORKER) {
		pthread_mutex_lock(&s->lock);
		bool stopping = s->stopping;
		pthread_mutex_unlock(&s->lock);
		if (!stopping) {
			req->state = ST_WORKING;
			MHD_suspend_connection(req->conn);
			enqueue(s, req);
			return true;
		}
	}
	run_route(s, req);
	return false;
}

/* ---- libmicrohttpd callbacks ---- */

static enum MHD_Result queue_reply(xf_req *req)
{
	struct MHD_Response *resp;
	if (req->stream_reader) {
		/* The response owns the stream context from here; MHD calls release. */
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096,
		                                         req->stream_reader,
		                                         req->stream_ctx, req->stream_release);
		req->stream_reader = NULL;
	} else if (req->static_fd >= 0) {
		resp = MHD_create_response_from_fd64(req->static_size, req->static_fd);
		req->static_fd = -1; /* the response owns it now */
	} else {
		size_t len;
		char *data = xf_buf_detach(&req->out, &len);
		req->out.len = len; /* remembered for the access log */
		resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	}
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "X-Request-Id", req->request_id);
	if (req->content_type)
		MHD_add_response_header(resp, "Content-Type", req->content_type);
	MHD_add_response_header(resp, "Content-Security-Policy", content_security_policy);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
	bool cache_set = false;
	for (xf_header *h = req->headers; h; h = h->next) {
		MHD_add_response_header(resp, h->name, h->value);
		cache_set |= strcmp(h->name, "Cache-Control") == 0;
	}
	if (!cache_set)
		MHD_add_response_header(resp, "Cache-Control", "no-store");
	enum MHD_Result ok = MHD_queue_response(req->conn, (unsigned)req->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	xf_server *s = cls;
	xf_req *req = xf_calloc(1, sizeof *req);
	unsigned char id[8];
	xf_arena_init(&req->arena);
	req->raw_target = xf_arena_strdup(&req->arena, uri ? uri : "");
	req->start_us = xf_mono_us();
	randombytes_buf(id, sizeof id);
	xf_hex_encode(id, sizeof id, req->request_id);
	xf_buf_init(&req->body, s->config.body_max);
	xf_buf_init(&req->out, 0);
	req->static_fd = -1;
	req->state = ST_NEW;
	req->server = s;
	req->conn = conn;
	return req;
}

static void client_address(xf_req *req)
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

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *version,
                                 const char *upload_data, size_t *upload_data_size,
                                 void **con_cls)
{
	xf_server *s = cls;
	xf_req *req = *con_cls;
	if (!req)
		return MHD_NO;
	switch (req->state) {
	case ST_NEW: {
		req->conn = conn;
		req->method = xf_arena_strdup(&req->arena, method);
		client_address(req);
		const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		unsigned long long declared = length ? strtoull(length, NULL, 10) : 0;
		/* A body somewhat over the cap is read and dropped, so the client, still
		 * sending, can read the 413; a huge one is refused at once and the
		 * connection closed. */
		if (declared > 16ull * s->config.body_max) {
			xf_reply_error(req, 413, "body_too_large", NULL, "body is larger than %zu bytes",
			               s->config.body_max);
			req->state = ST_READY;
			return queue_reply(req);
		}
		if (declared > s->config.body_max)
			req->body.overflow = true;
		req->state = ST_BODY;
		return MHD_YES;
	}
	case ST_BODY:
		if (*upload_data_size) {
			/* Past the cap the buffer refuses the bytes and remembers it overflowed. */
			if (!req->body.overflow)
				xf_buf_append(&req->body, upload_data, *upload_data_size);
			*upload_data_size = 0;
			return MHD_YES;
		}
		if (req->body.overflow) {
			xf_reply_error(req, 413, "body_too_large", NULL, "body is larger than %zu bytes",
			               s->config.body_max);
		} else if (dispatch(s, req)) {
			return MHD_YES;
		}
		req->state = ST_READY;
		return queue_reply(req);
	case ST_WORKING:
		return MHD_YES;
	case ST_READY:
	default:
		if (*upload_data_size) {
			*upload_data_size = 0; /* discard the rest of a refused body */
			return MHD_YES;
		}
		return queue_reply(req);
	}
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	xf_server *s = cls;
	xf_req *req = *con_cls;
	if (!req)
		return;
	if (!s->config.quiet)
		xf_log("req=%s %s \"%s %s\" %d %zuB %.1fms user=%s%s", req->request_id, req->client_addr,
		       req->method ? req->method : "-", req->raw_target, req->status,
		       req->static_fd < 0 && req->static_size ? (size_t)req->static_size : req->out.len,
		       (double)(xf_mono_us() - req->start_us) / 1000.0,
		       req->user.id ? req->user.username : "-",
		       toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
	if (req->static_fd >= 0)
		close(req->static_fd);
	if (req->stream_reader && req->stream_release)
		req->stream_release(req->stream_ctx); /* never handed to a response */
	json_decref(req->json);
	xf_buf_release(&req->body);
	xf_buf_release(&req->out);
	xf_arena_release(&req->arena);
	free(req);
	*con_cls = NULL;
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

xf_server *xf_http_start(const xf_http_config *config)
{
	struct sockaddr_in addr;
	if (parse_listen(config->listen, &addr) != XF_OK) {
		fprintf(stderr, "xinfang: cannot listen on '%s': expected IPV4:PORT\n", config->listen);
		return NULL;
	}
	xf_server *s = xf_calloc(1, sizeof *s);
	s->config = *config;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	s->n_workers = config->worker_threads ? config->worker_threads : 2;
	s->workers = xf_calloc(s->n_workers, sizeof *s->workers);
	for (unsigned i = 0; i < s->n_workers; i++)
		if (pthread_create(&s->workers[i], NULL, worker_main, s) != 0)
			xf_die("cannot start a worker thread");
	s->daemon = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME, 0, NULL,
		NULL, on_access, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(config->poll_threads ? config->poll_threads : 2),
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned)4000, MHD_OPTION_END);
	if (!s->daemon) {
		fprintf(stderr, "xinfang: cannot listen on '%s': %s\n", config->listen, strerror(errno));
		xf_http_stop(s);
		return NULL;
	}
	return s;
}

void xf_http_stop(xf_server *s)
{
	if (!s)
		return;
	/* Workers drain the queue and resume their connections before the daemon stops. */
	pthread_mutex_lock(&s->lock);
	s->stopping = true;
	pthread_cond_broadcast(&s->wake);
	pthread_mutex_unlock(&s->lock);
	for (unsigned i = 0; i < s->n_workers; i++)
		if (s->workers[i])
			pthread_join(s->workers[i], NULL);
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	free(s->workers);
	pthread_cond_destroy(&s->wake);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
