/* Unit tests of the search index (store/xf_search.h) on a temporary database opened
 * with xf_store_open: queries of one, two and four characters, a phrase against
 * separate words (AND), operators and quotes in the input taken literally, put
 * replacing and remove deleting a document (in the caller's transaction; a failed put
 * leaves the old document whole even when the caller commits),
 * the title outranking the body, our rank equal to FTS5's bm25() when every match is
 * ranked, the rank window for very common characters, the hit's JSON shape with its
 * highlight segments, invalid UTF-8 in the text, limits, and FTS5's own integrity
 * check of the index after all of it. */
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/xf_search.h"
#include "store/xf_store.h"
#include "store/xf_store_db.h"
#include "xf_test_store.h"

static char dir[64];

static int open_db(void **state)
{
	(void)state;
	if (xf_test_store_open(dir, "test-search") != 0)
		return -1;
	xf_search_set_rank_window(XF_SEARCH_RANK_WINDOW);
	return 0;
}

static int close_db(void **state)
{
	(void)state;
	char problem[256];
	/* every test leaves an index that agrees with its documents */
	int rc = xf_search_check(xf_db_get(), problem, sizeof problem);
	if (rc != XF_OK)
		fprintf(stderr, "%s\n", problem);
	return xf_test_store_remove(dir) == 0 && rc == XF_OK ? 0 : -1;
}

static void put(const char *kind, int64_t id, int64_t incident_id, const char *title,
                const char *body)
{
	xf_search_doc d = {kind, id, incident_id, 0, title, body};
	assert_int_equal(xf_search_put(xf_db_get(), &d), XF_OK);
}

static void put_incident(int64_t id, const char *title, const char *body)
{
	put("incident", id, id, title, body);
}

static json_t *query(const char *q, int limit)
{
	json_t *hits = NULL;
	int rc = xf_search_query(xf_db_get(), q, limit, &hits);
	if (rc != XF_OK)
		fail_msg("query '%s': %s", q, xf_db_error(xf_db_get()));
	assert_non_null(hits);
	return hits;
}

/* The hits of q as "kind:id kind:id ..." in rank order. */
static const char *found(const char *q)
{
	static char out[1024];
	json_t *hits = query(q, 50), *hit;
	size_t i;
	out[0] = '\0';
	json_array_foreach(hits, i, hit)
	{
		char one[64];
		snprintf(one, sizeof one, "%s%s:%lld", i ? " " : "",
		         json_string_value(json_object_get(hit, "kind")),
		         (long long)json_integer_value(json_object_get(hit, "id")));
		strcat(out, one);
	}
	json_decref(hits);
	return out;
}

/* The same, sorted by id, for queries where the order is not the point. */
static const char *found_set(const char *q)
{
	static char out[1024];
	json_t *hits = query(q, 50);
	int64_t ids[64];
	size_t n = json_array_size(hits);
	assert_true(n < 64);
	for (size_t i = 0; i < n; i++)
		ids[i] = json_integer_value(json_object_get(json_array_get(hits, i), "id"));
	json_decref(hits);
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
			int64_t t = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char one[32];
		snprintf(one, sizeof one, "%s%lld", i ? " " : "", (long long)ids[i]);
		strcat(out, one);
	}
	return out;
}

