/* Unit tests of the cross-process bus and leases on PostgreSQL (store/xf_pg_bus.h,
 * store/xf_pg_lease.h): a notification published in a committed transaction on one
 * connection arrives at a bus on another, a rolled-back one never does, 1,000 arrive
 * in order (and the commit-to-callback latency is printed, p50/p99), a bus whose
 * connection the server ends connects again and calls back with resync, and two
 * connections contending for one job's lease: exactly one wins until it releases or
 * its connection closes. Without XF_TEST_PG_URL (scripts/pg-test sets it) only the
 * key, open-failure and SQLite checks run and the rest prints a line saying it was skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include <cmocka.h>

#include "store/xf_pg_bus.h"
#include "store/xf_pg_lease.h"

#define MANY 1000

static const char *url;

/* What the bus's thread heard. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t changed;
	int count, resyncs;
	char last[XF_PG_BUS_PAYLOAD_MAX + 1];
	bool saw_rolled_back;
	int next_seq; /* the in-order check of the 1,000 */
	bool out_of_order;
	int64_t arrived_ns[MANY];
} heard = {.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void on_event(void *arg, const char *payload, bool resync)
{
	(void)arg;
	int64_t t = now_ns();
	pthread_mutex_lock(&heard.lock);
	if (resync) {
		heard.resyncs++;
	} else {
		heard.count++;
		snprintf(heard.last, sizeof heard.last, "%s", payload);
		if (strncmp(payload, "rolled", 6) == 0)
			heard.saw_rolled_back = true;
		int seq;
		if (sscanf(payload, "seq %d", &seq) == 1 && seq >= 0 && seq < MANY) {
			if (seq != heard.next_seq)
				heard.out_of_order = true;
			heard.next_seq = seq + 1;
			heard.arrived_ns[seq] = t;
		}
	}
	pthread_cond_broadcast(&heard.changed);
	pthread_mutex_unlock(&heard.lock);
}

/* Waits up to ms for *counter to reach want; true when it did. */
static bool wait_for(int *counter, int want, int ms)
{
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&heard.lock);
	while (*counter < want &&
	       pthread_cond_timedwait(&heard.changed, &heard.lock, &until) == 0) {
	}
	bool ok = *counter >= want;
	pthread_mutex_unlock(&heard.lock);
	return ok;
}

static xf_sql *open_conn(void)
{
	char error[512];
	xf_sql *c = NULL;
	if (xf_sql_open(url, &c, error, sizeof error) != XF_OK)
		fail_msg("xf_sql_open: %s", error);
	return c;
}

typedef struct fixture {
	xf_pg_bus *bus;
	xf_sql *a;
} fixture;

static int open_bus(void **state)
{
	static fixture f;
	char error[512];
	pthread_mutex_lock(&heard.lock);
	heard.count = heard.resyncs = heard.next_seq = 0;
	heard.saw_rolled_back = heard.out_of_order = false;
	heard.last[0] = 0;
	pthread_mutex_unlock(&heard.lock);
	if (xf_pg_bus_open(url, &f.bus, error, sizeof error) != XF_OK) {
		fprintf(stderr, "xf_pg_bus_open: %s\n", error);
		return -1;
	}
	if (xf_pg_bus_start(f.bus, on_event, NULL) != XF_OK)
		return -1;
	f.a = open_conn();
	*state = &f;
	return 0;
}

static int close_bus(void **state)
{
	fixture *f = *state;
	xf_pg_bus_close(f->bus);
	xf_sql_close(f->a);
	return 0;
}

static void publish_in_transaction(xf_sql *c, const char *payload, bool commit)
{
	assert_int_equal(xf_sql_begin(c, true), XF_OK);
	assert_int_equal(xf_pg_bus_publish(c, payload), XF_OK);
	if (commit)
		assert_int_equal(xf_sql_commit(c), XF_OK);
	else
		xf_sql_rollback(c);
}

