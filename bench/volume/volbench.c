/* bench/volume/volbench.c — the history-volume benchmark program (see README.md beside
 * it; bench/volume/run compiles it against a libxfcore.a and prints the table).
 *
 *   volbench gen DB INCIDENTS PERSONS EVENTS UNITS TASKS_PER_INCIDENT
 *   volbench measure DB RUNS
 *
 * gen fills a new database, made by xf_store_open (all migrations of the library it is
 * linked with), with years of history through the store's own functions, so that the
 * library decides what the rows look like (a newer library ends the open tasks of an
 * incident it archives; an older one leaves them open): a unit tree of UNITS units
 * (root, mines, departments), INCIDENTS incidents over three years (the newest 300 and
 * every 5,000th still being handled, 5% not activated, the rest archived), each
 * activated one with TASKS_PER_INCIDENT tasks of which the later half were never
 * finished, PERSONS petitioner files, and audit events through xf_audit_append (a valid
 * chain) up to EVENTS: registrations, activations, transitions, person.create and,
 * to make up the total, person.view (every read of a file is logged).
 *
 * measure runs each operation the issue names RUNS times and prints, per operation,
 * key=value lines: p50, p99 and max wall time in ms, the first call's time, and the
 * query plan (EXPLAIN QUERY PLAN of every statement the operation ran, traced with
 * sqlite3_trace_v2). Progress goes to stderr. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/xf_api.h"
#include "api/xf_incident_json.h"
#include "store/xf_store.h"
#include "store/xf_store_db.h"
#include "xfbench.h"
#include "xfbench_store.h"

/* ---- deterministic choices ---- */

static uint64_t rng_state = 0x5eed2026b0e1f00dULL;

static uint64_t rng(void)
{
	return xfb_splitmix64(&rng_state);
}

static int64_t pick(int64_t n)
{
	return n > 0 ? (int64_t)(rng() % (uint64_t)n) : 0;
}

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周",
                                       "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭",
                                       "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯"};
static const char *const given[] = {"建国", "建军", "志强", "秀英", "桂英", "国强", "海燕",
                                    "明",   "伟",   "军",   "勇",   "静",   "丽",   "强",
                                    "磊",   "洋",   "艳",   "杰",   "涛",   "超",   "秀兰",
                                    "春梅", "红梅", "立新", "德胜", "保国", "玉兰", "金凤"};
static const char *const places[] = {"矿办公楼门前", "集团公司信访接待室", "市信访局",
                                     "省信访局",     "矿区大门",           "职工食堂门前"};
static const char *const issues[] = {"拖欠工资", "安置补偿", "退休待遇", "医疗报销",
                                     "住房分配", "井下津贴", "工伤认定", "社保缴纳"};
static const char *const active_statuses[] = {"registered", "activated",  "on_site", "replying",
                                              "resolving",  "evaluating", "reported"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- generation ---- */

typedef struct gen {
	xf_db *db;
	int64_t plan_id, root, *leaves, n_leaves, events, persons, official_id;
	int64_t now;
	sqlite3_stmt *person_insert;
} gen;

static void event(gen *g, const char *action, const char *type, int64_t id, json_t *data)
{
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)id);
	xf_actor actor = {.id = 0, .name = "信访办张三", .request_id = "volbench"};
	xfb_check(xf_audit_append(g->db, &actor, action, type, text, data), action, g->db);
	g->events++;
}

static void make_units(gen *g, int64_t units)
{
	xfb_check(xf_store_unit_insert(g->db, 0, "本矿", "mine", &g->root), "unit", g->db);
	int64_t mines = units / 40 > 0 ? units / 40 : 1, made = 1;
	g->leaves = malloc((size_t)(units + 1) * sizeof *g->leaves);
	for (int64_t m = 0; m < mines && made < units; m++) {
		char name[64];
		int64_t mine;
		snprintf(name, sizeof name, "第%lld矿", (long long)m + 1);
		xfb_check(xf_store_unit_insert(g->db, g->root, name, "mine", &mine), "unit", g->db);
		made++;
		for (int d = 0; d < 39 && made < units; d++, made++) {
			int64_t id;
			snprintf(name, sizeof name, "第%lld矿第%d科", (long long)m + 1, d + 1);
			xfb_check(xf_store_unit_insert(g->db, mine, name,
			                               d < 10 ? "department" : "team", &id),
			          "unit", g->db);
			g->leaves[g->n_leaves++] = id;
		}
	}
	if (!g->n_leaves)
		g->leaves[g->n_leaves++] = g->root;
}