static int64_t count_rows(const char *sql)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(xf_db_sqlite(xf_db_get()), sql, -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void put_three(void)
{
	put_incident(1, "XF-2026-0001 矿办公楼门前", "要求补发拖欠工资");
	put_incident(2, "XF-2026-0002 副井口", "井下作业安全补贴");
	put_incident(3, "XF-2026-0003 主井", "退休人员医疗报销");
}

static void test_short_queries(void **state)
{
	(void)state;
	put_three();
	/* one character */
	assert_string_equal(found_set("资"), "1");
	assert_string_equal(found_set("井"), "2 3");
	assert_string_equal(found_set("补"), "1 2");
	assert_string_equal(found_set("煤"), "");
	/* two */
	assert_string_equal(found_set("工资"), "1");
	assert_string_equal(found_set("医疗"), "3");
	assert_string_equal(found_set("资工"), "");
	/* four */
	assert_string_equal(found_set("井下作业"), "2");
	assert_string_equal(found_set("拖欠工资"), "1");
	assert_string_equal(found_set("拖欠补贴"), "");
	/* words and numbers of the title; fullwidth and case folded */
	assert_string_equal(found_set("XF-2026-0002"), "2");
	assert_string_equal(found_set("ｘｆ－２０２６－０００３"), "3");
	assert_string_equal(found_set("xf"), "1 2 3");
}

static void test_phrase_and_separate_words(void **state)
{
	(void)state;
	put_incident(1, "A", "井下工资");
	put_incident(2, "B", "井下作业，拖欠工资");
	put_incident(3, "C", "井下作业");
	assert_string_equal(found_set("井下工资"), "1");
	assert_string_equal(found_set("井下 工资"), "1 2");
	assert_string_equal(found_set("工资 井下"), "1 2");
	assert_string_equal(found_set("工资井下"), "");
	/* a pasted passage matches across its punctuation */
	assert_string_equal(found_set("作业，拖欠"), "2");
	/* a phrase may span title and body only as separate words */
	assert_string_equal(found_set("a 井下"), "1");
	assert_string_equal(found_set("a井下"), "");
}

static void test_operators_are_literal(void **state)
{
	(void)state;
	put_incident(1, "A", "井下工资");
	put_incident(2, "B", "安置补偿");
	put_incident(3, "C", "Or not near 安置");
	assert_string_equal(found_set("井下 OR 安置"), "");
	assert_string_equal(found_set("or 安置"), "3");
	assert_string_equal(found_set("NOT 井下"), "");
	assert_string_equal(found_set("\"井下\""), "1");
	assert_string_equal(found_set("井下\"工资"), "1");
	assert_string_equal(found_set("\"井下"), "1");
	assert_string_equal(found_set("title:井下"), "");
	assert_string_equal(found_set("body : 安置"), "");
	assert_string_equal(found_set("安置*"), "2 3");
	assert_string_equal(found_set("^安置"), "2 3");
	assert_string_equal(found_set("NEAR(井下 工资)"), "");
	assert_string_equal(found_set("(安置) AND (补偿)"), "");
	assert_string_equal(found_set("安置 -补偿"), "2");
	assert_string_equal(found_set("{title}: 安置"), "");
	/* nothing to search for: no hits, no error */
	assert_string_equal(found_set("\"\" ，。！ ( ) * ^ :"), "");
	assert_string_equal(found_set(""), "");
}

static void test_put_replaces(void **state)
{
	(void)state;
	put_incident(1, "XF-2026-0001", "拖欠工资");
	put_incident(2, "XF-2026-0002", "拖欠工资");
	assert_string_equal(found_set("工资"), "1 2");
	put_incident(1, "XF-2026-0001", "安置补偿");
	assert_string_equal(found_set("工资"), "2");
	assert_string_equal(found_set("补偿"), "1");
	/* the same object id under another kind is another document */
	put("note", 1, 2, "现场情况", "工资已发放");
	assert_string_equal(found("已发放"), "note:1");
	assert_int_equal(count_rows("SELECT count(*) FROM search_docs"), 3);
	/* putting the same document again changes nothing */
	int64_t before =
	    count_rows("SELECT id FROM search_docs WHERE kind = 'incident' AND object_id = 2");
	put_incident(2, "XF-2026-0002", "拖欠工资");
	assert_int_equal(
	    count_rows("SELECT id FROM search_docs WHERE kind = 'incident' AND object_id = 2"),
	    before);
	/* NULL text is empty text */
	put("person", 9, 0, "张三", NULL);
	assert_string_equal(found("张三"), "person:9");
}

static void test_remove_deletes(void **state)
{
	(void)state;
	xf_db *db = xf_db_get();
	put_three();
	assert_int_equal(xf_search_remove(db, "incident", 2), XF_OK);
	assert_string_equal(found_set("井"), "3");
	assert_string_equal(found_set("补贴"), "");
	/* removing what is not there is no error */
	assert_int_equal(xf_search_remove(db, "incident", 2), XF_OK);
	assert_int_equal(xf_search_remove(db, "matter", 77), XF_OK);
	assert_int_equal(count_rows("SELECT count(*) FROM search_docs"), 2);
}

static void test_runs_in_the_callers_transaction(void **state)
{
	(void)state;
	xf_db *db = xf_db_get();
	put_incident(1, "A", "拖欠工资");
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	put_incident(2, "B", "拖欠工资");
	assert_int_equal(xf_search_remove(db, "incident", 1), XF_OK);
	assert_string_equal(found_set("工资"), "2");
	xf_tx_rollback(db);
	assert_string_equal(found_set("工资"), "1");
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	put_incident(3, "C", "拖欠工资");
	assert_int_equal(xf_tx_commit(db), XF_OK);
	assert_string_equal(found_set("工资"), "1 3");
}

static void test_failed_put_leaves_nothing_half_done(void **state)
{
	(void)state;
	xf_db *db = xf_db_get();
	put_incident(1, "A", "拖欠工资");
	/* the new row is refused after the old one has left the index */
	assert_int_equal(
	    sqlite3_exec(xf_db_sqlite(db),
	                 "CREATE TRIGGER refuse BEFORE INSERT ON search_docs"
	                 " WHEN new.title = 'boom' BEGIN SELECT RAISE(ABORT, 'refused'); END",
	                 NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	xf_search_doc d = {"incident", 1, 1, 0, "boom", "安置补偿"};
	assert_int_not_equal(xf_search_put(db, &d), XF_OK);
	assert_non_null(strstr(xf_db_error(db), "refused"));
	/* a caller that commits anyway keeps the old document, whole */
	assert_int_equal(xf_tx_commit(db), XF_OK);
	assert_string_equal(found_set("工资"), "1");
	assert_string_equal(found_set("补偿"), "");
	/* and without a transaction of the caller */
	assert_int_not_equal(xf_search_put(db, &d), XF_OK);
	assert_string_equal(found_set("工资"), "1");
	assert_int_equal(sqlite3_get_autocommit(xf_db_sqlite(db)), 1);
}

static void test_title_outranks_body(void **state)
{
	(void)state;
	/* the body match is newer and longer-winded: only the weight puts the title first */
	put_incident(1, "XF-2026-0001 煤矿", "要求补发拖欠工资");
	put_incident(2, "XF-2026-0002", "煤矿职工要求补发拖欠工资");
	put_incident(3, "XF-2026-0003", "煤矿");
	assert_string_equal(found("煤矿"), "incident:1 incident:3 incident:2");
	assert_string_equal(found("煤"), "incident:1 incident:3 incident:2");
	/* more occurrences rank higher */
	put_incident(4, "XF-2026-0004", "井下井下井下事故");
	put_incident(5, "XF-2026-0005", "井下事故");
	assert_string_equal(found("井下"), "incident:4 incident:5");
}

/* Our rank with exact counts is FTS5's bm25() with the same weights, negated. */
static void test_rank_is_bm25(void **state)
{
	(void)state;
	put_three();
	put_incident(4, "XF-2026-0004 井下", "井下工人要求补发工资，工资拖欠三个月");
	put_incident(5, "XF-2026-0005", "要求解决住房问题");
	sqlite3 *sql = xf_db_sqlite(xf_db_get());
	sqlite3_stmt *st;
	const char *match = "\"工 资\" \"井\"";
	int64_t dfs[2] = {
	    count_rows("SELECT count(*) FROM search_fts WHERE search_fts MATCH '\"工 资\"'"),
	    count_rows("SELECT count(*) FROM search_fts WHERE search_fts MATCH '\"井\"'")};
	assert_int_equal(dfs[0], 2);
	assert_int_equal(dfs[1], 3);
	assert_int_equal(sqlite3_prepare_v2(sql,
	                                    "SELECT xf_bm25(search_fts, ?2, 5.0, 1.0),"
	                                    " -bm25(search_fts, 5.0, 1.0) FROM search_fts"
	                                    " WHERE search_fts MATCH ?1",
	                                    -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, dfs, sizeof dfs, SQLITE_STATIC);
	int rows = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		double ours = sqlite3_column_double(st, 0), theirs = sqlite3_column_double(st, 1);
		assert_true(ours > 0);
		assert_float_equal(ours, theirs, 1e-9);
		rows++;
	}
	sqlite3_finalize(st);
	assert_int_equal(rows, 1);

	/* and the rank of a hit is that score */
	json_t *hits = query("工资", 10);
	assert_int_equal(json_array_size(hits), 2);
	double first = json_real_value(json_object_get(json_array_get(hits, 0), "rank"));
	double second = json_real_value(json_object_get(json_array_get(hits, 1), "rank"));
	assert_true(first >= second && second > 0);
	json_decref(hits);
}

static void test_rank_window(void **state)
{
	(void)state;
	char body[64];
	/* the oldest document is the best match for 工 (three times in a short body) */
	put_incident(1, "XF-1", "工工工");
	put_incident(2, "XF-2", "稀有的字，工");
	for (int i = 3; i <= 30; i++) {
		snprintf(body, sizeof body, "第%d次要求补发拖欠工资", i);
		put_incident(i, "XF", body);
	}
	/* every match ranked: the best comes first */
	xf_search_set_rank_window(0);
	json_t *hits = query("工", 50);
	assert_int_equal(json_array_size(hits), 30);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(hits, 0), "id")), 1);
	json_decref(hits);
	/* a window of 5: only the five newest matches are ranked */
	xf_search_set_rank_window(5);
	assert_string_equal(found_set("工"), "26 27 28 29 30");
	/* a rare phrase next to a common one: its few matches are all ranked */
	assert_string_equal(found_set("工 稀有"), "2");
	assert_string_equal(found_set("稀有"), "2");
	/* an updated document is new again */
	put_incident(1, "XF-1", "工工工 ");
	assert_string_equal(found("工"),
	                    "incident:1 incident:30 incident:29 incident:28 incident:27");
}

