/* Unit tests of the outbox (store/xf_store_outbox.h, store/xf_store_channels.h): queueing
 * to the group channels by event kind and grade, to one user on the channels that reach
 * a person (SMTP to the email, SMS and group robots with mentions to the phone), the
 * dedupe of one (event, notification, level), disabled channels; and the sender's claim
 * (one holder at a time, the lease, a channel's rate limit) and marks. On SQLite, and on
 * PostgreSQL when XF_TEST_PG_URL is set (a database of its own, dropped after). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/xf_sql.h"
#include "store/xf_store.h"
#include "store/xf_store_channels.h"
#include "store/xf_store_outbox.h"
#include "xf_test_store.h"

static char dir[64];
static char pg_name[80];

static int open_sqlite(void **state)
{
	(void)state;
	return xf_test_store_open(dir, "outbox");
}

static int close_sqlite(void **state)
{
	(void)state;
	return xf_test_store_remove(dir);
}

static int open_pg(void **state)
{
	(void)state;
	const char *server = getenv("XF_TEST_PG_URL");
	char error[512], sql[300], url[1024];
	xf_sql *admin = NULL;
	if (xf_sql_open(server, &admin, error, sizeof error) != XF_OK) {
		fprintf(stderr, "%s\n", error);
		return -1;
	}
	snprintf(pg_name, sizeof pg_name, "xf_test_outbox_%ld", (long)getpid());
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", pg_name);
	xf_sql_exec_script(admin, sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", pg_name);
	int rc = xf_sql_exec_script(admin, sql);
	if (rc != XF_OK)
		fprintf(stderr, "%s: %s\n", sql, xf_sql_error(admin));
	xf_sql_close(admin);
	if (rc != XF_OK)
		return -1;
	const char *host = strstr(server, "://") + 3;
	const char *path = host + strcspn(host, "/?");
	snprintf(url, sizeof url, "%.*s/%s%s", (int)(path - server), server, pg_name,
	         path + strcspn(path, "?"));
	if (xf_store_open(url, error, sizeof error) != XF_OK) {
		fprintf(stderr, "%s\n", error);
		return -1;
	}
	return 0;
}

static int close_pg(void **state)
{
	(void)state;
	char error[512], sql[160];
	xf_store_close();
	xf_sql *admin = NULL;
	if (xf_sql_open(getenv("XF_TEST_PG_URL"), &admin, error, sizeof error) != XF_OK)
		return -1;
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", pg_name);
	xf_sql_exec_script(admin, sql);
	xf_sql_close(admin);
	return 0;
}

static int64_t add_channel(xf_db *db, const char *kind, const char *events, const char *grades,
                           bool mentions, const char *settings)
{
	xf_channel_row c = {.enabled = true, .mentions = mentions};
	snprintf(c.kind, sizeof c.kind, "%s", kind);
	c.name = (char *)kind;
	c.events = (char *)events;
	c.grades = (char *)grades;
	c.settings = (char *)settings;
	assert_int_equal(xf_store_channel_insert(db, &c), XF_OK);
	return c.id;
}

static void test_queue_and_claim(void **state)
{
	(void)state;
	xf_db *db = xf_db_get();
	int64_t unit, user, nobody;
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	assert_int_equal(xf_store_unit_insert(db, 0, "本矿", "mine", &unit), XF_OK);
	assert_int_equal(
	    xf_store_user_insert(db, "zz", "组长", unit, "13800000001", 0, "x", false, &user),
	    XF_OK);
	assert_int_equal(xf_store_user_set_email(db, user, "zz@example.org"), XF_OK);
	assert_int_equal(xf_store_user_insert(db, "np", "无号", unit, "", 0, "x", false, &nobody),
	                 XF_OK);
	int64_t wecom = add_channel(db, "wecom", "[\"incident.register\"]", "[1,2]", true, "{}");
	int64_t hook = add_channel(db, "webhook", "[\"incident.register\",\"task.overdue\"]", "[]",
	                           false, "{\"rate_per_min\":2}");
	int64_t smtp = add_channel(db, "smtp", "[]", "[]", false, "{}");
	int64_t sms = add_channel(db, "sms", "[]", "[]", false, "{}");
	int64_t off = add_channel(db, "webhook", "[\"incident.register\"]", "[]", false, "{}");
	xf_channel_row row;
	assert_int_equal(xf_store_channel_get(db, off, &row), XF_OK);
	row.enabled = false;
	assert_int_equal(xf_store_channel_update(db, &row), XF_OK);
	xf_channel_row_free(&row);
	(void)smtp;
	(void)sms;

	/* group channels: by kind and grade */
	int n = -1;
	xf_outbox_message m = {.kind = "incident.register",
	                       .grade = 2,
	                       .event_seq = 7,
	                       .text = "事件登记",
	                       .link = "#/incidents/1"};
	assert_int_equal(xf_store_outbox_to_channels(db, &m, &n), XF_OK);
	assert_int_equal(n, 2); /* wecom (grade II) and the webhook; not the disabled one */
	assert_int_equal(xf_store_outbox_to_channels(db, &m, &n), XF_OK);
	assert_int_equal(n, 0); /* the same event again: deduplicated */
	m.grade = 3;
	m.event_seq = 8;
	assert_int_equal(xf_store_outbox_to_channels(db, &m, &n), XF_OK);
	assert_int_equal(n, 1); /* the webhook only: wecom takes grades I and II */
	m.kind = "task.assign";
	m.event_seq = 9;
	assert_int_equal(xf_store_outbox_to_channels(db, &m, &n), XF_OK);
	assert_int_equal(n, 0);

	/* one user: smtp to the email, sms and the mentioning robot to the phone */
	m.kind = "task.overdue";
	m.notification_id = 3;
	assert_int_equal(xf_store_outbox_to_user(db, user, &m, &n), XF_OK);
	assert_int_equal(n, 3);
	assert_int_equal(xf_store_outbox_to_user(db, user, &m, &n), XF_OK);
	assert_int_equal(n, 0);
	m.level = 1; /* the next escalation level is another message */
	assert_int_equal(xf_store_outbox_to_user(db, user, &m, &n), XF_OK);
	assert_int_equal(n, 3);
	assert_int_equal(xf_store_outbox_to_user(db, nobody, &m, &n), XF_OK);
	assert_int_equal(n, 0); /* no phone, no email */
	/* quiet hours: not before a time */
	m.level = 2;
	m.not_before_ms = xf_now_ms() + 3600 * 1000;
	assert_int_equal(xf_store_outbox_to_user(db, user, &m, &n), XF_OK);
	assert_int_equal(n, 3);
	assert_int_equal(xf_tx_commit(db), XF_OK);

	/* the claim: due messages only, each channel within its rate, one holder */
	int64_t now = xf_now_ms();
	xf_outbox_item *items = NULL;
	size_t count = 0;
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	assert_int_equal(xf_store_outbox_claim(db, "a", now, 60000, 100, &items, &count), XF_OK);
	assert_int_equal(xf_tx_commit(db), XF_OK);
	/* wecom 1 + 2 (user) , webhook 2 of 2 queued (rate 2), smtp 2, sms 2 */
	size_t on_hook = 0, to_phone = 0;
	for (size_t i = 0; i < count; i++) {
		if (items[i].channel_id == hook)
			on_hook++;
		if (strcmp(items[i].address, "13800000001") == 0)
			to_phone++;
	}
	assert_int_equal(on_hook, 2);
	assert_int_equal(to_phone, 4);
	assert_int_equal(count, 9);
	/* a second sender gets nothing while the lease holds */
	xf_outbox_item *other = NULL;
	size_t n_other = 9;
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	assert_int_equal(xf_store_outbox_claim(db, "b", now, 60000, 100, &other, &n_other), XF_OK);
	assert_int_equal(xf_tx_commit(db), XF_OK);
	assert_int_equal(n_other, 0);
	xf_outbox_items_free(other, n_other);
	/* marks: sent; failed (queued again); a mark by a non-holder changes nothing */
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	for (size_t i = 0; i < count; i++) {
		xf_outbox_outcome o =
		    items[i].channel_id == wecom ? XF_OUTBOX_FAILED : XF_OUTBOX_SENT;
		assert_int_equal(xf_store_outbox_mark(db, items[i].id, i == 0 ? "b" : "a", o, true,
		                                      200, "ok", now, now),
		                 XF_OK);
	}
	assert_int_equal(xf_tx_commit(db), XF_OK);
	int64_t queued, sent;
	assert_int_equal(xf_store_outbox_counts(db, &queued, &sent), XF_OK);
	/* 9 claimed: the 3 on wecom failed (queued again; the mark by "b", no holder, changed
	 * nothing), 6 sent */
	assert_int_equal(sent, 6);
	/* the webhook's rate is spent: its third message waits */
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	assert_int_equal(xf_store_outbox_claim(db, "a", now + 1, 60000, 100, &other, &n_other),
	                 XF_OK);
	assert_int_equal(xf_tx_commit(db), XF_OK);
	for (size_t i = 0; i < n_other; i++)
		assert_true(other[i].channel_id != hook);
	xf_outbox_items_free(other, n_other);
	xf_outbox_items_free(items, count);
	json_t *log = NULL;
	int64_t next = 0;
	assert_int_equal(xf_store_channel_deliveries(db, hook, 0, 2, &log, &next), XF_OK);
	assert_int_equal(json_array_size(log), 2);
	assert_true(next > 0);
	json_decref(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_queue_and_claim)};
	int failed =
	    cmocka_run_group_tests_name("outbox on SQLite", tests, open_sqlite, close_sqlite);
	if (getenv("XF_TEST_PG_URL") && *getenv("XF_TEST_PG_URL"))
		failed +=
		    cmocka_run_group_tests_name("outbox on PostgreSQL", tests, open_pg, close_pg);
	else
		printf("[  SKIPPED ] outbox on PostgreSQL: XF_TEST_PG_URL is not set "
		       "(scripts/pg-test run ctest)\n");
	return failed;
}