static void make_person(gen *g)
{
	char name[32], id_number[24], phone[16];
	snprintf(name, sizeof name, "%s%s", surnames[pick(N_OF(surnames))],
	         given[pick(N_OF(given))]);
	/* one in a hundred shares an ID number with an earlier file (a likely duplicate) */
	int64_t serial = g->persons > 100 && pick(100) == 0 ? pick(g->persons) : g->persons;
	snprintf(id_number, sizeof id_number, "1401%02d19%02d%02d%02d%04lld", (int)(serial % 90),
	         (int)(50 + serial % 50), (int)(1 + serial % 12), (int)(1 + serial % 28),
	         (long long)(serial % 10000));
	snprintf(phone, sizeof phone, "139%08lld", (long long)(serial % 100000000));
	sqlite3_stmt *st = g->person_insert;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, id_number, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, phone, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, g->leaves[pick(g->n_leaves)]);
	sqlite3_bind_int64(st, 5, g->now);
	if (sqlite3_step(st) != SQLITE_DONE) {
		fprintf(stderr, "volbench: person insert: %s\n",
		        sqlite3_errmsg(xf_db_sqlite(g->db)));
		exit(1);
	}
	sqlite3_reset(st);
	g->persons++;
	event(g, "person.create", "person", sqlite3_last_insert_rowid(xf_db_sqlite(g->db)),
	      json_pack("{s:s}", "summary", "新建信访人档案"));
}

static void make_incident(gen *g, int64_t i, int64_t n, int tasks_per)
{
	const int64_t span = 3LL * 365 * 24 * 3600 * 1000;
	int64_t registered = g->now - (n - i) * (span / n) - 3600 * 1000;
	const char *status = "archived";
	if (i >= n - 300 || i % 5000 == 4999)
		status = active_statuses[pick(N_OF(active_statuses))];
	else if (pick(20) == 0)
		status = "not_activated";
	bool activated = strcmp(status, "registered") != 0 && strcmp(status, "not_activated") != 0;
	int64_t units[2] = {g->leaves[pick(g->n_leaves)], g->leaves[pick(g->n_leaves)]};
	char demands[128];
	snprintf(demands, sizeof demands, "要求解决%s问题", issues[pick(N_OF(issues))]);
	json_t *reasons = json_pack("[s]", "适用范围「三人以上的集体访」");
	xf_incident_new in = {
	    .headcount = 3 + (int)pick(30),
	    .destination = "mine",
	    .advance_info = pick(2) == 0,
	    .in_scope = strcmp(status, "not_activated") != 0,
	    .place = places[pick(N_OF(places))],
	    .category = "",
	    .demands = demands,
	    .status = activated ? "registered" : status,
	    .grade = "III",
	    .grade_name = "三级",
	    .procedure = "B",
	    .procedure_name = "未掌握信息源的上访事件处置程序",
	    .reasons = reasons,
	    .plan_id = g->plan_id,
	    .now_ms = registered,
	    .units = units,
	    .n_units = 1 + (size_t)pick(2),
	};
	int64_t id;
	xfb_check(xf_store_incident_insert(g->db, &in, &id), "incident insert", g->db);
	json_decref(reasons);
	event(g, "incident.register", "incident", id,
	      json_pack("{s:s, s:s, s:i}", "summary", "登记信访事件", "place", in.place,
	                "headcount", in.headcount));
	if (!activated)
		return;
	int64_t at = registered + 10 * 60 * 1000;
	xfb_check(xf_store_incident_activate(g->db, id, at), "activate", g->db);
	for (int k = 0; k < tasks_per; k++) {
		char title[64];
		snprintf(title, sizeof title, "处置步骤 %d", k + 1);
		xf_task_new t = {
		    .incident_id = id,
		    .position = k + 1,
		    .step_id = "B1",
		    .kind = "step",
		    .title = title,
		    .owner_kind = "role",
		    .owner_value = "petition_office",
		    /* the official has a task in one incident of a thousand */
		    .assignee_id = k == 0 && i % 1000 == 0 ? g->official_id : 0,
		    .base_ms = at,
		    .due_minutes = 30 * (k + 1),
		    .due_ms = at + (int64_t)(k + 1) * 30 * 60 * 1000,
		    .now_ms = at,
		};
		int64_t task;
		xfb_check(xf_store_task_insert(g->db, &t, &task), "task insert", g->db);
		if (k < tasks_per / 2 && strcmp(status, "archived") == 0)
			xfb_check(xf_store_task_update(g->db, task, "done", 0, NULL, NULL,
			                               at + 3600 * 1000),
			          "task done", g->db);
	}
	event(g, "incident.activate", "incident", id, json_pack("{s:s}", "summary", "启动预案"));
	if (strcmp(status, "activated") != 0) {
		xfb_check(xf_store_incident_set_status(g->db, id, status, at + 2 * 3600 * 1000),
		          "status", g->db);
		event(g, "incident.transition", "incident", id,
		      json_pack("{s:s, s:s}", "summary", "状态变更", "to", status));
	}
}