/* Publishes payload in a committed transaction and checks that it arrives next. */
static void publish_and_hear(xf_sql *c, const char *payload)
{
	pthread_mutex_lock(&heard.lock);
	int before = heard.count;
	pthread_mutex_unlock(&heard.lock);
	publish_in_transaction(c, payload, true);
	assert_true(wait_for(&heard.count, before + 1, 2000));
	assert_string_equal(heard.last, payload);
}

static void test_committed_notify_arrives(void **state)
{
	fixture *f = *state;
	publish_and_hear(f->a, "incident 42");
	assert_int_equal(heard.resyncs, 0);
}

static void test_rolled_back_notify_never_arrives(void **state)
{
	fixture *f = *state;
	publish_in_transaction(f->a, "rolled 1", false);
	/* published after the rolled-back one: once it is here, the other would be too */
	publish_in_transaction(f->a, "after 2", true);
	assert_true(wait_for(&heard.count, 1, 2000));
	usleep(100 * 1000);
	assert_false(heard.saw_rolled_back);
	assert_int_equal(heard.count, 1);
	assert_string_equal(heard.last, "after 2");
}

static int compare_ns(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
	return (a > b) - (a < b);
}

static void test_thousand_arrive_in_order(void **state)
{
	fixture *f = *state;
	static int64_t committed_ns[MANY], latency_ns[MANY];
	for (int i = 0; i < MANY; i++) {
		char payload[32];
		snprintf(payload, sizeof payload, "seq %d", i);
		assert_int_equal(xf_sql_begin(f->a, true), XF_OK);
		assert_int_equal(xf_pg_bus_publish(f->a, payload), XF_OK);
		committed_ns[i] = now_ns(); /* from just before COMMIT is sent */
		assert_int_equal(xf_sql_commit(f->a), XF_OK);
	}
	assert_true(wait_for(&heard.count, MANY, 10000));
	assert_false(heard.out_of_order);
	assert_int_equal(heard.next_seq, MANY);
	for (int i = 0; i < MANY; i++)
		latency_ns[i] = heard.arrived_ns[i] - committed_ns[i];
	qsort(latency_ns, MANY, sizeof latency_ns[0], compare_ns);
	printf("[ LATENCY  ] notify commit -> callback over %d: p50 %.3f ms, p99 %.3f ms, "
	       "max %.3f ms\n",
	       MANY, latency_ns[MANY / 2] / 1e6, latency_ns[MANY * 99 / 100] / 1e6,
	       latency_ns[MANY - 1] / 1e6);
}

static void test_killed_bus_connection_resyncs(void **state)
{
	fixture *f = *state;
	int pid = xf_pg_bus_backend_pid(f->bus);
	assert_true(pid > 0);
	xf_sql_stmt *kill = xf_sql_prepare(f->a, "SELECT pg_terminate_backend(?::int)");
	xf_sql_bind_int64(kill, 1, pid);
	assert_int_equal(xf_sql_step(kill), XF_SQL_ROW);
	assert_int_equal(xf_sql_column_int64(kill, 0), 1);
	xf_sql_reset(kill);
	assert_true(wait_for(&heard.resyncs, 1, 5000));
	assert_int_equal(xf_pg_bus_reconnects(f->bus), 1);
	assert_true(xf_pg_bus_backend_pid(f->bus) != pid);
	/* listening again: what is published now arrives */
	publish_and_hear(f->a, "incident 43");
	assert_int_equal(heard.resyncs, 1);
}

/* While the server refuses connections the bus keeps trying, with backoff and
 * without a resync; once it accepts again, one resync. On a database of its own
 * (connections to it are refused for a while) and with xf_pg_bus_wait, no thread. */
