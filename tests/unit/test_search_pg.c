/* Search on PostgreSQL (store/xf_search_pg.h) against search on SQLite
 * (store/xf_search.h): the same documents put into both (a temporary store as in
 * test_search.c, and a search_docs table made in a schema of its own on the server of
 * XF_TEST_PG_URL), and every query of tests/unit/test_search.c and
 * tests/api/search.test.js run on both: the hits must be the same, in the same order,
 * with the same kind, ids, title and highlight segments, and ranks equal to 1e-9
 * (PostgreSQL's ln() against SQLite's own series). Also the put/remove semantics of
 * test_search.c on PostgreSQL: replacing, the caller's transaction, a failed put in a
 * savepoint. One difference is known and pinned here with the documents that show
 * it: a phrase of two or more tokens standing only beyond a tsvector's position limits
 * (16383, 256 per lexeme) is not found on PostgreSQL. Without XF_TEST_PG_URL the suite
 * prints a line saying it was skipped (scripts/pg-test run sets it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_person.h"
#include "store/xf_search.h"
#include "store/xf_search_pg.h"
#include "store/xf_sql.h"
#include "store/xf_store.h"
#include "store/xf_store_db.h"
#include "util/xf_buf.h"
#include "xf_test_store.h"

#define SCHEMA "xf_search_pg_test"

static char dir[64];
static xf_sql *pg;
static int compared, compared_hits; /* queries compared in the run, and their hits */

static void exec_pg(const char *sql)
{
	if (xf_sql_exec_script(pg, sql) != XF_OK)
		fail_msg("'%s': %s", sql, xf_sql_error(pg));
}

static int open_pg(void **state)
{
	(void)state;
	char error[512];
	if (xf_sql_open(getenv("XF_TEST_PG_URL"), &pg, error, sizeof error) != XF_OK) {
		fprintf(stderr, "xf_sql_open: %s\n", error);
		return -1;
	}
	return xf_sql_exec_script(pg, "DROP SCHEMA IF EXISTS " SCHEMA " CASCADE;"
	                              "CREATE SCHEMA " SCHEMA ";"
	                              "SET search_path TO " SCHEMA) == XF_OK
	           ? 0
	           : -1;
}

static int close_pg(void **state)
{
	(void)state;
	int rc = xf_sql_exec_script(pg, "DROP SCHEMA " SCHEMA " CASCADE");
	xf_sql_close(pg);
	printf("[  INFO    ] %d queries with %d hits compared, SQLite and PostgreSQL alike\n",
	       compared, compared_hits);
	return rc == XF_OK ? 0 : -1;
}

/* A fresh SQLite store and a fresh table on PostgreSQL, made with the DDL the
 * PostgreSQL migration will run (xf_search_pg_ddl). */
static int fresh(void **state)
{
	(void)state;
	if (xf_test_store_open(dir, "test-search-pg") != 0)
		return -1;
	exec_pg("DROP TABLE IF EXISTS search_docs CASCADE");
	exec_pg(xf_search_pg_ddl);
	xf_search_set_rank_window(XF_SEARCH_RANK_WINDOW);
	xf_search_pg_set_rank_window(XF_SEARCH_RANK_WINDOW);
	return 0;
}

static int remove_store(void **state)
{
	(void)state;
	return xf_test_store_remove(dir);
}

static void put(const char *kind, int64_t id, int64_t incident_id, int64_t person_id,
                const char *title, const char *body)
{
	xf_search_doc d = {kind, id, incident_id, person_id, title, body};
	assert_int_equal(xf_search_put(xf_db_get(), &d), XF_OK);
	if (xf_search_pg_put(pg, &d) != XF_OK)
		fail_msg("put %s:%lld on PostgreSQL: %s", kind, (long long)id, xf_sql_error(pg));
}

static void put_incident(int64_t id, const char *title, const char *body)
{
	put("incident", id, id, 0, title, body);
}

static void remove_both(const char *kind, int64_t id)
{
	assert_int_equal(xf_search_remove(xf_db_get(), kind, id), XF_OK);
	assert_int_equal(xf_search_pg_remove(pg, kind, id), XF_OK);
}