static int generate(const char *path, int64_t incidents, int64_t persons, int64_t events,
                    int64_t units, int tasks_per)
{
	char error[512];
	if (xf_store_open(path, error, sizeof error) != XF_OK) {
		fprintf(stderr, "volbench: %s\n", error);
		return 1;
	}
	gen g = {.db = xf_db_get(), .now = xf_now_ms()};
	xfb_exec_sql(g.db, "PRAGMA synchronous=OFF"); /* generation only; measurements run FULL */
	double t0 = xfb_now_s();
	xfb_check(xf_tx_begin(g.db, true), "begin", g.db);
	xfb_check(xf_store_plan_register(g.db, "volbench-plan", "coal-mine",
	                                 "某煤矿信访工作应急预案", "{}", &g.plan_id),
	          "plan", g.db);
	make_units(&g, units);
	xfb_check(xf_store_user_insert(g.db, "volbench-official", "包保责任人", g.leaves[0], "",
	                               1u << XF_ROLE_OFFICIAL, "-", false, &g.official_id),
	          "user", g.db);
	if (sqlite3_prepare_v2(xf_db_sqlite(g.db),
	                       "INSERT INTO persons (name, id_number, phone, unit_id, created_ms,"
	                       " updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
	                       -1, &g.person_insert, NULL) != SQLITE_OK) {
		fprintf(stderr, "volbench: %s\n", sqlite3_errmsg(xf_db_sqlite(g.db)));
		return 1;
	}
	for (int64_t i = 0; i < incidents; i++) {
		make_incident(&g, i, incidents, tasks_per);
		while (g.persons < persons * (i + 1) / incidents)
			make_person(&g);
		while (g.events < events * (i + 1) / incidents) {
			int64_t person = 1 + pick(g.persons > 0 ? g.persons : 1);
			event(&g, "person.view", "person", person,
			      json_pack("{s:s}", "summary", "查阅档案"));
		}
		if (i % 5000 == 4999) {
			xfb_check(xf_tx_commit(g.db), "commit", g.db);
			xfb_check(xf_tx_begin(g.db, true), "begin", g.db);
			fprintf(stderr,
			        "\rvolbench: %lld incidents, %lld persons, %lld events, %.0f s",
			        (long long)i + 1, (long long)g.persons, (long long)g.events,
			        xfb_now_s() - t0);
		}
	}
	xfb_check(xf_tx_commit(g.db), "commit", g.db);
	sqlite3_finalize(g.person_insert);
	xfb_exec_sql(g.db, "PRAGMA wal_checkpoint(TRUNCATE)");
	fprintf(stderr, "\n");
	printf("gen_seconds=%.1f\nincidents=%lld\npersons=%lld\nevents=%lld\nunits=%lld\n",
	       xfb_now_s() - t0, (long long)incidents, (long long)g.persons, (long long)g.events,
	       (long long)units);
	free(g.leaves);
	xf_store_close();
	return 0;
}

