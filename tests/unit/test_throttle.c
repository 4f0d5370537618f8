/* Unit tests of login throttling (core/xf_throttle.h), with time driven by the test:
 * the free failures, the doubling wait and its cap, clearing on success, the window
 * after which counting starts afresh, independent keys, reuse of the oldest unlocked
 * entry in a full table, locks that a flood of other keys cannot push out (the table
 * grows, and at its largest makes newcomers wait), and failures counted from several
 * threads at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_throttle.h"
#include "util/xf_util.h"

/* The policy of most tests: 3 free failures in 10 s, then 100 ms doubling to 800 ms. */
enum { FREE = 3, WINDOW = 10000, BASE = 100, MAX = 800 };

static xf_throttle *new_table(size_t size)
{
	xf_throttle *t = xf_calloc(1, sizeof *t);
	xf_throttle_init(t, size, FREE, WINDOW, BASE, MAX);
	return t;
}

static int teardown(void **state)
{
	xf_throttle *t = *state;
	if (t) {
		xf_throttle_free(t);
		free(t);
	}
	return 0;
}

static void test_unknown_key_may_try(void **state)
{
	xf_throttle *t = *state = new_table(64);
	assert_int_equal(xf_throttle_wait(t, "nobody", 0), 0);
	assert_int_equal(xf_throttle_wait(t, "", 12345), 0);
}

static void test_free_failures_then_doubling_to_the_cap(void **state)
{
	xf_throttle *t = *state = new_table(64);
	int64_t now = 1000000;
	for (int i = 0; i < FREE; i++) {
		xf_throttle_fail(t, "zhang", now);
		assert_int_equal(xf_throttle_wait(t, "zhang", now), 0);
	}

	/* The 4th failure costs BASE, counted from that failure. */
	xf_throttle_fail(t, "zhang", now);
	assert_int_equal(xf_throttle_wait(t, "zhang", now), BASE);
	assert_int_equal(xf_throttle_wait(t, "zhang", now + 40), BASE - 40);
	assert_int_equal(xf_throttle_wait(t, "zhang", now + BASE), 0);
	assert_int_equal(xf_throttle_wait(t, "zhang", now + BASE + 1), 0);

	/* Each further failure doubles the wait until the cap. */
	static const int64_t waits[] = {2 * BASE, 4 * BASE, MAX, MAX, MAX};
	for (size_t i = 0; i < XF_ARRAY_LEN(waits); i++) {
		now += 1000;
		xf_throttle_fail(t, "zhang", now);
		if (xf_throttle_wait(t, "zhang", now) != waits[i])
			fail_msg("failure %zu: wait %lld, expected %lld", FREE + 2 + i,
			         (long long)xf_throttle_wait(t, "zhang", now), (long long)waits[i]);
		assert_int_equal(xf_throttle_wait(t, "zhang", now + waits[i] - 1), 1);
		assert_int_equal(xf_throttle_wait(t, "zhang", now + waits[i]), 0);
	}

	/* Many failures do not overflow the wait. */
	for (int i = 0; i < 200; i++)
		xf_throttle_fail(t, "zhang", now);
	assert_int_equal(xf_throttle_wait(t, "zhang", now), MAX);
}

static void test_clear_resets(void **state)
{
	xf_throttle *t = *state = new_table(64);
	for (int i = 0; i < FREE + 3; i++)
		xf_throttle_fail(t, "li", 500);
	assert_true(xf_throttle_wait(t, "li", 500) > 0);
	xf_throttle_clear(t, "li");
	assert_int_equal(xf_throttle_wait(t, "li", 500), 0);

	/* After clearing, the free failures are free again. */
	for (int i = 0; i < FREE; i++)
		xf_throttle_fail(t, "li", 600);
	assert_int_equal(xf_throttle_wait(t, "li", 600), 0);
	xf_throttle_fail(t, "li", 600);
	assert_int_equal(xf_throttle_wait(t, "li", 600), BASE);

	/* clearing an unknown key is harmless */
	xf_throttle_clear(t, "nobody");
	assert_int_equal(xf_throttle_wait(t, "li", 600), BASE);
}

