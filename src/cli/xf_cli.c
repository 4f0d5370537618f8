/* The command line: parses the configuration (flags override XINFANG_* variables,
 * which override defaults) and runs one subcommand. Changes made from the command
 * line are audit events like any other, with the actor "cli". */
#include "cli/xf_cli.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/xf_api.h"
#include "api/xf_records.h"
#include "cli/xf_cli_common.h"
#include "cli/xf_cli_import.h"
#include "cli/xf_cli_render.h"
#include "cli/xf_cli_retention.h"
#include "core/xf_account.h"
#include "core/xf_password.h"
#include "notify/xf_notify.h"
#include "store/xf_search.h"
#include "store/xf_store_bus.h"
#include "store/xf_store_seal.h"
#include "util/xf_proxy.h"

typedef struct config {
	const char *listen, *db, *data_dir, *plan, *web_dir, *admin_password;
	const char *name, *unit, *roles, *phone, *parent, *kind;
	unsigned threads;
	int overdue_ms;
	bool quiet, password_stdin, secure_cookies;
	int64_t body_max;
} config;

static void config_defaults(config *c)
{
	memset(c, 0, sizeof *c);
	c->listen = xf_cli_env_or("XINFANG_LISTEN", "127.0.0.1:8080");
	c->db = xf_cli_env_or("XINFANG_DB", "var/xinfang.db");
	c->data_dir = xf_cli_env_or("XINFANG_DATA_DIR", NULL); /* NULL: the database's directory */
	c->plan = xf_cli_env_or("XINFANG_PLAN", XF_DEFAULT_PLAN);
	c->web_dir = xf_cli_env_or("XINFANG_WEB_DIR", XF_DEFAULT_WEB_DIR);
	c->admin_password = xf_cli_env_or("XINFANG_ADMIN_PASSWORD", NULL);
	c->secure_cookies = strcmp(xf_cli_env_or("XINFANG_SECURE_COOKIES", "0"), "1") == 0;
	c->threads = 2;
	c->overdue_ms = atoi(xf_cli_env_or("XINFANG_OVERDUE_INTERVAL_MS", "5000"));
	c->body_max = 1024 * 1024;
}

static const char usage_top[] =
    "usage: xinfang COMMAND [OPTIONS]\n"
    "\n"
    "xinfang (信访应急指挥平台) runs a petition emergency-response plan.\n"
    "\n"
    "commands:\n"
    "  serve            start the HTTP server\n"
    "  init             create the database and the admin account, then exit\n"
    "  user add|passwd|list|disable|roles   manage accounts\n"
    "  unit add|list    manage the unit tree\n"
    "  import units|staff FILE [--dry-run]   import units or the staff roster from CSV\n"
    "  render --pdf FILE --docx FILE [JSON]   write a document (report) as PDF/DOCX\n"
    "  backup FILE      write a consistent copy of the database while it is in use\n"
    "  check            check the database and the audit chain\n"
    "  retention [--apply]   list (or delete) records past the plan's retention\n"
    "  plan check FILE  validate a plan file; names the JSON path of every problem\n"
    "  version          print the version\n"
    "\n"
    "Every command takes --help. Common options (and their variables):\n"
    "  --db FILE        database file (XINFANG_DB, default var/xinfang.db)\n";