/* Takes the ranks out of hits into rank[] (room for 64). */
static size_t take_ranks(json_t *hits, double rank[64])
{
	size_t i;
	json_t *hit;
	json_array_foreach(hits, i, hit)
	{
		assert_true(i < 64);
		rank[i] = json_real_value(json_object_get(hit, "rank"));
		json_object_del(hit, "rank");
	}
	return json_array_size(hits);
}

/* Equal to 1e-9 of a (the tests link without libm). */
static bool close_to(double a, double b)
{
	double d = a > b ? a - b : b - a, m = a < 0 ? -a : a;
	return d <= 1e-9 * m;
}

/* Runs q on both and fails naming the query and both answers when they differ. */
static void same_limit(const char *q, int limit)
{
	json_t *lite = NULL, *post = NULL;
	if (xf_search_query(xf_db_get(), q, limit, &lite) != XF_OK)
		fail_msg("query '%s' on SQLite: %s", q, xf_db_error(xf_db_get()));
	if (xf_search_pg_query(pg, q, limit, &post) != XF_OK)
		fail_msg("query '%s' on PostgreSQL: %s", q, xf_sql_error(pg));
	double rl[64], rp[64];
	size_t n = take_ranks(lite, rl);
	take_ranks(post, rp);
	bool same = json_equal(lite, post);
	for (size_t i = 0; same && i < n; i++)
		same = close_to(rl[i], rp[i]);
	if (!same) {
		char *a = json_dumps(lite, JSON_COMPACT), *b = json_dumps(post, JSON_COMPACT);
		fprintf(stderr, "query '%s' (limit %d):\n  SQLite:     %s\n  PostgreSQL: %s\n", q,
		        limit, a, b);
		for (size_t i = 0; i < n && i < json_array_size(post); i++)
			fprintf(stderr, "  rank %zu: %.17g %.17g\n", i, rl[i], rp[i]);
		free(a);
		free(b);
		json_decref(lite);
		json_decref(post);
		fail_msg("query '%s': SQLite and PostgreSQL differ", q);
	}
	compared++;
	compared_hits += (int)n;
	json_decref(lite);
	json_decref(post);
}

static void same(const char *q)
{
	same_limit(q, 50);
}

static void same_all(const char *const *queries)
{
	for (size_t i = 0; queries[i]; i++)
		same(queries[i]);
}

static int64_t hits_of(const char *q)
{
	json_t *hits = NULL;
	if (xf_search_pg_query(pg, q, 50, &hits) != XF_OK)
		fail_msg("query '%s' on PostgreSQL: %s", q, xf_sql_error(pg));
	int64_t n = (int64_t)json_array_size(hits);
	json_decref(hits);
	return n;
}

static void put_three(void)
{
	put_incident(1, "XF-2026-0001 矿办公楼门前", "要求补发拖欠工资");
	put_incident(2, "XF-2026-0002 副井口", "井下作业安全补贴");
	put_incident(3, "XF-2026-0003 主井", "退休人员医疗报销");
}

/* ---- the queries of tests/unit/test_search.c ---- */

static void test_short_queries(void **state)
{
	(void)state;
	put_three();
	static const char *const q[] = {
	    "资",   "井",       "补",       "煤",       "工资",         "医疗",
	    "资工", "井下作业", "拖欠工资", "拖欠补贴", "XF-2026-0002", "ｘｆ－２０２６－０００３",
	    "xf",   NULL};
	same_all(q);
	assert_int_equal(hits_of("井"), 2);
	assert_int_equal(hits_of("xf"), 3);
}

static void test_phrase_and_separate_words(void **state)
{
	(void)state;
	put_incident(1, "A", "井下工资");
	put_incident(2, "B", "井下作业，拖欠工资");
	put_incident(3, "C", "井下作业");
	static const char *const q[] = {"井下工资",   "井下 工资", "工资 井下", "工资井下",
	                                "作业，拖欠", "a 井下",    "a井下",     NULL};
	same_all(q);
	assert_int_equal(hits_of("作业，拖欠"), 1);
	assert_int_equal(hits_of("a井下"), 0); /* no phrase from the title into the body */
	/* nor in the document counts of the rank: doc 1 would count for "a井下" */
	put_incident(4, "D", "矿上a井下");
	same("a井下");
	assert_int_equal(hits_of("a井下"), 1);
}