/* ---- measurement ---- */

/* The SQL each operation ran, collected by the trace callback. */
static struct {
	bool on;
	char *sql[16];
	int n;
} traced;

static int trace_sql(unsigned type, void *ctx, void *p, void *x)
{
	(void)type, (void)ctx;
	const char *sql = sqlite3_sql((sqlite3_stmt *)p);
	if (!traced.on || !sql || strncmp(sql, "--", 2) == 0 || strncmp(sql, "BEGIN", 5) == 0 ||
	    strncmp(sql, "COMMIT", 6) == 0 || strncmp(sql, "ROLLBACK", 8) == 0)
		return 0;
	(void)x;
	for (int i = 0; i < traced.n; i++)
		if (strcmp(traced.sql[i], sql) == 0)
			return 0;
	if (traced.n < 16)
		traced.sql[traced.n++] = strdup(sql);
	return 0;
}

/* Prints "plan.NAME=..." with the plan of every statement traced. */
static void print_plans(xf_db *db, const char *name)
{
	printf("plan.%s=", name);
	for (int i = 0; i < traced.n; i++) {
		char *q = malloc(strlen(traced.sql[i]) + 32);
		sprintf(q, "EXPLAIN QUERY PLAN %s", traced.sql[i]);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(xf_db_sqlite(db), q, -1, &st, NULL) == SQLITE_OK) {
			printf("%s[", i ? " " : "");
			int k = 0;
			while (sqlite3_step(st) == SQLITE_ROW)
				printf("%s%s", k++ ? "; " : "",
				       (const char *)sqlite3_column_text(st, 3));
			printf("]");
			sqlite3_finalize(st);
		}
		free(q);
		free(traced.sql[i]);
	}
	printf("\n");
	traced.n = 0;
}

typedef struct measure_ctx {
	xf_db *db;
	int64_t last_seq, max_incident, root, mine, leaf, official_id, persons;
} measure_ctx;

typedef void (*op_fn)(measure_ctx *m);

static void run_op(measure_ctx *m, const char *name, op_fn fn, int runs)
{
	double *ms = malloc((size_t)runs * sizeof *ms), *cpu = malloc((size_t)runs * sizeof *cpu);
	traced.on = true;
	double t = xfb_now_s();
	fn(m);
	double first = (xfb_now_s() - t) * 1000;
	traced.on = false;
	for (int i = 0; i < runs; i++) {
		double c = xfb_cpu_s();
		t = xfb_now_s();
		fn(m);
		ms[i] = (xfb_now_s() - t) * 1000;
		cpu[i] = (xfb_cpu_s() - c) * 1000;
	}
	xfb_sort(ms, (size_t)runs);
	xfb_sort(cpu, (size_t)runs);
	int p99 = (runs * 99) / 100 < runs ? (runs * 99) / 100 : runs - 1;
	printf("%s.n=%d\n%s.first_ms=%.2f\n%s.p50_ms=%.3f\n%s.p99_ms=%.3f\n%s.max_ms=%.3f\n"
	       "%s.cpu_p50_ms=%.3f\n%s.cpu_p99_ms=%.3f\n",
	       name, runs, name, first, name, ms[runs / 2], name, ms[p99], name, ms[runs - 1], name,
	       cpu[runs / 2], name, cpu[p99]);
	print_plans(m->db, name);
	fflush(stdout);
	free(ms);
	free(cpu);
}

static void op_feed(measure_ctx *m)
{
	json_t *out;
	xfb_check(xf_store_incident_events_after(m->db, m->last_seq - 1 - pick(32), 256, &out),
	          "feed", m->db);
	json_decref(out);
}

static void op_overdue(measure_ctx *m)
{
	if (xf_overdue_scan(m->db) < 0) {
		fprintf(stderr, "volbench: overdue scan failed\n");
		exit(1);
	}
}