static const struct {
	const char *name, *usage;
} usages[] = {
    {"serve", "usage: xinfang serve [--listen IP:PORT] [--db FILE] [--data-dir DIR] [--plan FILE]\n"
              "                     [--web-dir DIR] [--threads N] [--quiet]\n"
              "Starts the server. Variables: XINFANG_LISTEN (127.0.0.1:8080), XINFANG_DB,\n"
              "XINFANG_DATA_DIR (the database's directory), XINFANG_RECORD_MAX_BYTES (200 MiB), "
              "XINFANG_PLAN, XINFANG_WEB_DIR, XINFANG_ADMIN_PASSWORD\n"
              "(first start only; otherwise a one-time password is printed once),\n"
              "XINFANG_SECURE_COOKIES=1 behind TLS, XINFANG_TRUSTED_PROXIES=ADDR[,ADDR] behind a\n"
              "reverse proxy (whose X-Forwarded-For then names the client).\n"},
    {"init", "usage: xinfang init [--db FILE]\n"
             "Creates the database, the root unit and the admin account if absent.\n"},
    {"user add", "usage: xinfang user add USERNAME --name NAME --unit UNIT_ID --roles ROLE[,ROLE]\n"
                 "                        [--phone PHONE] [--db FILE]\n"
                 "Creates an account and prints its one-time password. Roles: petition_office,\n"
                 "leader, unit_head, dispatch, official, company, auditor, admin.\n"},
    {"user passwd", "usage: xinfang user passwd USERNAME [--password-stdin] [--db FILE]\n"
                    "Sets a new one-time password and prints it, or with --password-stdin reads\n"
                    "the new password from the first line of standard input.\n"},
    {"user list", "usage: xinfang user list [--db FILE]\nLists the accounts.\n"},
    {"user disable", "usage: xinfang user disable USERNAME [--db FILE]\n"
                     "Disables an account and ends its sessions.\n"},
    {"user roles", "usage: xinfang user roles USERNAME ROLE[,ROLE] [--db FILE]\n"
                   "Replaces an account's roles.\n"},
    {"unit add",
     "usage: xinfang unit add NAME [--parent UNIT_ID] [--kind mine|department|team|other]\n"
     "                        [--db FILE]\nAdds a unit.\n"},
    {"unit list", "usage: xinfang unit list [--db FILE]\nLists the units.\n"},
    {"backup", "usage: xinfang backup FILE [--db FILE]\n"
               "Writes a consistent copy of the database, also while the server writes, and\n"
               "the copy's audit-chain head beside it in FILE.head (keep the two together).\n"},
    {"check", "usage: xinfang check [--db FILE] [--data-dir DIR]\n"
              "Checks the database, recomputes the audit chain and compares its head with the\n"
              "head file FILE.head, and hashes every stored record file under DIR (by default\n"
              "the database's directory) naming each missing or altered one; exits 1 naming\n"
              "the problem; recomputes the seal of every archived incident and names each\n"
              "one whose rows changed after sealing. Reads one snapshot and\n"
              "never takes the write lock, so it runs beside the server.\n"},
    {"version", "usage: xinfang version\nPrints the version.\n"},
    {"plan check", "usage: xinfang plan check FILE\n"
                   "Validates a plan file and names the JSON path and the problem of every error;\n"
                   "prints the plan's version (the SHA-256 of the file) when it is valid.\n"},
};

static int usage(const char *command, int status)
{
	FILE *out = status ? stderr : stdout;
	for (size_t i = 0; i < XF_ARRAY_LEN(usages); i++)
		if (strcmp(usages[i].name, command) == 0) {
			fputs(usages[i].usage, out);
			return status;
		}
	fputs(usage_top, out);
	return status;
}

/* The options every command accepts, each setting one field of config. */
static const struct cli_option {
	const char *name;
	enum { OPT_TEXT, OPT_FLAG, OPT_THREADS } kind;
	size_t field; /* offset in config of a const char * (text) or a bool (flag) */
} cli_options[] = {
    {"listen", OPT_TEXT, offsetof(config, listen)},
    {"db", OPT_TEXT, offsetof(config, db)},
    {"data-dir", OPT_TEXT, offsetof(config, data_dir)},
    {"plan", OPT_TEXT, offsetof(config, plan)},
    {"web-dir", OPT_TEXT, offsetof(config, web_dir)},
    {"threads", OPT_THREADS, offsetof(config, threads)},
    {"quiet", OPT_FLAG, offsetof(config, quiet)},
    {"name", OPT_TEXT, offsetof(config, name)},
    {"unit", OPT_TEXT, offsetof(config, unit)},
    {"roles", OPT_TEXT, offsetof(config, roles)},
    {"phone", OPT_TEXT, offsetof(config, phone)},
    {"parent", OPT_TEXT, offsetof(config, parent)},
    {"kind", OPT_TEXT, offsetof(config, kind)},
    {"password-stdin", OPT_FLAG, offsetof(config, password_stdin)},
};

/* getopt_long's values of cli_options[i]: OPT_FIRST + i. */
#define OPT_FIRST 256

/* Parses options into c; positional arguments stay in argv[optind..]. Returns -1 on a
 * bad option, 1 on --help, 0 otherwise. */
static int parse_options(int argc, char **argv, config *c)
{
	enum { N = XF_ARRAY_LEN(cli_options) };
	struct option options[N + 2];
	for (size_t i = 0; i < N; i++)
		options[i] = (struct option){cli_options[i].name,
		                             cli_options[i].kind == OPT_FLAG ? no_argument
		                                                             : required_argument,
		                             NULL, OPT_FIRST + (int)i};
	options[N] = (struct option){"help", no_argument, NULL, 'h'};
	options[N + 1] = (struct option){NULL, 0, NULL, 0};
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		if (opt == 'h')
			return 1;
		if (opt < OPT_FIRST || opt >= OPT_FIRST + N)
			return -1;
		const struct cli_option *o = &cli_options[opt - OPT_FIRST];
		char *field = (char *)c + o->field;
		if (o->kind == OPT_TEXT)
			*(const char **)field = optarg;
		else if (o->kind == OPT_FLAG)
			*(bool *)field = true;
		else
			*(unsigned *)field = (unsigned)strtoul(optarg, NULL, 10);
	}
	if (c->threads < 1 || c->threads > 64) {
		fprintf(stderr, "xinfang: --threads must be from 1 to 64\n");
		return -1;
	}
	return 0;
}

