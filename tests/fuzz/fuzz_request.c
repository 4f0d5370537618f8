/* libFuzzer harness for the whole request path, in process: method, target, headers and
 * body go through the same checks, router, session, CSRF, permission, handler and reply
 * encoding as a request from a socket (xf_http_local_request), on a temporary database
 * with the shipped plan. A crash in any handler, or in the joins between layers, shows
 * here; so does a reply that breaks what every reply promises.
 *
 * Input (text):
 *   line 1: who asks: "A" anonymous, "P" the petition office (with every role but
 *           unit head), "H" the head of a department (scoped); anything else is "A"
 *   line 2: METHOD SP TARGET
 *   then header lines "Name: value" up to an empty line, then the body.
 * For "P" and "H" the session cookie and the CSRF header are added unless the input
 * sends its own Cookie header.
 *
 * Promises checked: a status from 100 to 599; a JSON reply (any status) parses and is
 * valid UTF-8; an error status carries {"error":{"code":...,"message":...}}. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/xf_api.h"
#include "api/xf_records.h"
#include "core/xf_password.h"
#include "store/xf_store_db.h"
#include "util/xf_utf8.h"

static xf_server *server;

static void check(int ok, const char *what, const char *detail)
{
	if (!ok) {
		fprintf(stderr, "broken promise: %s: %s\n", what, detail ? detail : "");
		abort();
	}
}

/* A user with a session whose token is token (its CSRF token is csrf). */
static void add_user(xf_db *db, const char *username, int64_t unit_id, xf_roles roles,
                     const char *token, const char *csrf)
{
	char digest[XF_TOKEN_DIGEST_LEN];
	int64_t user_id, session_id;
	xf_token_digest(token, digest);
	/* The hash is never checked: sessions are made here, not by logging in. */
	if (xf_store_user_insert(db, username, username, unit_id, "", roles, "$argon2id$fuzz",
	                         false, &user_id) != XF_OK ||
	    xf_store_session_create(db, user_id, digest, csrf, xf_now_ms(), &session_id) != XF_OK)
		check(0, "set-up", xf_db_error(db));
}

static void set_up(void)
{
	char dir[] = "/tmp/xinfang-fuzz-XXXXXX", error[512];
	check(mkdtemp(dir) != NULL, "set-up", "mkdtemp");
	char *db_path = xf_malloc(strlen(dir) + 16);
	sprintf(db_path, "%s/fuzz.db", dir);
	setenv("XINFANG_DATA_DIR", dir, 1);
	check(xf_records_configure(dir, 1 << 20) == XF_OK, "set-up",
	      "records directory"); /* uploads */
	check(xf_store_open(db_path, error, sizeof error) == XF_OK, "set-up", error);
	free(db_path);
	xf_db *db = xf_db_get();
	/* Durability is not under test; thousands of commits a second are. */
	sqlite3_exec(xf_db_sqlite(db), "PRAGMA synchronous=OFF", NULL, NULL, NULL);
	int64_t mine, department;
	check(xf_tx_begin(db, true) == XF_OK, "set-up", xf_db_error(db));
	check(xf_store_unit_insert(db, 0, "本矿", "mine", &mine) == XF_OK, "set-up", "unit");
	check(xf_store_unit_insert(db, mine, "机电科", "department", &department) == XF_OK,
	      "set-up", "unit");
	xf_roles office = 0;
	for (int r = 0; r < XF_ROLE_COUNT; r++)
		if (r != XF_ROLE_UNIT_HEAD)
			office |= 1u << r;
	add_user(db, "office", mine, office, "fuzz-office-token", "fuzz-office-csrf");
	add_user(db, "head", department, 1u << XF_ROLE_UNIT_HEAD, "fuzz-head-token",
	         "fuzz-head-csrf");
	check(xf_tx_commit(db) == XF_OK, "set-up", xf_db_error(db));
	check(xf_plans_start(XF_DEFAULT_PLAN) == XF_OK, "set-up", "plan");
	check(xf_stream_start() == XF_OK, "set-up", "stream");
	xf_api_config api = {.session_idle_ms = 3600 * 1000,
	                     .session_absolute_ms = 12 * 3600 * 1000};
	xf_api_init(&api);
	size_t n_routes;
	const xf_route *routes = xf_api_routes(&n_routes);
	xf_http_config http = {
	    .listen = "127.0.0.1:0",
	    .web_dir = XF_DEFAULT_WEB_DIR,
	    .body_max = 64 * 1024,
	    .routes = routes,
	    .n_routes = n_routes,
	    .authenticate = xf_api_authenticate,
	    .authenticate_cached = xf_api_authenticate_cached,
	    .quiet = true,
	};
	server = xf_http_local(&http);
}