static void test_operators_are_literal(void **state)
{
	(void)state;
	put_incident(1, "A", "井下工资");
	put_incident(2, "B", "安置补偿");
	put_incident(3, "C", "Or not near 安置");
	static const char *const q[] = {"井下 OR 安置",
	                                "or 安置",
	                                "NOT 井下",
	                                "\"井下\"",
	                                "井下\"工资",
	                                "\"井下",
	                                "title:井下",
	                                "body : 安置",
	                                "安置*",
	                                "^安置",
	                                "NEAR(井下 工资)",
	                                "(安置) AND (补偿)",
	                                "安置 -补偿",
	                                "{title}: 安置",
	                                "\"\" ，。！ ( ) * ^ :",
	                                "",
	                                "'安置'",
	                                "安置\\",
	                                "安置 & 补偿 | <-> !",
	                                NULL};
	same_all(q);
	assert_int_equal(hits_of("or 安置"), 1);
}

static void test_put_replaces(void **state)
{
	(void)state;
	put_incident(1, "XF-2026-0001", "拖欠工资");
	put_incident(2, "XF-2026-0002", "拖欠工资");
	same("工资");
	put_incident(1, "XF-2026-0001", "安置补偿");
	same("工资");
	same("补偿");
	put("note", 1, 2, 0, "现场情况", "工资已发放");
	same("已发放");
	same("工资");
	/* the same document again keeps its place (its id), so the order of equal ranks */
	put_incident(2, "XF-2026-0002", "拖欠工资");
	put_incident(3, "XF-2026-0003", "拖欠工资");
	same("拖欠");
	put("person", 9, 0, 9, "张三", NULL);
	same("张三");
}

static void test_remove_deletes(void **state)
{
	(void)state;
	put_three();
	remove_both("incident", 2);
	same("井");
	same("补贴");
	remove_both("incident", 2);
	remove_both("matter", 77);
	same("报销");
	assert_int_equal(hits_of("井"), 1);
}

static void test_runs_in_the_callers_transaction(void **state)
{
	(void)state;
	xf_db *db = xf_db_get();
	put_incident(1, "A", "拖欠工资");
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	assert_int_equal(xf_sql_begin(pg, true), XF_OK);
	put_incident(2, "B", "拖欠工资");
	remove_both("incident", 1);
	same("工资");
	xf_tx_rollback(db);
	xf_sql_rollback(pg);
	same("工资");
	assert_int_equal(hits_of("工资"), 1);
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	assert_int_equal(xf_sql_begin(pg, true), XF_OK);
	put_incident(3, "C", "拖欠工资");
	assert_int_equal(xf_tx_commit(db), XF_OK);
	assert_int_equal(xf_sql_commit(pg), XF_OK);
	same("工资");
	assert_int_equal(hits_of("工资"), 2);
}

/* On PostgreSQL alone: a put refused after the old document was deleted leaves the
 * old one whole, in the caller's transaction (a savepoint) and without one. */
static void test_failed_put_leaves_nothing_half_done(void **state)
{
	(void)state;
	put_incident(1, "A", "拖欠工资");
	exec_pg("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$"
	        " BEGIN IF NEW.title = 'boom' THEN RAISE EXCEPTION 'refused'; END IF;"
	        " RETURN NEW; END $$;"
	        "CREATE TRIGGER refuse BEFORE INSERT ON search_docs"
	        " FOR EACH ROW EXECUTE FUNCTION refuse()");
	xf_search_doc d = {"incident", 1, 1, 0, "boom", "安置补偿"};
	assert_int_equal(xf_sql_begin(pg, true), XF_OK);
	assert_int_not_equal(xf_search_pg_put(pg, &d), XF_OK);
	assert_non_null(strstr(xf_sql_error(pg), "refused"));
	assert_int_equal(xf_sql_commit(pg), XF_OK);
	assert_int_equal(hits_of("工资"), 1);
	assert_int_equal(hits_of("补偿"), 0);
	assert_int_not_equal(xf_search_pg_put(pg, &d), XF_OK);
	assert_false(xf_sql_in_transaction(pg));
	assert_int_equal(hits_of("工资"), 1);
	exec_pg("DROP FUNCTION refuse() CASCADE");
}