/* Creates the parent directory of a file path, one level, if absent. */
static void make_parent_dir(const char *path)
{
	char *copy = xf_strdup(path);
	char *slash = strrchr(copy, '/');
	if (slash && slash != copy) {
		*slash = '\0';
		if (mkdir(copy, 0750) != 0 && errno != EEXIST)
			fprintf(stderr, "xinfang: cannot create directory '%s': %s\n", copy,
			        strerror(errno));
	}
	free(copy);
}

static int open_store(const config *c)
{
	char error[512];
	if (!xf_store_is_server(c->db))
		make_parent_dir(c->db);
	/* PostgreSQL's head file; not in the directory made up of a URL */
	xf_store_set_head_dir(xf_store_is_server(c->data_dir) ? NULL : c->data_dir);
	if (xf_store_open(c->db, error, sizeof error) != XF_OK) {
		fprintf(stderr, "xinfang: %s\n", error);
		return XF_ERR;
	}
	return XF_OK;
}

/* For check and backup: an existing, up-to-date database, opened without writing. */
static int open_store_current(const config *c)
{
	char error[512];
	struct stat st;
	if (!xf_store_is_server(c->db) && stat(c->db, &st) != 0) {
		fprintf(stderr, "xinfang: cannot open database '%s': %s\n", c->db, strerror(errno));
		return XF_ERR;
	}
	if (xf_store_is_server(c->db) && xf_store_is_server(c->data_dir)) {
		/* the default, the database's directory, is no directory for a URL */
		fprintf(stderr, "xinfang: a PostgreSQL database needs its data directory "
		                "(--data-dir or XINFANG_DATA_DIR): it holds the record files and "
		                "the head file\n");
		return XF_ERR;
	}
	xf_store_set_head_dir(c->data_dir); /* PostgreSQL's head file */
	if (xf_store_open_current(c->db, error, sizeof error) != XF_OK) {
		fprintf(stderr, "xinfang: %s\n", error);
		xf_store_close();
		return XF_ERR;
	}
	return XF_OK;
}

static const xf_actor cli_actor = {.id = 0, .name = "cli", .request_id = ""};

/* The audit event of a row the command line created: `action` on the `type` row id. */
static int audit_created(xf_db *db, const char *action, const char *type, int64_t id,
                         json_t *details)
{
	char id_text[24];
	snprintf(id_text, sizeof id_text, "%lld", (long long)id);
	return xf_audit_append(db, &cli_actor, action, type, id_text, details);
}

static int finish(xf_db *db, int rc)
{
	if (rc == XF_OK)
		rc = xf_tx_commit(db);
	if (rc != XF_OK) {
		fprintf(stderr, "xinfang: cannot write the database: %s\n", xf_db_error(db));
		xf_tx_rollback(db);
	}
	return rc;
}

/* First start: a root unit and the admin account. With no password given, a one-time
 * password is printed once and must be changed at first sign-in. */
static int bootstrap(const config *c)
{
	xf_db *db = xf_db_get();
	int64_t units, users, unit_id = 1, user_id;
	xf_actor system = {.id = 0, .name = "system", .request_id = ""};
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_unit_count(db, &units);
	if (rc == XF_OK)
		rc = xf_store_user_count(db, &users);
	if (rc == XF_OK && units == 0) {
		rc = xf_store_unit_insert(db, 0, "本矿", "mine", &unit_id);
		if (rc == XF_OK)
			rc = xf_audit_append(
			    db, &system, "unit.create", "unit", "1",
			    json_pack("{s:s, s:s}", "name", "本矿", "kind", "mine"));
	}
	char one_time[XF_ONE_TIME_LEN] = "";
	if (rc == XF_OK && users == 0) {
		char hash[XF_PASSWORD_HASH_LEN];
		const char *password = c->admin_password;
		if (!password) {
			xf_password_one_time(one_time);
			password = one_time;
		} else if (xf_password_rule(password, NULL, "admin")) {
			fprintf(stderr, "xinfang: XINFANG_ADMIN_PASSWORD %s\n",
			        xf_password_rule(password, NULL, "admin"));
			xf_tx_rollback(db);
			return XF_ERR;
		}
		xf_password_hash(password, hash);
		rc = xf_store_user_insert(db, "admin", "系统管理员", unit_id, "",
		                          1u << XF_ROLE_ADMIN, hash, one_time[0] != '\0', &user_id);
		if (rc == XF_OK)
			rc = xf_audit_append(
			    db, &system, "user.create", "user", "1",
			    json_pack("{s:s, s:[s]}", "username", "admin", "roles", "admin"));
	}
	if (finish(db, rc) != XF_OK)
		return XF_ERR;
	if (users == 0) {
		if (one_time[0])
			printf("xinfang: created account 'admin' with one-time password: %s\n"
			       "xinfang: it is shown once and must be changed at first sign-in\n",
			       one_time);
		else
			printf("xinfang: created account 'admin' with the password from "
			       "XINFANG_ADMIN_PASSWORD\n");
		fflush(stdout);
	}
	sodium_memzero(one_time, sizeof one_time);
	return XF_OK;
}

