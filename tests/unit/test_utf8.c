/* Unit tests of the UTF-8 checks (util/xf_utf8.h): what is valid (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), and cleaning in place, which
 * must leave valid text unchanged, mark stray bytes and drop a character cut short at
 * the end, as a truncating snprintf leaves it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/xf_utf8.h"

static void test_valid(void **state)
{
	static const char *const good[] = {"",
	                                   "abc",
	                                   "井下",
	                                   "\xc2\x80",
	                                   "\xed\x9f\xbf",
	                                   "\xf0\x90\x80\x80",
	                                   "\xf4\x8f\xbf\xbf",
	                                   "a\xe4\xba\x95z"};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		assert_true(xf_utf8_valid(good[i], strlen(good[i])));
	static const char *const bad[] = {
	    "\xff",         "\x80",         "\xc0\xaf",         "\xc1\xbf",
	    "\xe0\x80\xaf", "\xed\xa0\x80", "\xf0\x80\x80\x80", "\xf4\x90\x80\x80",
	    "\xe4\xb8",     "a\xe4",        "\xf5\x80\x80\x80"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_false(xf_utf8_valid(bad[i], strlen(bad[i])));
	assert_true(xf_utf8_valid("a\0b", 3)); /* NUL is a character; callers refuse it */
}

static void clean(const char *in, const char *want)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s", in);
	xf_utf8_clean(buf);
	assert_string_equal(buf, want);
	assert_true(xf_utf8_valid(buf, strlen(buf)));
}

static void test_clean(void **state)
{
	clean("井下作业", "井下作业");
	clean("a\xff"
	      "b",
	      "a?b");
	clean("\xc0\xaf", "??");
	clean("井\xe4\xb8", "井"); /* cut short at the end: dropped */
	clean("井\xe4", "井");
	clean("\xe4\xb8x", "??x");    /* cut short in the middle: marked */
	clean("\xed\xa0\x80", "???"); /* a surrogate */
}

static void test_clean_after_truncation(void **state)
{
	char buf[8];
	const char *text = "井井井";
	memcpy(buf, text, 7); /* 9 bytes into 8, as snprintf cuts: the last character cut */
	buf[7] = '\0';
	xf_utf8_clean(buf);
	assert_string_equal(buf, "井井");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid),
	    cmocka_unit_test(test_clean),
	    cmocka_unit_test(test_clean_after_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