static void test_title_outranks_body(void **state)
{
	(void)state;
	put_incident(1, "XF-2026-0001 煤矿", "要求补发拖欠工资");
	put_incident(2, "XF-2026-0002", "煤矿职工要求补发拖欠工资");
	put_incident(3, "XF-2026-0003", "煤矿");
	same("煤矿");
	same("煤");
	put_incident(4, "XF-2026-0004", "井下井下井下事故");
	put_incident(5, "XF-2026-0005", "井下事故");
	same("井下");
	same("井下 事故");
	same("煤 井下");
}

static void test_rank_is_bm25(void **state)
{
	(void)state;
	put_three();
	put_incident(4, "XF-2026-0004 井下", "井下工人要求补发工资，工资拖欠三个月");
	put_incident(5, "XF-2026-0005", "要求解决住房问题");
	same("工资");
	same("工资 井");
	same("井 工资 要求");
	same("要求");
}

static void test_rank_window(void **state)
{
	(void)state;
	char body[64];
	put_incident(1, "XF-1", "工工工");
	put_incident(2, "XF-2", "稀有的字，工");
	for (int i = 3; i <= 30; i++) {
		snprintf(body, sizeof body, "第%d次要求补发拖欠工资", i);
		put_incident(i, "XF", body);
	}
	xf_search_set_rank_window(0);
	xf_search_pg_set_rank_window(0);
	same("工");
	same("工资");
	xf_search_set_rank_window(5);
	xf_search_pg_set_rank_window(5);
	same("工");
	same("工 稀有");
	same("稀有");
	same("工资 xf");
	put_incident(1, "XF-1", "工工工 ");
	same_limit("工", 5);
	same("工");
}

static void test_hit_shape_and_highlight(void **state)
{
	(void)state;
	put_incident(7, "XF-2026-0007 矿办公楼门前", "要求补发拖欠工资");
	put("person", 3, 0, 3, "张三", "综采一队职工，反映工资问题");
	same("工资");
	same("办公楼");
	same("张三");
	same("门前 工资");
}

static void test_long_body_highlight_is_a_window(void **state)
{
	(void)state;
	char body[4096] = "";
	for (int i = 0; i < 60; i++)
		strcat(body, "反映的问题较多，");
	strcat(body, "要求解决拖欠工资");
	for (int i = 0; i < 60; i++)
		strcat(body, "，情况复杂");
	put_incident(1, "XF-1", body);
	put_incident(2, "XF-2", "情况复杂");
	same("拖欠工资");
	same("情况");
	same("反映 复杂");
}

static void test_invalid_utf8_in_text(void **state)
{
	(void)state;
	put_incident(1, "XF\xff-1", "拖欠\xe4\xb8工资\xc0");
	same("工资");
	same("\xff工\xe4资");
	same("\xff工资\xe4");
	same("xf 1");
	/* the same bytes again are the same document */
	put_incident(1, "XF\xff-1", "拖欠\xe4\xb8工资\xc0");
	same("拖欠");
}

static void test_limit(void **state)
{
	(void)state;
	for (int i = 1; i <= 12; i++)
		put_incident(i, "XF", "拖欠工资");
	same_limit("工资", 3);
	same_limit("工资", 0);
	same("拖欠");
}

/* The one known difference (xf_search_pg.c, "Limits"): a tsvector keeps positions up
 * to 16383 and 256 positions per lexeme, so a phrase of two or more tokens that stands
 * only beyond either limit is found on SQLite and not on PostgreSQL. A phrase of one
 * token (one or two characters, a word) needs no position and is found on both; the
 * hits are then the same. No document of the tests above comes near the limits. */
static int64_t sqlite_hits(const char *q)
{
	json_t *hits = NULL;
	assert_int_equal(xf_search_query(xf_db_get(), q, 50, &hits), XF_OK);
	int64_t n = (int64_t)json_array_size(hits);
	json_decref(hits);
	return n;
}