static void test_refused_reconnect_backs_off(void **state)
{
	fixture *f = *state;
	const char *db = strstr(url, "/postgres?");
	if (!db)
		skip(); /* not a scripts/pg-test URL */
	char other[512];
	snprintf(other, sizeof other, "%.*s/xf_bus_test%s", (int)(db - url), url,
	         db + strlen("/postgres"));
	assert_int_equal(xf_sql_exec_script(f->a, "DROP DATABASE IF EXISTS xf_bus_test"), XF_OK);
	assert_int_equal(xf_sql_exec_script(f->a, "CREATE DATABASE xf_bus_test"), XF_OK);
	xf_pg_bus *bus = NULL;
	char error[512];
	assert_int_equal(xf_pg_bus_open(other, &bus, error, sizeof error), XF_OK);
	char sql[128];
	snprintf(sql, sizeof sql,
	         "ALTER DATABASE xf_bus_test ALLOW_CONNECTIONS false;"
	         " SELECT pg_terminate_backend(%d)",
	         xf_pg_bus_backend_pid(bus));
	assert_int_equal(xf_sql_exec_script(f->a, sql), XF_OK);
	int64_t start = now_ns();
	while (now_ns() - start < 1000000000LL)
		assert_int_equal(xf_pg_bus_wait(bus, 200, on_event, NULL), XF_UNAVAILABLE);
	assert_int_equal(heard.resyncs, 0);
	assert_int_equal(xf_pg_bus_backend_pid(bus), 0);
	assert_int_equal(
	    xf_sql_exec_script(f->a, "ALTER DATABASE xf_bus_test ALLOW_CONNECTIONS true"), XF_OK);
	start = now_ns();
	while (heard.resyncs == 0 && now_ns() - start < 8000000000LL)
		xf_pg_bus_wait(bus, 200, on_event, NULL);
	assert_int_equal(heard.resyncs, 1);
	assert_int_equal(xf_pg_bus_reconnects(bus), 1);
	/* at most about 1.6 s: attempts after 0, 0.1, 0.3, 0.7 and 1.5 s of refusal */
	assert_true(now_ns() - start < 2500000000LL);
	xf_pg_bus_close(bus);
	assert_int_equal(xf_sql_exec_script(f->a, "DROP DATABASE xf_bus_test WITH (FORCE)"), XF_OK);
}

static void test_payload_rules(void **state)
{
	fixture *f = *state;
	char long_payload[XF_PG_BUS_PAYLOAD_MAX + 2];
	memset(long_payload, 'x', sizeof long_payload - 1);
	long_payload[sizeof long_payload - 1] = 0;
	assert_int_equal(xf_pg_bus_publish(f->a, ""), XF_ERR);
	assert_int_equal(xf_pg_bus_publish(f->a, long_payload), XF_ERR);
	assert_int_equal(xf_pg_bus_publish(f->a, "事件 1"), XF_ERR);
	assert_int_equal(xf_pg_bus_publish(f->a, "a\nb"), XF_ERR);
}

/* Tries until the lease is won or ms pass (a closed session ends on the server a
 * moment after the client hangs up). */
static int try_for(xf_sql *c, const char *job, int ms)
{
	int rc = 0;
	for (int waited = 0; waited <= ms; waited += 20) {
		rc = xf_pg_lease_try(c, job);
		if (rc != 0)
			break;
		usleep(20 * 1000);
	}
	return rc;
}

static void test_lease_exactly_one_wins(void **state)
{
	(void)state;
	xf_sql *a = open_conn(), *b = open_conn();
	assert_int_equal(xf_pg_lease_try(a, "overdue scan"), 1);
	assert_int_equal(xf_pg_lease_try(b, "overdue scan"), 0);
	assert_int_equal(xf_pg_lease_try(b, "outbox"), 1); /* another job is another lease */
	assert_int_equal(xf_pg_lease_held(a, "overdue scan"), 1);
	assert_int_equal(xf_pg_lease_held(b, "overdue scan"), 0);
	/* a rollback on the holder keeps it (session level) */
	assert_int_equal(xf_sql_begin(a, true), XF_OK);
	xf_sql_rollback(a);
	assert_int_equal(xf_pg_lease_try(b, "overdue scan"), 0);
	/* the one that does not hold it cannot release it */
	assert_int_equal(xf_pg_lease_release(b, "overdue scan"), XF_ERR);
	assert_int_equal(xf_pg_lease_release(a, "overdue scan"), XF_OK);
	assert_int_equal(xf_pg_lease_try(b, "overdue scan"), 1);
	assert_int_equal(xf_pg_lease_try(a, "overdue scan"), 0);
	assert_int_equal(xf_pg_lease_release(b, "overdue scan"), XF_OK);
	assert_int_equal(xf_pg_lease_release(b, "outbox"), XF_OK);

	/* the winner's connection closes (its process died): the other wins after */
	assert_int_equal(xf_pg_lease_try(a, "legal clocks"), 1);
	assert_int_equal(xf_pg_lease_try(b, "legal clocks"), 0);
	xf_sql_close(a);
	assert_int_equal(try_for(b, "legal clocks", 2000), 1);
	assert_int_equal(xf_pg_lease_held(b, "legal clocks"), 1);
	assert_int_equal(xf_pg_lease_release(b, "legal clocks"), XF_OK);
	xf_sql_close(b);
}