/* Blocks SIGINT and SIGTERM (to be taken by sigwait) before any thread starts, so every
 * thread inherits the mask; ignores SIGPIPE. */
static void block_signals(sigset_t *signals)
{
	sigemptyset(signals);
	sigaddset(signals, SIGINT);
	sigaddset(signals, SIGTERM);
	pthread_sigmask(SIG_BLOCK, signals, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* On PostgreSQL, the change bus to the other processes on the same database: their
 * commits move this process's caches and wake its live feed (store/xf_store_bus.h).
 * Opened before the feed reads its first sequence number, so nothing falls between. */
static int bus_open(const config *c)
{
	char error[512];
	if (!xf_store_is_server(c->db))
		return XF_OK;
	if (xf_store_bus_open(c->db, xf_stream_notify, error, sizeof error) != XF_OK) {
		fprintf(stderr, "xinfang: cannot open the change bus: %s\n", error);
		return XF_ERR;
	}
	return XF_OK;
}

/* Everything the server stands on: the data directory, the record store, the database and
 * its first account, the plans and the live feed. */
static int serve_prepare(const config *c, uint64_t record_max)
{
	if (mkdir(c->data_dir, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "xinfang: cannot create data directory '%s': %s\n", c->data_dir,
		        strerror(errno));
		return XF_ERR;
	}
	if (xf_records_configure(c->data_dir, record_max) != XF_OK || open_store(c) != XF_OK ||
	    bootstrap(c) != XF_OK || xf_plans_start(c->plan) != XF_OK || bus_open(c) != XF_OK ||
	    xf_stream_start() != XF_OK) {
		xf_store_bus_close();
		xf_plans_stop();
		xf_store_close();
		return XF_ERR;
	}
	return XF_OK;
}

static unsigned env_unsigned(const char *name)
{
	return (unsigned)atoi(xf_cli_env_or(name, "0"));
}

static xf_server *serve_start_http(const config *c, uint64_t record_max,
                                   const xf_proxy_list *trusted_proxies)
{
	size_t n_routes;
	const xf_route *routes = xf_api_routes(&n_routes);
	xf_http_config http = {
	    .listen = c->listen,
	    .web_dir = c->web_dir,
	    .body_max = (size_t)c->body_max,
	    /* uploads of records (0: 200 MiB) */
	    .stream_body_max = record_max,
	    .poll_threads = c->threads,
	    /* 0 takes the HTTP layer's default (README: connection limits). */
	    .max_connections = env_unsigned("XINFANG_MAX_CONNECTIONS"),
	    .per_address = env_unsigned("XINFANG_CONNECTIONS_PER_ADDRESS"),
	    .reserve = env_unsigned("XINFANG_CONNECTION_RESERVE"),
	    .timeout_s = env_unsigned("XINFANG_IDLE_TIMEOUT_S"),
	    .routes = routes,
	    .n_routes = n_routes,
	    .authenticate = xf_api_authenticate,
	    .authenticate_cached = xf_api_authenticate_cached,
	    .quiet = c->quiet,
	    .trusted_proxies = trusted_proxies,
	};
	return xf_http_start(&http);
}

/* Stops what serve_prepare and the api started, in reverse order. */
static void serve_release(void)
{
	xf_store_bus_close();
	xf_stream_free();
	xf_api_shutdown();
	xf_plans_stop();
	xf_store_close();
}

/* XINFANG_TRUSTED_PROXIES (empty by default: X-Forwarded-For is ignored); false after
 * saying which item is malformed. */
static bool trusted_proxies_read(xf_proxy_list *list)
{
	char bad[80];
	if (xf_proxy_list_parse(xf_cli_env_or("XINFANG_TRUSTED_PROXIES", ""), list, bad,
	                        sizeof bad) == 0)
		return true;
	fprintf(stderr,
	        "xinfang: XINFANG_TRUSTED_PROXIES: '%s' is not an IPv4 or IPv6 address "
	        "(expected a comma-separated list of ADDRESS or ADDRESS/BITS)\n",
	        bad);
	return false;
}

static int cmd_serve(const config *c)
{
	sigset_t signals;
	block_signals(&signals);
	uint64_t record_max = strtoull(xf_cli_env_or("XINFANG_RECORD_MAX_BYTES", "0"), NULL, 10);
	static xf_proxy_list trusted_proxies; /* read by the server's threads until it stops */
	if (!trusted_proxies_read(&trusted_proxies) || serve_prepare(c, record_max) != XF_OK)
		return 1;
	xf_api_config api = {
	    .session_idle_ms = 2 * XF_HOUR_MS,
	    .session_absolute_ms = 12 * XF_HOUR_MS,
	    .secure_cookies = c->secure_cookies,
	};
	xf_api_init(&api);
	xf_notify_configure(c->data_dir, c->listen); /* the key file, the public URL */
	xf_server *server = serve_start_http(c, record_max, &trusted_proxies);
	if (!server) {
		xf_stream_stop();
		serve_release();
		return 1;
	}
	xf_overdue_start(c->overdue_ms);
	xf_matter_clocks_start(c->overdue_ms); /* issue 13: the alarms of matters' clocks */
	xf_warnings_start(c->overdue_ms * 12); /* issue 14: planned visits coming near */
	if (xf_notify_start() != XF_OK)
		xf_log("cannot start the notification sender");
	if (xf_store_wal_start() != XF_OK)
		xf_log("cannot start the thread that keeps the write-ahead log small");
	if (xf_store_head_writer_start() != XF_OK)
		xf_log(
		    "cannot start the audit chain head writer; commits write the head themselves");
	printf("xinfang: serving http://%s (database %s)\n", c->listen, c->db);
	fflush(stdout);
	int sig;
	sigwait(&signals, &sig);
	xf_log("stopping on signal %d", sig);
	/* Parked live-feed connections are woken before the HTTP server stops. */
	xf_overdue_stop();
	xf_matter_clocks_stop();
	xf_warnings_stop();
	xf_notify_stop();
	xf_store_wal_stop();
	xf_store_bus_close();
	xf_stream_stop();
	xf_http_stop(server);
	xf_store_head_writer_stop();
	serve_release();
	xf_proxy_list_free(&trusted_proxies);
	return 0;
}

static int cmd_init(const config *c)
{
	int rc = open_store(c) == XF_OK && bootstrap(c) == XF_OK ? 0 : 1;
	xf_store_close();
	return rc;
}

static int parse_roles(const char *list, xf_roles *roles)
{
	*roles = 0;
	char *copy = xf_strdup(list), *save = NULL;
	for (char *r = strtok_r(copy, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
		int role = xf_role_parse(r);
		if (role < 0) {
			fprintf(stderr, "xinfang: unknown role '%s'\n", r);
			free(copy);
			return XF_ERR;
		}
		*roles |= 1u << role;
	}
	free(copy);
	if (!*roles) {
		fprintf(stderr, "xinfang: name at least one role\n");
		return XF_ERR;
	}
	return XF_OK;
}

static int64_t parse_id(const char *what, const char *s)
{
	char *end;
	long long v = s ? strtoll(s, &end, 10) : 0;
	if (!s || *end || v < 1) {
		fprintf(stderr, "xinfang: %s must be a positive integer\n", what);
		return 0;
	}
	return v;
}

static int find_user(xf_db *db, const char *username, xf_user_row *row)
{
	int rc = xf_store_user_by_username(db, username, row);
	if (rc == XF_NOTFOUND)
		fprintf(stderr, "xinfang: there is no user '%s'\n", username);
	else if (rc != XF_OK)
		fprintf(stderr, "xinfang: %s\n", xf_db_error(db));
	return rc;
}

/* user list: one line per account. */
static int user_list(xf_db *db)
{
	json_t *users;
	if (xf_store_user_list(db, &users) != XF_OK)
		return 1;
	size_t i;
	json_t *u;
	printf("%-6s %-20s %-20s %-6s %-8s %s\n", "id", "username", "name", "unit", "state",
	       "roles");
	json_array_foreach(users, i, u)
	{
		char *roles = json_dumps(json_object_get(u, "roles"), JSON_COMPACT);
		printf("%-6lld %-20s %-20s %-6lld %-8s %s\n",
		       (long long)json_integer_value(json_object_get(u, "id")),
		       json_string_value(json_object_get(u, "username")),
		       json_string_value(json_object_get(u, "name")),
		       (long long)json_integer_value(json_object_get(u, "unit_id")),
		       json_is_true(json_object_get(u, "disabled")) ? "disabled" : "active", roles);
		free(roles);
	}
	json_decref(users);
	return 0;
}

/* user add USERNAME --name --unit --roles: prints the one-time password. */
static int user_add(const config *c, xf_db *db, const char *username)
{
	char one_time[XF_ONE_TIME_LEN], hash[XF_PASSWORD_HASH_LEN];
	xf_roles roles;
	int64_t unit_id = parse_id("--unit", c->unit), id;
	if (!xf_username_valid(username)) {
		fprintf(stderr,
		        "xinfang: username '%s' must be 2 to 32 characters of a-z, 0-9, "
		        "'.', '_', '-', starting with a letter\n",
		        username);
		return 1;
	}
	if (!c->name || !unit_id || !c->roles || parse_roles(c->roles, &roles) != XF_OK)
		return usage("user add", 2);
	xf_password_one_time(one_time);
	xf_password_hash(one_time, hash);
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_user_insert(db, username, c->name, unit_id, c->phone ? c->phone : "",
		                          roles, hash, true, &id);
	if (rc == XF_CONFLICT) {
		fprintf(stderr,
		        "xinfang: the username '%s' is taken, or unit %lld does not exist\n",
		        username, (long long)unit_id);
		xf_tx_rollback(db);
		return 1;
	}
	if (rc == XF_OK)
		rc = audit_created(db, "user.create", "user", id,
		                   json_pack("{s:s, s:s, s:I, s:s}", "username", username, "name",
		                             c->name, "unit_id", (json_int_t)unit_id, "roles",
		                             c->roles));
	if (finish(db, rc) != XF_OK)
		return 1;
	printf("created account '%s' with one-time password: %s\n", username, one_time);
	return 0;
}

/* user passwd USERNAME [--password-stdin]: a new one-time password, or the one read
 * from standard input; ends the account's sessions. */
static int user_passwd(const config *c, xf_db *db, const char *username, const xf_user_row *row,
                       const char *id_text)
{
	char one_time[XF_ONE_TIME_LEN], hash[XF_PASSWORD_HASH_LEN];
	const char *password = one_time;
	char line[512];
	if (c->password_stdin) {
		if (!fgets(line, sizeof line, stdin)) {
			fprintf(stderr, "xinfang: no password on standard input\n");
			return 1;
		}
		line[strcspn(line, "\r\n")] = '\0';
		const char *problem = xf_password_rule(line, NULL, username);
		if (problem) {
			fprintf(stderr, "xinfang: the password %s\n", problem);
			return 1;
		}
		password = line;
	} else {
		xf_password_one_time(one_time);
	}
	xf_password_hash(password, hash);
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_user_set_password(db, row->user.id, hash, !c->password_stdin);
	if (rc == XF_OK)
		rc = xf_store_session_delete_user(db, row->user.id, 0);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &cli_actor, "user.password_reset", "user", id_text, NULL);
	sodium_memzero(line, sizeof line);
	if (finish(db, rc) != XF_OK)
		return 1;
	if (!c->password_stdin)
		printf("new one-time password for '%s': %s\n", username, one_time);
	return 0;
}

/* user disable USERNAME: the account can no longer sign in; its sessions end. */
static int user_disable(xf_db *db, const xf_user_row *row, const char *id_text)
{
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_user_set_disabled(db, row->user.id, true);
	if (rc == XF_OK)
		rc = xf_store_session_delete_user(db, row->user.id, 0);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &cli_actor, "user.update", "user", id_text,
		                     json_pack("{s:b}", "disabled", 1));
	return finish(db, rc) == XF_OK ? 0 : 1;
}

/* user roles USERNAME ROLES: replaces the account's roles. */
static int user_roles(xf_db *db, const xf_user_row *row, const char *id_text,
                      const char *roles_text)
{
	xf_roles roles;
	if (parse_roles(roles_text, &roles) != XF_OK)
		return 1;
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_user_set_roles(db, row->user.id, roles);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &cli_actor, "user.update", "user", id_text,
		                     json_pack("{s:s}", "roles", roles_text));
	return finish(db, rc) == XF_OK ? 0 : 1;
}