static void test_known_difference_beyond_tsvector_positions(void **state)
{
	(void)state;
	xf_buf long_body = XF_BUF_INIT, repeated = XF_BUF_INIT;
	for (int i = 0; i < 8200; i++) /* 16400 positions */
		xf_buf_puts(&long_body, "情况");
	xf_buf_puts(&long_body, "拖欠工资");
	for (int i = 0; i < 300; i++) /* 工资 300 times: its 257th position on are dropped */
		xf_buf_puts(&repeated, "工资，");
	xf_buf_puts(&repeated, "拖欠工资");
	put_incident(1, "XF-1", long_body.data);
	put_incident(2, "XF-2", repeated.data);
	put_incident(3, "XF-3", "拖欠工资");
	xf_buf_release(&long_body);
	xf_buf_release(&repeated);
	same("拖欠");
	same("欠工");
	assert_int_equal(sqlite_hits("拖欠工资"), 3);
	assert_int_equal(hits_of("拖欠工资"), 1); /* only XF-3 */
}

/* ---- the documents and queries of tests/api/search.test.js ---- */

static void test_api_search_queries(void **state)
{
	(void)state;
	/* as src/api puts them: an incident's number and place, its demands; a note under
	 * the incident's number; a person's name and note; a matter's category and text */
	put_incident(1, "XF-2026-0001 矿办公楼门前", "要求补发拖欠工资");
	put_incident(2, "XF-2026-0002 副井口", "井下作业安全补贴");
	put_incident(3, "XF-2026-0003 工资科门前", "反映住房困难问题");
	put("note", 11, 1, 0, "XF-2026-0001", "现场有人拉横幅，情绪激动");
	put("person", 1, 0, 1, "林志强", "综采一队职工");
	put("matter", 1, 0, 1, xf_category_zh("accusation"), "举报队长克扣津贴");
	put("matter", 2, 0, 1, xf_category_zh("suggestion"), "建议公开津贴明细");
	char hundred[301] = "";
	for (int i = 0; i < 100; i++)
		strcat(hundred, "工");
	static const char *const q[] = {"拖欠",
	                                "欠",
	                                "贴",
	                                "补贴",
	                                "住房",
	                                "井下作业",
	                                "煤",
	                                "补发 工资",
	                                "工资补发",
	                                "xf-2026-0002",
	                                "工资",
	                                "资",
	                                "办公楼",
	                                "横幅",
	                                "门前",
	                                "补",
	                                "林志强",
	                                "克扣",
	                                "津贴",
	                                "\"工资\" OR 住房",
	                                "NOT 工资",
	                                "title:工资",
	                                "NEAR(工资 住房)",
	                                "工资*",
	                                "^工资",
	                                "{title}: 工资",
	                                "(工资)",
	                                "\"",
	                                "***",
	                                "AND",
	                                "\"拖欠\"",
	                                "拖欠*",
	                                " ，。！",
	                                "a",
	                                NULL};
	same_all(q);
	same(hundred);
	same_limit("门前", 1);
	same_limit("门前", 50);
	assert_int_equal(hits_of("门前"), 2);
	assert_int_equal(hits_of("津贴"), 2);
}

int main(void)
{
	const char *url = getenv("XF_TEST_PG_URL");
	if (!url || !*url) {
		printf(
		    "[  SKIPPED ] search on PostgreSQL against SQLite: XF_TEST_PG_URL is not set "
		    "(scripts/pg-test run sets it)\n");
		return 0;
	}
#define T(f) cmocka_unit_test_setup_teardown(f, fresh, remove_store)
	const struct CMUnitTest tests[] = {
	    T(test_short_queries),
	    T(test_phrase_and_separate_words),
	    T(test_operators_are_literal),
	    T(test_put_replaces),
	    T(test_remove_deletes),
	    T(test_runs_in_the_callers_transaction),
	    T(test_failed_put_leaves_nothing_half_done),
	    T(test_title_outranks_body),
	    T(test_rank_is_bm25),
	    T(test_rank_window),
	    T(test_hit_shape_and_highlight),
	    T(test_long_body_highlight_is_a_window),
	    T(test_invalid_utf8_in_text),
	    T(test_limit),
	    T(test_known_difference_beyond_tsvector_positions),
	    T(test_api_search_queries),
	};
#undef T
	return cmocka_run_group_tests_name("search on PostgreSQL against SQLite", tests, open_pg,
	                                   close_pg);
}