/* Without a server: the keys are stable, non-negative and not the chain lock's. */
static void test_lease_keys(void **state)
{
	(void)state;
	int64_t k = xf_pg_lease_key("overdue scan");
	assert_true(k >= 0);
	assert_true(k == xf_pg_lease_key("overdue scan"));
	assert_true(k != xf_pg_lease_key("outbox"));
	assert_true(k != XF_SQL_CHAIN_LOCK_KEY);
	/* pinned: a key that changed between versions would let two versions both run */
	assert_true(k == 0x60e3a11765da62b0LL);
}

/* Without a server: a bus that cannot connect says so without the password. */
static void test_open_failure(void **state)
{
	(void)state;
	xf_pg_bus *bus = (xf_pg_bus *)1;
	char error[512];
	assert_int_equal(xf_pg_bus_open("postgresql://u:secret@127.0.0.1:1/db?connect_timeout=2",
	                                &bus, error, sizeof error),
	                 XF_UNAVAILABLE);
	assert_null(bus);
	assert_null(strstr(error, "secret"));
	assert_non_null(strstr(error, "cannot listen on the event bus"));
}

/* On SQLite (one process) publishing does nothing and every lease is won. */
static void test_sqlite_needs_neither(void **state)
{
	(void)state;
	char dir[] = "/tmp/xf-pg-bus-XXXXXX", path[64], error[512];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/x.db", dir);
	xf_sql *c = NULL;
	assert_int_equal(xf_sql_open(path, &c, error, sizeof error), XF_OK);
	assert_int_equal(xf_pg_bus_publish(c, "incident 1"), XF_OK);
	assert_int_equal(xf_pg_bus_publish(c, ""), XF_ERR);
	assert_int_equal(xf_pg_lease_try(c, "overdue scan"), 1);
	assert_int_equal(xf_pg_lease_held(c, "overdue scan"), 1);
	assert_int_equal(xf_pg_lease_release(c, "overdue scan"), XF_OK);
	xf_sql_close(c);
	unlink(path);
	char wal[80];
	snprintf(wal, sizeof wal, "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof wal, "%s-shm", path);
	unlink(wal);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest offline[] = {cmocka_unit_test(test_lease_keys),
	                                     cmocka_unit_test(test_open_failure),
	                                     cmocka_unit_test(test_sqlite_needs_neither)};
	int failed = cmocka_run_group_tests_name("pg bus offline", offline, NULL, NULL);
	url = getenv("XF_TEST_PG_URL");
	if (!url || !*url) {
		printf("[  SKIPPED ] pg bus on PostgreSQL: XF_TEST_PG_URL is not set "
		       "(make test sets it; scripts/pg-test starts a server)\n");
		return failed;
	}
#define T(f) cmocka_unit_test_setup_teardown(f, open_bus, close_bus)
	const struct CMUnitTest tests[] = {
	    T(test_committed_notify_arrives),
	    T(test_rolled_back_notify_never_arrives),
	    T(test_thousand_arrive_in_order),
	    T(test_killed_bus_connection_resyncs),
	    T(test_refused_reconnect_backs_off),
	    T(test_payload_rules),
	    cmocka_unit_test(test_lease_exactly_one_wins),
	};
#undef T
	failed += cmocka_run_group_tests_name("pg bus on PostgreSQL", tests, NULL, NULL);
	return failed;
}