/* The next line of data[*pos..size) as a NUL-terminated copy (without CR LF). */
static char *next_line(const uint8_t *data, size_t size, size_t *pos)
{
	size_t start = *pos, end = start;
	while (end < size && data[end] != '\n')
		end++;
	*pos = end < size ? end + 1 : end;
	size_t n = end - start;
	if (n && data[start + n - 1] == '\r')
		n--;
	char *line = xf_malloc(n + 1);
	memcpy(line, data + start, n);
	line[n] = '\0';
	return line;
}

static void check_answer(const xf_http_answer *a)
{
	char status[16];
	snprintf(status, sizeof status, "%d", a->status);
	check(a->status >= 100 && a->status <= 599, "status in range", status);
	if (strncmp(a->content_type, "application/json", 16) != 0)
		return;
	check(xf_utf8_valid(a->body, a->len), "json reply is UTF-8", a->body);
	json_error_t je;
	json_t *v = json_loadb(a->body, a->len, 0, &je);
	check(v != NULL, "json reply parses", a->body);
	if (a->status >= 400) {
		json_t *err = json_object_get(v, "error");
		check(json_is_string(json_object_get(err, "code")), "error has a code", a->body);
		check(json_is_string(json_object_get(err, "message")), "error has a message",
		      a->body);
	}
	json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!server)
		set_up();
	size_t pos = 0;
	char *who = next_line(data, size, &pos);
	char *request_line = next_line(data, size, &pos);
	char *space = strchr(request_line, ' ');
	const char *method = request_line, *target = "/";
	if (space) {
		*space = '\0';
		target = space + 1;
	}

	/* Headers, each name and value a line of their own copy. */
	enum { MAX_HEADERS = 32 };
	xf_header headers[MAX_HEADERS + 2];
	char *lines[MAX_HEADERS];
	size_t n = 0;
	bool own_cookie = false;
	while (pos < size && n < MAX_HEADERS) {
		char *line = next_line(data, size, &pos);
		if (!*line) {
			free(line);
			break;
		}
		lines[n] = line;
		char *colon = strchr(line, ':');
		if (!colon) {
			headers[n].name = line;
			headers[n].value = "";
		} else {
			*colon = '\0';
			headers[n].name = line;
			headers[n].value = colon + 1 + strspn(colon + 1, " \t");
		}
		own_cookie |= strcasecmp(headers[n].name, "Cookie") == 0;
		headers[n].next = n ? &headers[n - 1] : NULL;
		n++;
	}
	size_t n_headers = n;
	xf_header *list = n ? &headers[n - 1] : NULL;
	const char *token = NULL, *csrf = NULL;
	if (who[0] == 'P') {
		token = "xf_session=fuzz-office-token";
		csrf = "fuzz-office-csrf";
	} else if (who[0] == 'H') {
		token = "xf_session=fuzz-head-token";
		csrf = "fuzz-head-csrf";
	}
	if (token && !own_cookie) {
		headers[n] = (xf_header){"Cookie", token, list};
		headers[n + 1] = (xf_header){"X-CSRF-Token", csrf, &headers[n]};
		list = &headers[n + 1];
	}

	xf_http_answer answer;
	xf_http_local_request(server, method, target, list, (const char *)data + pos, size - pos,
	                      &answer);
	check_answer(&answer);
	if (getenv("XF_FUZZ_VERBOSE")) /* for checking what the seeds reach */
		fprintf(stderr, "%s %s %s -> %d %.200s\n", who, method, target, answer.status,
		        answer.body);
	free(answer.body);
	for (size_t i = 0; i < n_headers; i++)
		free(lines[i]);
	free(request_line);
	free(who);
	return 0;
}
