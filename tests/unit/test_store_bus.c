/* Unit tests of the store's use of the change bus (store/xf_store_bus.h) on
 * PostgreSQL: a payload of another process moves the generations it names and calls
 * the change hook; this process's own payloads are ignored (its commit moved them
 * already); a bus whose connection the server ends moves both generations once it is
 * back. Without XF_TEST_PG_URL (scripts/pg-test sets it) the tests say they were
 * skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/xf_pg_bus.h"
#include "store/xf_sql.h"
#include "store/xf_store_bus.h"

static const char *url;
static _Atomic int hook_calls;

static void hook(void)
{
	hook_calls++;
}

/* Waits up to 5 s for the hook to have been called want times. */
static bool hooked(int want)
{
	for (int i = 0; i < 500 && hook_calls < want; i++)
		usleep(10000);
	return hook_calls >= want;
}

static xf_sql *conn;

static int setup(void **state)
{
	(void)state;
	char error[512];
	if (!url)
		return 0;
	if (xf_sql_open(url, &conn, error, sizeof error) != XF_OK ||
	    xf_store_bus_open(url, hook, error, sizeof error) != XF_OK) {
		fprintf(stderr, "%s\n", error);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	xf_store_bus_close();
	if (conn)
		xf_sql_close(conn);
	return 0;
}

static void publish(const char *payload)
{
	assert_int_equal(xf_sql_begin(conn, true), XF_OK);
	assert_int_equal(xf_pg_bus_publish(conn, payload), XF_OK);
	assert_int_equal(xf_sql_commit(conn), XF_OK);
}

static void test_sqlite_target_refused(void **state)
{
	(void)state;
	char error[200];
	assert_int_equal(xf_store_bus_open("/tmp/x.db", hook, error, sizeof error), XF_ERR);
}

static void test_other_process_moves_generations(void **state)
{
	(void)state;
	if (!url)
		skip();
	int calls = hook_calls;
	uint64_t data = xf_store_data_generation(), auth = xf_store_auth_generation();
	publish("data from 0123456789abcdef");
	assert_true(hooked(calls + 1));
	assert_int_equal(xf_store_data_generation(), data + 1);
	assert_int_equal(xf_store_auth_generation(), auth);
	publish("auth from 0123456789abcdef");
	assert_true(hooked(calls + 2));
	assert_int_equal(xf_store_auth_generation(), auth + 1);
	publish("data auth from fedcba9876543210");
	assert_true(hooked(calls + 3));
	assert_int_equal(xf_store_data_generation(), data + 2);
	assert_int_equal(xf_store_auth_generation(), auth + 2);
}

static void test_own_payload_ignored(void **state)
{
	(void)state;
	if (!url)
		skip();
	int calls = hook_calls;
	uint64_t data = xf_store_data_generation();
	char own[64];
	snprintf(own, sizeof own, "data from %s", xf_store_bus_origin());
	publish(own);
	publish("data from 0123456789abcdef"); /* arrives after the own one */
	assert_true(hooked(calls + 1));
	usleep(50000);
	assert_int_equal(hook_calls, calls + 1);
	assert_int_equal(xf_store_data_generation(), data + 1);
}

static void test_reconnect_moves_both(void **state)
{
	(void)state;
	if (!url)
		skip();
	int calls = hook_calls;
	uint64_t data = xf_store_data_generation(), auth = xf_store_auth_generation();
	int pid = xf_store_bus_backend_pid();
	assert_true(pid > 0);
	xf_sql_stmt *kill = xf_sql_prepare(conn, "SELECT pg_terminate_backend(?::int)");
	xf_sql_bind_int64(kill, 1, pid);
	assert_int_equal(xf_sql_step(kill), XF_SQL_ROW);
	xf_sql_reset(kill);
	assert_true(hooked(calls + 1));
	assert_int_equal(xf_store_data_generation(), data + 1);
	assert_int_equal(xf_store_auth_generation(), auth + 1);
	assert_true(xf_store_bus_backend_pid() != pid);
}

int main(void)
{
	url = getenv("XF_TEST_PG_URL");
	if (url && !*url)
		url = NULL;
	if (!url)
		printf("test_store_bus: XF_TEST_PG_URL is not set; the PostgreSQL tests are "
		       "skipped\n");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sqlite_target_refused),
	    cmocka_unit_test(test_other_process_moves_generations),
	    cmocka_unit_test(test_own_payload_ignored),
	    cmocka_unit_test(test_reconnect_moves_both),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
