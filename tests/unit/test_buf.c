/* Unit tests of the growable buffer (util/xf_buf.h): appending and formatting, the
 * hard size cap that a request body relies on, the NUL-termination invariant, and the
 * ownership hand-over of detach. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/xf_buf.h"

/* The header's invariants, checked after every operation of these tests. */
static void assert_invariants(const xf_buf *b)
{
	if (b->data) {
		assert_true(b->len < b->cap);
		assert_int_equal(b->data[b->len], '\0');
	} else {
		assert_int_equal(b->len, 0);
	}
	if (b->max)
		assert_true(b->len <= b->max);
}

static void test_init_is_empty(void **state)
{
	xf_buf b = XF_BUF_INIT;
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_false(b.overflow);

	xf_buf_init(&b, 10);
	assert_null(b.data);
	assert_int_equal(b.max, 10);
	assert_invariants(&b);
	xf_buf_release(&b);
}

static void test_append_and_puts(void **state)
{
	xf_buf b;
	xf_buf_init(&b, 0);
	assert_int_equal(xf_buf_append(&b, "abc", 3), XF_OK);
	assert_invariants(&b);
	assert_int_equal(xf_buf_puts(&b, "def"), XF_OK);
	assert_invariants(&b);
	assert_int_equal(xf_buf_append(&b, "", 0), XF_OK);
	assert_invariants(&b);
	assert_int_equal(b.len, 6);
	assert_string_equal(b.data, "abcdef");

	/* Bytes, not strings: an embedded NUL is kept and counted. */
	assert_int_equal(xf_buf_append(&b, "x\0y", 3), XF_OK);
	assert_invariants(&b);
	assert_int_equal(b.len, 9);
	assert_memory_equal(b.data, "abcdefx\0y", 10);
	xf_buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

static void test_append_empty_to_empty_terminates(void **state)
{
	xf_buf b;
	xf_buf_init(&b, 0);
	assert_int_equal(xf_buf_append(&b, NULL, 0), XF_OK);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	assert_invariants(&b);
	xf_buf_release(&b);
}

static void test_growth_keeps_contents(void **state)
{
	xf_buf b;
	xf_buf_init(&b, 0);
	char expected[10001];
	for (int i = 0; i < 10000; i++) {
		char c = (char)('a' + i % 26);
		expected[i] = c;
		assert_int_equal(xf_buf_append(&b, &c, 1), XF_OK);
		assert_invariants(&b);
	}
	expected[10000] = '\0';
	assert_int_equal(b.len, 10000);
	assert_string_equal(b.data, expected);
	xf_buf_release(&b);
}

static void test_printf(void **state)
{
	xf_buf b;
	xf_buf_init(&b, 0);
	assert_int_equal(xf_buf_printf(&b, "%d-%s", 42, "信访"), XF_OK);
	assert_invariants(&b);
	assert_string_equal(b.data, "42-信访");
	assert_int_equal(b.len, strlen("42-信访"));
	assert_int_equal(xf_buf_printf(&b, "%s", ""), XF_OK);
	assert_int_equal(xf_buf_printf(&b, "|%05d|", 7), XF_OK);
	assert_invariants(&b);
	assert_string_equal(b.data, "42-信访|00007|");

	/* A long formatted string forces growth inside printf. */
	char big[3000];
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(xf_buf_printf(&b, "[%s]", big), XF_OK);
	assert_invariants(&b);
	assert_int_equal(b.len, strlen("42-信访|00007|") + 2 + 2999);
	assert_int_equal(b.data[b.len - 1], ']');
	xf_buf_release(&b);
}

static void test_cap_refuses_and_keeps_contents(void **state)
{
	xf_buf b;
	xf_buf_init(&b, 8);
	assert_int_equal(xf_buf_append(&b, "12345", 5), XF_OK);
	assert_false(b.overflow);

	/* 5 + 4 > 8: nothing is appended, the flag is set. */
	assert_int_equal(xf_buf_append(&b, "6789", 4), XF_ERR);
	assert_true(b.overflow);
	assert_int_equal(b.len, 5);
	assert_string_equal(b.data, "12345");
	assert_invariants(&b);

	/* Exactly up to max is allowed; the flag stays set until reset. */
	assert_int_equal(xf_buf_append(&b, "678", 3), XF_OK);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");
	assert_true(b.overflow);
	assert_invariants(&b);

	/* Full: even one byte is refused. */
	assert_int_equal(xf_buf_puts(&b, "9"), XF_ERR);
	assert_int_equal(b.len, 8);
	assert_string_equal(b.data, "12345678");

	/* printf past max is refused the same way. */
	xf_buf_reset(&b);
	assert_false(b.overflow);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_int_equal(xf_buf_printf(&b, "%s", "abc"), XF_OK);
	assert_int_equal(xf_buf_printf(&b, "%d", 123456), XF_ERR);
	assert_true(b.overflow);
	assert_string_equal(b.data, "abc");
	assert_int_equal(b.len, 3);
	assert_invariants(&b);

	/* A huge n must not wrap around the cap check. */
	assert_int_equal(xf_buf_append(&b, "x", SIZE_MAX), XF_ERR);
	assert_int_equal(xf_buf_append(&b, "x", SIZE_MAX - 1), XF_ERR);
	assert_string_equal(b.data, "abc");
	xf_buf_release(&b);
}

static void test_cap_on_first_append(void **state)
{
	xf_buf b;
	xf_buf_init(&b, 4);
	assert_int_equal(xf_buf_append(&b, "hello", 5), XF_ERR);
	assert_true(b.overflow);
	assert_int_equal(b.len, 0);
	assert_invariants(&b);
	xf_buf_release(&b);
	/* release keeps the cap, so a reused buffer is still capped */
	assert_int_equal(b.max, 4);
	assert_false(b.overflow);
	assert_int_equal(xf_buf_append(&b, "hello", 5), XF_ERR);
	xf_buf_release(&b);
}

static void test_reset_keeps_memory(void **state)
{
	xf_buf b;
	xf_buf_init(&b, 0);
	xf_buf_puts(&b, "some text");
	char *data = b.data;
	size_t cap = b.cap;
	xf_buf_reset(&b);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	assert_int_equal(b.len, 0);
	assert_string_equal(b.data, "");
	assert_invariants(&b);
	xf_buf_puts(&b, "again");
	assert_string_equal(b.data, "again");
	xf_buf_release(&b);

	/* reset of a never-used buffer is harmless */
	xf_buf_reset(&b);
	assert_null(b.data);
}

static void test_detach_hands_ownership(void **state)
{
	xf_buf b;
	xf_buf_init(&b, 100);
	xf_buf_puts(&b, "petition");
	size_t len = 0;
	char *s = xf_buf_detach(&b, &len);
	assert_int_equal(len, 8);
	assert_string_equal(s, "petition");
	/* the buffer is empty again, keeps its cap and can be reused */
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_int_equal(b.max, 100);
	xf_buf_puts(&b, "next");
	assert_string_equal(b.data, "next");
	assert_string_equal(s, "petition"); /* not shared with the buffer */
	free(s);
	xf_buf_release(&b);

	/* detaching an empty buffer still gives a string the caller frees */
	xf_buf_init(&b, 0);
	s = xf_buf_detach(&b, &len);
	assert_non_null(s);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s);

	/* len_out may be NULL */
	xf_buf_puts(&b, "x");
	s = xf_buf_detach(&b, NULL);
	assert_string_equal(s, "x");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_init_is_empty),
	    cmocka_unit_test(test_append_and_puts),
	    cmocka_unit_test(test_append_empty_to_empty_terminates),
	    cmocka_unit_test(test_growth_keeps_contents),
	    cmocka_unit_test(test_printf),
	    cmocka_unit_test(test_cap_refuses_and_keeps_contents),
	    cmocka_unit_test(test_cap_on_first_append),
	    cmocka_unit_test(test_reset_keeps_memory),
	    cmocka_unit_test(test_detach_hands_ownership),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
