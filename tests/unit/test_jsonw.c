/* Unit tests of the JSON text writer (util/xf_jsonw.h): what it writes must parse
 * back, with jansson, to the values given, whatever the characters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "util/xf_jsonw.h"

static void round_trip(const char *text)
{
	xf_buf b = XF_BUF_INIT;
	xf_buf_puts(&b, "{");
	xf_jw_key(&b, "k\"ey");
	xf_jw_string(&b, text);
	xf_buf_puts(&b, "}");
	json_error_t err;
	json_t *v = json_loads(b.data, 0, &err);
	if (!v)
		fail_msg("'%s' does not parse: %s", b.data, err.text);
	assert_string_equal(json_string_value(json_object_get(v, "k\"ey")), text);
	json_decref(v);
	xf_buf_release(&b);
}

static void test_strings(void **state)
{
	round_trip("");
	round_trip("井下工资拖欠三个月");
	round_trip("quote \" backslash \\ slash /");
	round_trip("line\nfeed\rreturn\ttab\x01\x1f end");
	round_trip("“中文引号”与 emoji 😀");
}

static void test_values(void **state)
{
	xf_buf b = XF_BUF_INIT;
	xf_buf_puts(&b, "[");
	xf_jw_int(&b, -9007199254740993LL);
	xf_buf_puts(&b, ",");
	xf_jw_time(&b, 0);
	xf_buf_puts(&b, ",");
	xf_jw_time(&b, 1798734600123LL);
	xf_buf_puts(&b, ",");
	xf_jw_string(&b, NULL);
	xf_buf_puts(&b, "]");
	assert_string_equal(b.data, "[-9007199254740993,null,\"2026-12-31T16:30:00.123Z\",null]");
	xf_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