static void test_hit_shape_and_highlight(void **state)
{
	(void)state;
	put_incident(7, "XF-2026-0007 矿办公楼门前", "要求补发拖欠工资");
	put("person", 3, 0, "张三", "综采一队职工，反映工资问题");
	json_t *hits = query("工资", 10);
	assert_int_equal(json_array_size(hits), 2);
	json_t *hit = NULL;
	for (size_t i = 0; i < 2; i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(hits, i), "kind")),
		           "incident") == 0)
			hit = json_array_get(hits, i);
	assert_non_null(hit);
	char *text = json_dumps(hit, JSON_SORT_KEYS | JSON_COMPACT | JSON_REAL_PRECISION(4));
	assert_non_null(strstr(text, "\"highlight\":[[\"要求补发拖欠\",false],[\"工资\",true]]"));
	assert_non_null(strstr(text, "\"id\":7,\"incident_id\":7,\"kind\":\"incident\""));
	assert_non_null(strstr(text, "\"person_id\":null"));
	assert_non_null(strstr(text, "\"title\":\"XF-2026-0007 矿办公楼门前\""));
	assert_true(json_is_real(json_object_get(hit, "rank")));
	free(text);
	json_decref(hits);

	/* a match in the title is highlighted there */
	hits = query("办公楼", 10);
	assert_int_equal(json_array_size(hits), 1);
	text = json_dumps(json_object_get(json_array_get(hits, 0), "highlight"), JSON_COMPACT);
	assert_string_equal(text,
	                    "[[\"XF-2026-0007 矿\",false],[\"办公楼\",true],[\"门前\",false]]");
	free(text);
	json_decref(hits);

	/* a person: incident_id null */
	hits = query("张三", 10);
	hit = json_array_get(hits, 0);
	assert_true(json_is_null(json_object_get(hit, "incident_id")));
	assert_string_equal(json_string_value(json_object_get(hit, "kind")), "person");
	json_decref(hits);
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
	json_t *hits = query("拖欠工资", 10);
	json_t *hl = json_object_get(json_array_get(hits, 0), "highlight");
	assert_int_equal(json_array_size(hl), 3);
	const char *before = json_string_value(json_array_get(json_array_get(hl, 0), 0));
	const char *after = json_string_value(json_array_get(json_array_get(hl, 2), 0));
	assert_memory_equal(before, "…", strlen("…"));
	assert_string_equal(json_string_value(json_array_get(json_array_get(hl, 1), 0)),
	                    "拖欠工资");
	assert_true(json_is_true(json_array_get(json_array_get(hl, 1), 1)));
	assert_string_equal(after + strlen(after) - strlen("…"), "…");
	json_decref(hits);
}