static void list(measure_ctx *m, xf_scope scope, const char *status, bool active, int64_t before)
{
	xf_buf b = XF_BUF_INIT;
	int64_t next;
	xfb_check(xf_api_incident_list_text(m->db, &scope, status, active, before, 25, &b, &next),
	          "list", m->db);
	xf_buf_release(&b);
}

static const xf_scope all = {.all = true};

static void op_list_first(measure_ctx *m)
{
	list(m, all, NULL, false, 0);
}
static void op_list_archived(measure_ctx *m)
{
	list(m, all, "archived", false, 0);
}
static void op_list_on_site(measure_ctx *m)
{
	list(m, all, "on_site", false, 0);
}
static void op_list_not_activated(measure_ctx *m)
{
	list(m, all, "not_activated", false, 0);
}
static void op_list_active(measure_ctx *m)
{
	list(m, all, NULL, true, 0);
}
static void op_list_oldest(measure_ctx *m)
{
	list(m, all, NULL, false, 30);
}
static void op_list_random(measure_ctx *m)
{
	list(m, all, NULL, false, 1 + pick(m->max_incident));
}
static void op_list_archived_random(measure_ctx *m)
{
	list(m, all, "archived", false, 1 + pick(m->max_incident));
}
static void op_list_mix(measure_ctx *m)
{
	static const op_fn mix[] = {op_list_first,         op_list_archived,       op_list_on_site,
	                            op_list_active,        op_list_oldest,         op_list_random,
	                            op_list_not_activated, op_list_archived_random};
	mix[pick(N_OF(mix))](m);
}
static void op_list_mine_head(measure_ctx *m)
{
	list(m, (xf_scope){.unit_id = m->mine}, NULL, false, 0);
}
static void op_list_leaf_head(measure_ctx *m)
{
	list(m, (xf_scope){.unit_id = m->leaf}, NULL, false, 0);
}
static void op_list_official(measure_ctx *m)
{
	list(m, (xf_scope){.user_id = m->official_id}, NULL, false, 0);
}

static void op_subtree(measure_ctx *m)
{
	int64_t *ids;
	size_t n;
	xfb_check(xf_store_unit_subtree(m->db, pick(2) ? m->root : m->mine, &ids, &n), "subtree",
	          m->db);
	free(ids);
}

static void op_visible(measure_ctx *m)
{
	xf_scope scope = {.unit_id = m->mine};
	int rc = xf_store_incident_visible(m->db, &scope, 1 + pick(m->max_incident));
	if (rc != XF_OK && rc != XF_NOTFOUND)
		xfb_check(rc, "visible", m->db);
}

static void duplicates(measure_ctx *m, bool with_id_number)
{
	sqlite3_stmt *st;
	bool tracing = traced.on;
	traced.on = false; /* the bench's own look-up is not the operation */
	sqlite3_prepare_v2(xf_db_sqlite(m->db),
	                   "SELECT name, unit_id, id_number FROM persons WHERE id = ?", -1, &st,
	                   NULL);
	sqlite3_bind_int64(st, 1, 1 + pick(m->persons));
	int rc = sqlite3_step(st);
	traced.on = tracing;
	if (rc == SQLITE_ROW) {
		json_t *out;
		xfb_check(xf_store_person_duplicates(
		              m->db, 0, (const char *)sqlite3_column_text(st, 0),
		              sqlite3_column_int64(st, 1),
		              with_id_number ? (const char *)sqlite3_column_text(st, 2) : "", &out),
		          "duplicates", m->db);
		json_decref(out);
	}
	sqlite3_finalize(st);
}

static void op_dups_view(measure_ctx *m)
{
	duplicates(m, true);
}
static void op_dups_bulk(measure_ctx *m)
{
	duplicates(m, false);
}