static int cmd_user(const config *c, const char *verb, char **args, int n_args)
{
	xf_db *db = xf_db_get();
	if (strcmp(verb, "list") == 0)
		return user_list(db);
	if (n_args < 1)
		return usage(strcmp(verb, "add") == 0 ? "user add" : "user", 2);
	const char *username = args[0];
	if (strcmp(verb, "add") == 0)
		return user_add(c, db, username);
	xf_user_row row;
	if (find_user(db, username, &row) != XF_OK)
		return 1;
	char id_text[24];
	snprintf(id_text, sizeof id_text, "%lld", (long long)row.user.id);
	if (strcmp(verb, "passwd") == 0)
		return user_passwd(c, db, username, &row, id_text);
	if (strcmp(verb, "disable") == 0)
		return user_disable(db, &row, id_text);
	if (strcmp(verb, "roles") == 0)
		return n_args < 2 ? usage("user roles", 2) : user_roles(db, &row, id_text, args[1]);
	return usage("user", 2);
}

static int cmd_unit(const config *c, const char *verb, char **args, int n_args)
{
	xf_db *db = xf_db_get();
	if (strcmp(verb, "list") == 0) {
		json_t *units, *u;
		size_t i;
		if (xf_store_unit_list(db, &units) != XF_OK)
			return 1;
		printf("%-6s %-8s %-12s %s\n", "id", "parent", "kind", "name");
		json_array_foreach(units, i, u)
		{
			char parent[24] = "-";
			json_t *p = json_object_get(u, "parent_id");
			if (!json_is_null(p))
				snprintf(parent, sizeof parent, "%lld",
				         (long long)json_integer_value(p));
			printf("%-6lld %-8s %-12s %s\n",
			       (long long)json_integer_value(json_object_get(u, "id")), parent,
			       json_string_value(json_object_get(u, "kind")),
			       json_string_value(json_object_get(u, "name")));
		}
		json_decref(units);
		return 0;
	}
	if (strcmp(verb, "add") != 0 || n_args < 1)
		return usage("unit add", 2);
	const char *kind = c->kind ? c->kind : "department";
	bool kind_ok = false;
	for (const char *const *k = xf_unit_kinds; *k; k++)
		kind_ok |= strcmp(*k, kind) == 0;
	if (!kind_ok) {
		fprintf(stderr, "xinfang: --kind must be one of mine, department, team, other\n");
		return 1;
	}
	int64_t parent = c->parent ? parse_id("--parent", c->parent) : 0, id;
	if (c->parent && !parent)
		return 1;
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_unit_insert(db, parent, args[0], kind, &id);
	if (rc == XF_CONFLICT) {
		fprintf(stderr,
		        "xinfang: unit '%s' exists there already, or parent %lld does not exist\n",
		        args[0], (long long)parent);
		xf_tx_rollback(db);
		return 1;
	}
	if (rc == XF_OK)
		rc = audit_created(db, "unit.create", "unit", id,
		                   json_pack("{s:s, s:s, s:o}", "name", args[0], "kind", kind,
		                             "parent_id",
		                             parent ? json_integer(parent) : json_null()));
	if (finish(db, rc) != XF_OK)
		return 1;
	printf("created unit %lld '%s'\n", (long long)id, args[0]);
	return 0;
}