static void test_window_expiry(void **state)
{
	xf_throttle *t = *state = new_table(64);
	/* FREE failures, then a quiet period longer than the window: the count restarts,
	 * so FREE more failures are free. */
	for (int i = 0; i < FREE; i++)
		xf_throttle_fail(t, "wang", 0);
	int64_t later = WINDOW + MAX + 1;
	for (int i = 0; i < FREE; i++) {
		xf_throttle_fail(t, "wang", later);
		assert_int_equal(xf_throttle_wait(t, "wang", later), 0);
	}
	xf_throttle_fail(t, "wang", later);
	assert_int_equal(xf_throttle_wait(t, "wang", later), BASE);

	/* A throttled key is free again once the window has passed. */
	for (int i = 0; i < 5; i++)
		xf_throttle_fail(t, "zhao", 0);
	assert_true(xf_throttle_wait(t, "zhao", 0) > 0);
	assert_int_equal(xf_throttle_wait(t, "zhao", WINDOW + MAX + 1), 0);

	/* Failures spread inside the window all count. */
	for (int i = 0; i <= FREE; i++)
		xf_throttle_fail(t, "sun", 100000 + i * (WINDOW / (FREE + 2)));
	assert_true(xf_throttle_wait(t, "sun", 100000 + FREE * (WINDOW / (FREE + 2))) > 0);
}

static void test_keys_are_independent(void **state)
{
	/* roomy, so that no key here is evicted by its neighbours */
	xf_throttle *t = *state = new_table(1024);
	for (int i = 0; i < FREE + 2; i++)
		xf_throttle_fail(t, "zhang", 0);
	assert_int_equal(xf_throttle_wait(t, "zhang", 0), 2 * BASE);
	assert_int_equal(xf_throttle_wait(t, "li", 0), 0);
	assert_int_equal(xf_throttle_wait(t, "zhan", 0), 0);
	assert_int_equal(xf_throttle_wait(t, "zhangg", 0), 0);
	assert_int_equal(xf_throttle_wait(t, "Zhang", 0), 0);
	xf_throttle_fail(t, "li", 0);
	assert_int_equal(xf_throttle_wait(t, "li", 0), 0);
	xf_throttle_clear(t, "li");
	assert_int_equal(xf_throttle_wait(t, "zhang", 0), 2 * BASE);

	/* many keys, each counted on its own */
	char key[32];
	for (int k = 0; k < 40; k++) {
		snprintf(key, sizeof key, "10.0.0.%d", k);
		for (int i = 0; i <= FREE + k % 3; i++)
			xf_throttle_fail(t, key, 1000);
	}
	for (int k = 0; k < 40; k++) {
		snprintf(key, sizeof key, "10.0.0.%d", k);
		assert_int_equal(xf_throttle_wait(t, key, 1000), BASE << (k % 3));
	}
}

static void test_full_table_reuses_oldest_unlocked(void **state)
{
	xf_throttle *t = *state = new_table(4);
	char key[16];
	/* k0..k3 fill the table, each with one (free) failure; k0 failed longest ago. */
	for (int k = 0; k < 4; k++) {
		snprintf(key, sizeof key, "k%d", k);
		xf_throttle_fail(t, key, 10 + k);
	}
	/* A fifth key takes the entry of k0, whose free failure is forgotten: nothing is
	 * lost but a failure that cost its key nothing. */
	xf_throttle_fail(t, "k4", 20);
	assert_int_equal(t->size, 4);
	for (int i = 1; i <= FREE; i++)
		xf_throttle_fail(t, "k4", 20);
	assert_int_equal(xf_throttle_wait(t, "k4", 20), BASE);
	/* k0 starts again from nothing: FREE failures are free. */
	for (int i = 0; i < FREE; i++)
		xf_throttle_fail(t, "k0", 21);
	assert_int_equal(xf_throttle_wait(t, "k0", 21), 0);

	/* A cleared entry is free and is reused before any live one. */
	xf_throttle_clear(t, "k0");
	xf_throttle_fail(t, "k5", 22);
	assert_int_equal(xf_throttle_wait(t, "k4", 22), BASE - 2);
	assert_int_equal(t->size, 4);
}

/* A locked entry (its key beyond its free failures and still inside its window or
 * still waiting) is never reused for another key: the table grows instead. */
static void test_full_table_keeps_locked_entries(void **state)
{
	xf_throttle *t = *state = new_table(4);
	char key[16];
	/* k0..k3 fill the table, each locked; k0 failed longest ago. */
	for (int k = 0; k < 4; k++) {
		snprintf(key, sizeof key, "k%d", k);
		for (int i = 0; i <= FREE; i++)
			xf_throttle_fail(t, key, 10 + k);
	}
	xf_throttle_fail(t, "k4", 20);
	for (int k = 0; k < 4; k++) {
		snprintf(key, sizeof key, "k%d", k);
		assert_int_equal(xf_throttle_wait(t, key, 20), 10 + k + BASE - 20);
	}
	/* k4 starts from one failure */
	for (int i = 1; i < FREE; i++)
		xf_throttle_fail(t, "k4", 20);
	assert_int_equal(xf_throttle_wait(t, "k4", 20), 0);
	xf_throttle_fail(t, "k4", 20);
	assert_int_equal(xf_throttle_wait(t, "k4", 20), BASE);
}