static void test_invalid_utf8_in_text(void **state)
{
	(void)state;
	put_incident(1, "XF\xff-1", "拖欠\xe4\xb8工资\xc0");
	json_t *hits = query("工资", 10);
	assert_int_equal(json_array_size(hits), 1);
	char *text = json_dumps(hits, JSON_COMPACT);
	assert_non_null(text);
	assert_non_null(strstr(text, "XF\xef\xbf\xbd-1"));
	assert_non_null(strstr(text, "[\"拖欠\xef\xbf\xbd\xef\xbf\xbd\",false],[\"工资\",true]"));
	free(text);
	json_decref(hits);
	/* and in the query */
	assert_string_equal(found_set("\xff工\xe4资"), "1");
	assert_string_equal(found_set("\xff工资\xe4"), "1");
}

static void test_limit(void **state)
{
	(void)state;
	for (int i = 1; i <= 12; i++)
		put_incident(i, "XF", "拖欠工资");
	json_t *hits = query("工资", 3);
	assert_int_equal(json_array_size(hits), 3);
	json_decref(hits);
	hits = query("工资", 0);
	assert_int_equal(json_array_size(hits), 0);
	json_decref(hits);
	/* equal scores: newest first */
	assert_string_equal(found("拖欠"),
	                    "incident:12 incident:11 incident:10 incident:9 incident:8 "
	                    "incident:7 incident:6 incident:5 incident:4 incident:3 "
	                    "incident:2 incident:1");
}

static void test_rebuild_and_optimize(void **state)
{
	(void)state;
	xf_db *db = xf_db_get();
	put_three();
	put_incident(2, "XF-2026-0002", "安置补偿");
	assert_int_equal(xf_search_rebuild(db), XF_OK);
	assert_int_equal(xf_search_optimize(db), XF_OK);
	assert_string_equal(found_set("补偿"), "2");
	assert_string_equal(found_set("工资"), "1");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, open_db, close_db)
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
	    T(test_rebuild_and_optimize),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