/* The head file against the chain as walked (docs/audit.md, "The head file"). */
static int check_head(const char *head_path, int head_rc, const char *head_error,
                      const xf_audit_head *recorded, const xf_audit_walk *walk)
{
	char problem[512];
	if (head_rc == XF_ERR) {
		fprintf(stderr, "xinfang: check failed: %s\n", head_error);
		return 1;
	}
	if (head_rc == XF_NOTFOUND) {
		if (walk->count == 0)
			return 0; /* a database without events has no head yet */
		fprintf(
		    stderr,
		    "xinfang: check failed: head file '%s' is missing: whether the newest events"
		    " were removed cannot be told (a database last written before head files"
		    " existed gets one with its next change; a copy needs the head file made"
		    " with it)\n",
		    head_path);
		return 1;
	}
	if (!xf_audit_head_matches(walk, recorded, problem, sizeof problem)) {
		fprintf(stderr, "xinfang: check failed: %s ('%s')\n", problem, head_path);
		return 1;
	}
	return 0;
}

static int cmd_check(const config *c)
{
	char problem[512], head_error[512] = "";
	if (open_store_current(c) != XF_OK)
		return 1;
	int64_t started_us = xf_mono_us();
	xf_db *db = xf_db_get();
	/* The head file first, the snapshot after: a head written by a commit the snapshot
	 * does not see would be ahead of it. */
	const char *head_path = xf_store_head_path();
	xf_audit_head recorded = {0};
	int head_rc = xf_audit_head_read(head_path, &recorded, head_error, sizeof head_error);
	xf_audit_walk walk;
	int status = 0, n_files_bad, n_seals_bad;
	int64_t n_sealed = 0;
	/* One read transaction: every part looks at the same snapshot, and none of them
	 * writes, so a running server is neither waited for nor held up. */
	if (xf_tx_begin(db, false) != XF_OK) {
		fprintf(stderr, "xinfang: check failed: cannot read the database: %s\n",
		        xf_db_error(db));
		status = 1;
	} else if (xf_store_integrity(db, problem, sizeof problem) != XF_OK) {
		fprintf(stderr, "xinfang: check failed: %s\n", problem);
		status = 1;
	} else if (xf_audit_verify_marked(db, head_rc == XF_OK ? recorded.seq : 0, &walk) !=
	           XF_OK) {
		fprintf(stderr, "xinfang: check failed: cannot read events: %s\n", xf_db_error(db));
		status = 1;
	} else if (walk.bad_seq) {
		fprintf(stderr, "xinfang: check failed: events row seq=%lld: %s\n",
		        (long long)walk.bad_seq, walk.problem);
		status = 1;
	} else if (check_head(head_path, head_rc, head_error, &recorded, &walk) != 0) {
		status = 1;
	} else if (xf_search_check(db, problem, sizeof problem) != XF_OK) {
		fprintf(stderr, "xinfang: check failed: %s\n", problem);
		status = 1;
	} else if ((n_files_bad = xf_records_check(db, c->data_dir, stderr)) != 0) {
		/* every stored record file against its hash; each bad one is named */
		if (n_files_bad < 0)
			fprintf(stderr, "xinfang: check failed: cannot read records: %s\n",
			        xf_db_error(db));
		status = 1;
	} else if ((n_seals_bad = xf_seal_check_all(db, stderr, &n_sealed)) != 0) {
		/* every seal recomputed: each incident changed after sealing is named */
		if (n_seals_bad < 0)
			fprintf(stderr, "xinfang: check failed: cannot read seals: %s\n",
			        xf_db_error(db));
		status = 1;
	} else {
		char head[XF_HASH_HEX_LEN];
		xf_hex_encode(walk.head, XF_HASH_LEN, head);
		printf("database ok; audit chain ok: %lld events, head %s", (long long)walk.count,
		       head);
		if (head_rc == XF_OK)
			printf("; head file at seq %lld", (long long)recorded.seq);
		printf("; %lld seals intact", (long long)n_sealed);
		printf("; checked in %.1f s\n", (double)(xf_mono_us() - started_us) / 1e6);
	}
	xf_tx_rollback(db);
	xf_store_close();
	return status;
}