static void test_one_entry_table(void **state)
{
	xf_throttle *t = *state = new_table(1);
	/* an unlocked entry gives way */
	xf_throttle_fail(t, "a", 0);
	xf_throttle_fail(t, "b", 1);
	assert_int_equal(t->size, 1);
	for (int i = 0; i < FREE; i++)
		xf_throttle_fail(t, "a", 2);
	assert_int_equal(xf_throttle_wait(t, "a", 2), 0);
	/* a locked one does not */
	xf_throttle_fail(t, "a", 2);
	assert_int_equal(xf_throttle_wait(t, "a", 2), BASE);
	xf_throttle_fail(t, "c", 3);
	assert_int_equal(xf_throttle_wait(t, "a", 3), BASE - 1);
	assert_int_equal(xf_throttle_wait(t, "c", 3), 0);
}

/* The attack of issue 7: an account is locked after guessing; the attacker then fails
 * logins under thousands of other usernames, so that some land in the victim's slots
 * and push its entry out, and guesses again for free. The victim's lock must hold. */
static void test_flood_of_other_keys_does_not_lift_a_lock(void **state)
{
	/* the size and policy of the account table in api/session.c */
	enum { SIZE = 4096, AFREE = 5, AWINDOW = 15 * 60 * 1000, ABASE = 30 * 1000 };
	xf_throttle *t = *state = xf_calloc(1, sizeof *t);
	xf_throttle_init(t, SIZE, AFREE, AWINDOW, ABASE, AWINDOW);
	int64_t now = 1000000;
	for (int i = 0; i <= AFREE; i++)
		xf_throttle_fail(t, "zhangsan", now);
	assert_int_equal(xf_throttle_wait(t, "zhangsan", now), ABASE);

	/* 20,000 other usernames, one failure each (free for them), all later */
	char key[32];
	for (int k = 0; k < 20000; k++) {
		snprintf(key, sizeof key, "flood%d", k);
		xf_throttle_fail(t, key, now + 1 + k / 1000);
	}
	int64_t later = now + 25;
	if (xf_throttle_wait(t, "zhangsan", later) != ABASE - 25)
		fail_msg("the flood lifted the lock: wait %lld, expected %d",
		         (long long)xf_throttle_wait(t, "zhangsan", later), ABASE - 25);
	/* one more guess doubles the wait: the count was kept */
	xf_throttle_fail(t, "zhangsan", later);
	assert_int_equal(xf_throttle_wait(t, "zhangsan", later), 2 * ABASE);

	/* The same with usernames the attacker locks too (AFREE + 1 failures each): the
	 * table grows rather than drop a lock. */
	for (int k = 0; k < 6000; k++) {
		snprintf(key, sizeof key, "locked%d", k);
		for (int i = 0; i <= AFREE; i++)
			xf_throttle_fail(t, key, later + 1);
	}
	assert_int_equal(xf_throttle_wait(t, "zhangsan", later + 1), 2 * ABASE - 1);
	for (int k = 0; k < 6000; k++) {
		snprintf(key, sizeof key, "locked%d", k);
		assert_int_equal(xf_throttle_wait(t, key, later + 1), ABASE);
	}

	/* Once those locks have run out and their window has passed, their entries are
	 * reused: the table does not grow without end. */
	size_t grown = t->size;
	int64_t much_later = later + 2 * AWINDOW + 1;
	for (int k = 0; k < 6000; k++) {
		snprintf(key, sizeof key, "again%d", k);
		for (int i = 0; i <= AFREE; i++)
			xf_throttle_fail(t, key, much_later);
	}
	assert_int_equal(t->size, grown);
}

/* Past the largest size the table may reach, a key whose slots all hold locks cannot
 * be counted; it is made to wait (base_wait_ms) rather than let a lock go. */