static int64_t scalar(xf_db *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = 0;
	if (sqlite3_prepare_v2(xf_db_sqlite(db), sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int measure(const char *path, int runs)
{
	char error[512];
	double t0 = xfb_now_s();
	if (xf_store_open(path, error, sizeof error) != XF_OK) {
		fprintf(stderr, "volbench: %s\n", error);
		return 1;
	}
	printf("open_ms=%.1f\nschema_version=%d\n", (xfb_now_s() - t0) * 1000,
	       xf_store_schema_version());
	measure_ctx m = {.db = xf_db_get()};
	sqlite3_trace_v2(xf_db_sqlite(m.db), SQLITE_TRACE_STMT, trace_sql, NULL);
	m.last_seq = scalar(m.db, "SELECT max(seq) FROM events");
	m.max_incident = scalar(m.db, "SELECT max(id) FROM incidents");
	m.root = scalar(m.db, "SELECT min(id) FROM units");
	m.mine =
	    scalar(m.db, "SELECT min(id) FROM units WHERE parent_id = (SELECT min(id) FROM units)");
	m.leaf = scalar(m.db, "SELECT max(id) FROM units");
	m.official_id = scalar(m.db, "SELECT id FROM users WHERE username = 'volbench-official'");
	m.persons = scalar(m.db, "SELECT max(id) FROM persons");
	printf("open_tasks=%lld\nopen_tasks_of_closed_incidents=%lld\n",
	       (long long)scalar(
	           m.db, "SELECT count(*) FROM tasks WHERE status IN ('pending','in_progress')"),
	       (long long)scalar(
	           m.db, "SELECT count(*) FROM tasks t JOIN incidents i ON i.id = t.incident_id"
	                 " WHERE t.status IN ('pending','in_progress')"
	                 " AND i.status IN ('archived','not_activated')"));
	/* Flag what is really overdue first: the steady state is what runs every 5 s. */
	int flagged = 0, n;
	while ((n = xf_overdue_scan(m.db)) > 0)
		flagged += n;
	printf("overdue_flagged_before_measuring=%d\n", flagged);

	run_op(&m, "a_feed", op_feed, runs);
	run_op(&m, "b_overdue_scan", op_overdue, runs / 4 > 10 ? runs / 4 : 10);
	run_op(&m, "c_list_first", op_list_first, runs);
	run_op(&m, "c_list_status_archived", op_list_archived, runs);
	run_op(&m, "c_list_status_on_site", op_list_on_site, runs);
	run_op(&m, "c_list_status_not_activated", op_list_not_activated, runs);
	run_op(&m, "c_list_active", op_list_active, runs);
	run_op(&m, "c_list_oldest_page", op_list_oldest, runs);
	run_op(&m, "c_list_random_page", op_list_random, runs);
	run_op(&m, "c_list_archived_random_page", op_list_archived_random, runs);
	run_op(&m, "c_list_mix", op_list_mix, runs * 2);
	run_op(&m, "c_list_unit_head_mine", op_list_mine_head, runs);
	run_op(&m, "c_list_unit_head_team", op_list_leaf_head, runs / 4 > 10 ? runs / 4 : 10);
	run_op(&m, "c_list_official", op_list_official, runs / 4 > 10 ? runs / 4 : 10);
	run_op(&m, "d_unit_subtree", op_subtree, runs);
	run_op(&m, "d_incident_visible_unit_head", op_visible, runs);
	run_op(&m, "e_duplicates_view", op_dups_view, runs);
	run_op(&m, "e_duplicates_bulk_line", op_dups_bulk, runs);
	xf_store_close();
	return 0;
}

int main(int argc, char **argv)
{
	xfb_start("volbench");
	if (argc == 8 && strcmp(argv[1], "gen") == 0)
		return generate(argv[2], atoll(argv[3]), atoll(argv[4]), atoll(argv[5]),
		                atoll(argv[6]), atoi(argv[7]));
	if (argc == 4 && strcmp(argv[1], "measure") == 0)
		return measure(argv[2], atoi(argv[3]) > 0 ? atoi(argv[3]) : 200);
	fprintf(stderr, "usage: volbench gen DB INCIDENTS PERSONS EVENTS UNITS TASKS_PER_INCIDENT\n"
	                "       volbench measure DB RUNS\n");
	return 2;
}