static int cmd_backup(const config *c, const char *file)
{
	char error[512];
	if (access(file, F_OK) == 0) {
		fprintf(stderr, "xinfang: '%s' exists; not overwriting it\n", file);
		return 1;
	}
	if (open_store_current(c) != XF_OK)
		return 1;
	int rc = xf_store_backup(xf_db_get(), file, error, sizeof error);
	xf_store_close();
	if (rc != XF_OK) {
		fprintf(stderr, "xinfang: %s\n", error);
		return 1;
	}
	if (xf_store_is_server(c->db))
		/* the URL may hold a password: not printed */
		printf("backed up the PostgreSQL database to '%s' with pg_dump (custom format: "
		       "restore with pg_restore, docs/audit.md) (chain head in '%s.head')\n",
		       file, file);
	else
		printf("backed up '%s' to '%s' (chain head in '%s.head')\n", c->db, file, file);
	return 0;
}

int xf_cli_main(int argc, char **argv)
{
	config c;
	config_defaults(&c);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return usage("", argc < 2 ? 2 : 0);
	const char *command = argv[1];
	if (strcmp(command, "import") == 0) /* its own options: --dry-run */
		return xf_cli_import(argc - 1, argv + 1);
	if (strcmp(command, "render") == 0) /* no database: --pdf, --docx */
		return xf_cli_render(argc - 1, argv + 1);
	if (strcmp(command, "retention") == 0) /* its own options: --apply, --as-of */
		return xf_cli_retention(argc - 1, argv + 1);
	bool has_verb = strcmp(command, "user") == 0 || strcmp(command, "unit") == 0 ||
	                strcmp(command, "plan") == 0;
	if (has_verb && (argc < 3 || argv[2][0] == '-')) {
		fprintf(stderr, "xinfang: '%s' needs a verb: %s\n", command,
		        command[1] == 's'   ? "add, passwd, list, disable, roles"
		        : command[1] == 'l' ? "check"
		                            : "add, list");
		return 2;
	}
	char full[64];
	snprintf(full, sizeof full, "%s%s%s", command, has_verb ? " " : "",
	         has_verb ? argv[2] : "");
	int skip = has_verb ? 2 : 1;
	int rc = parse_options(argc - skip, argv + skip, &c);
	if (rc != 0)
		return usage(full, rc > 0 ? 0 : 2);
	static char db_dir[4096];
	if (!c.data_dir) { /* records live next to the database unless told otherwise */
		snprintf(db_dir, sizeof db_dir, "%s", c.db);
		char *slash = strrchr(db_dir, '/');
		if (slash)
			slash[slash == db_dir ? 1 : 0] = '\0';
		c.data_dir = slash ? db_dir : ".";
	}
	char **args = argv + skip + optind;
	int n_args = argc - skip - optind;

	xf_crypto_init();
	if (strcmp(command, "serve") == 0)
		return cmd_serve(&c);
	if (strcmp(command, "init") == 0)
		return cmd_init(&c);
	if (strcmp(command, "version") == 0) {
		printf("xinfang %s (schema %d)\n", XF_VERSION, xf_store_schema_version());
		return 0;
	}
	if (strcmp(command, "check") == 0)
		return cmd_check(&c);
	if (strcmp(command, "backup") == 0)
		return n_args == 1 ? cmd_backup(&c, args[0]) : usage("backup", 2);
	if (strcmp(command, "plan") == 0) {
		if (strcmp(argv[2], "check") != 0 || n_args != 1)
			return usage("plan check", 2);
		return xf_plans_check_file(args[0]) == XF_OK ? 0 : 1;
	}
	if (has_verb) {
		if (open_store(&c) != XF_OK)
			return 1;
		rc = strcmp(command, "user") == 0 ? cmd_user(&c, argv[2], args, n_args)
		                                  : cmd_unit(&c, argv[2], args, n_args);
		xf_store_close();
		return rc;
	}
	fprintf(stderr, "xinfang: unknown command '%s'\n", command);
	return usage("", 2);
}