static void test_full_table_at_its_largest_fails_closed(void **state)
{
	xf_throttle *t = *state = new_table(1);
	char key[16];
	for (int k = 0; k < 2 * XF_THROTTLE_GROWTH; k++) {
		snprintf(key, sizeof key, "k%d", k);
		for (int i = 0; i <= FREE; i++)
			xf_throttle_fail(t, key, 0);
	}
	assert_int_equal(t->size, XF_THROTTLE_GROWTH);
	/* every key waits, whether it was counted or refused: no lock was given up */
	for (int k = 0; k < 2 * XF_THROTTLE_GROWTH; k++) {
		snprintf(key, sizeof key, "k%d", k);
		assert_int_equal(xf_throttle_wait(t, key, 0), BASE);
	}
	/* a key never seen waits too while its slots all hold locks */
	assert_int_equal(xf_throttle_wait(t, "newcomer", 0), BASE);
	/* once the locks have lapsed, it may try, and is counted */
	int64_t later = WINDOW + MAX + 1;
	assert_int_equal(xf_throttle_wait(t, "newcomer", later), 0);
	for (int i = 0; i <= FREE; i++)
		xf_throttle_fail(t, "newcomer", later);
	assert_int_equal(xf_throttle_wait(t, "newcomer", later), BASE);
}

/* Keys as long as the handlers pass (a username of up to 64 characters, copied into
 * an 80-byte buffer) must be throttled like short ones. */
static void test_long_keys_are_throttled(void **state)
{
	/* An entry keeps only the first 71 bytes of its key; a longer key must still be
	 * found again and throttled. */
	xf_throttle *t = *state = new_table(64);
	char key[80];
	memset(key, 'u', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	for (int i = 0; i <= FREE; i++)
		xf_throttle_fail(t, key, 0);
	if (xf_throttle_wait(t, key, 0) != BASE)
		fail_msg("a key of %zu bytes is not throttled: wait %lld, expected %d", strlen(key),
		         (long long)xf_throttle_wait(t, key, 0), BASE);
}

/* ---- threads ---- */

enum { THREADS = 4, FAILS_PER_THREAD = 500 };

static void *fail_many(void *arg)
{
	xf_throttle *t = arg;
	for (int i = 0; i < FAILS_PER_THREAD; i++)
		xf_throttle_fail(t, "shared", 0);
	return NULL;
}

static void test_concurrent_failures_all_count(void **state)
{
	xf_throttle *t = *state = xf_calloc(1, sizeof *t);
	/* no free failures beyond the total, so the count decides the wait */
	xf_throttle_init(t, 64, THREADS * FAILS_PER_THREAD - 1, 1000000, 100, 1000000);
	pthread_t threads[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&threads[i], NULL, fail_many, t), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(threads[i], NULL);
	/* exactly one failure over the free ones: a lost update would leave it at 0 */
	assert_int_equal(xf_throttle_wait(t, "shared", 0), 100);
}

/* The policy alone, as api/session.c applies it to counts kept in the database. */
static void test_policy_of_counts_kept_elsewhere(void **state)
{
	xf_throttle *t = *state = new_table(1);
	int64_t now = 1000000;
	assert_int_equal(xf_throttle_wait_of(t, FREE, now, now, now), 0);
	assert_int_equal(xf_throttle_wait_of(t, FREE + 1, now, now, now), BASE);
	assert_int_equal(xf_throttle_wait_of(t, FREE + 2, now, now, now + 50), 2 * BASE - 50);
	assert_int_equal(xf_throttle_wait_of(t, FREE + 100, now, now, now), MAX);
	/* window and longest wait past: nothing to wait, and the count starts afresh */
	int64_t later = now + WINDOW + MAX + 1;
	assert_int_equal(xf_throttle_wait_of(t, FREE + 100, now, now, later), 0);
	assert_true(xf_throttle_lapsed(t, now, 0, later));
	assert_false(xf_throttle_lapsed(t, now, 0, now + WINDOW));
	assert_false(xf_throttle_lapsed(t, now, BASE, later));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_unknown_key_may_try, teardown),
	    cmocka_unit_test_teardown(test_free_failures_then_doubling_to_the_cap, teardown),
	    cmocka_unit_test_teardown(test_clear_resets, teardown),
	    cmocka_unit_test_teardown(test_window_expiry, teardown),
	    cmocka_unit_test_teardown(test_keys_are_independent, teardown),
	    cmocka_unit_test_teardown(test_full_table_reuses_oldest_unlocked, teardown),
	    cmocka_unit_test_teardown(test_full_table_keeps_locked_entries, teardown),
	    cmocka_unit_test_teardown(test_one_entry_table, teardown),
	    cmocka_unit_test_teardown(test_flood_of_other_keys_does_not_lift_a_lock, teardown),
	    cmocka_unit_test_teardown(test_full_table_at_its_largest_fails_closed, teardown),
	    cmocka_unit_test_teardown(test_long_keys_are_throttled, teardown),
	    cmocka_unit_test_teardown(test_concurrent_failures_all_count, teardown),
	    cmocka_unit_test_teardown(test_policy_of_counts_kept_elsewhere, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
