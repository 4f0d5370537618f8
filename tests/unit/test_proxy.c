/* Unit tests of trusted proxies and X-Forwarded-For (util/xf_proxy.h): parsing the
 * XINFANG_TRUSTED_PROXIES list (addresses, networks, malformed items) and the client
 * address of a request: no header, one address, a chain through trusted hops, forged
 * leftmost entries ignored, garbage, IPv6, and a peer that is not trusted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/xf_proxy.h"

static xf_proxy_list list_of(const char *text)
{
	xf_proxy_list l;
	char bad[64];
	assert_int_equal(xf_proxy_list_parse(text, &l, bad, sizeof bad), 0);
	return l;
}

/* The client for peer and header with the given list. */
static const char *client(const char *trusted, const char *peer, const char *xff)
{
	static char out[64];
	xf_proxy_list l = list_of(trusted);
	xf_proxy_client(&l, peer, xff, out, sizeof out);
	xf_proxy_list_free(&l);
	return out;
}

static void test_list_parse(void **state)
{
	(void)state;
	xf_proxy_list l = list_of(NULL);
	assert_int_equal(l.n, 0);
	l = list_of("  ");
	assert_int_equal(l.n, 0);
	l = list_of("127.0.0.1, ::1 ,10.1.0.0/16,fd00::/8");
	assert_int_equal(l.n, 4);
	assert_true(xf_proxy_trusted(&l, "127.0.0.1"));
	assert_true(xf_proxy_trusted(&l, "::1"));
	assert_true(xf_proxy_trusted(&l, "10.1.200.3"));
	assert_false(xf_proxy_trusted(&l, "10.2.0.1"));
	assert_true(xf_proxy_trusted(&l, "fd12::5"));
	assert_true(xf_proxy_trusted(&l, "::ffff:127.0.0.1")); /* mapped IPv4 is IPv4 */
	assert_false(xf_proxy_trusted(&l, "127.0.0.2"));
	xf_proxy_list_free(&l);

	const char *bad_lists[] = {"127.0.0.1, nginx ", "127.0.0.1,", "1.2.3.4/33",
	                           "1.2.3.4/",          "::1/129",    "1.2.3.4:80"};
	const char *bad_items[] = {"nginx", "", "1.2.3.4/33", "1.2.3.4/", "::1/129", "1.2.3.4:80"};
	for (size_t i = 0; i < sizeof bad_lists / sizeof *bad_lists; i++) {
		char bad[64];
		assert_int_equal(xf_proxy_list_parse(bad_lists[i], &l, bad, sizeof bad), -1);
		assert_string_equal(bad, bad_items[i]);
		assert_int_equal(l.n, 0);
	}
}

static void test_no_header(void **state)
{
	(void)state;
	assert_string_equal(client("127.0.0.1", "127.0.0.1", NULL), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", "127.0.0.1", ""), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", "127.0.0.1", " "), "127.0.0.1");
}

static void test_one_address(void **state)
{
	(void)state;
	assert_string_equal(client("127.0.0.1", "127.0.0.1", "10.0.0.1"), "10.0.0.1");
	assert_string_equal(client("127.0.0.1", "127.0.0.1", " 10.0.0.1 "), "10.0.0.1");
}

static void test_chain_with_trusted_hops(void **state)
{
	(void)state;
	/* client → 10.9.0.5 (a second proxy) → 127.0.0.1 (nginx) */
	assert_string_equal(client("127.0.0.1,10.9.0.5", "127.0.0.1", "10.0.0.1, 10.9.0.5"),
	                    "10.0.0.1");
	assert_string_equal(client("127.0.0.1,10.9.0.0/16", "127.0.0.1", "10.0.0.1,10.9.0.5"),
	                    "10.0.0.1");
	/* every entry trusted: the leftmost */
	assert_string_equal(client("127.0.0.1,10.9.0.5", "127.0.0.1", "10.9.0.5"), "10.9.0.5");
	/* several headers are joined by the server; the rightmost untrusted still wins */
	assert_string_equal(client("127.0.0.1", "127.0.0.1", "1.1.1.1,10.0.0.1"), "10.0.0.1");
}

static void test_forged_leftmost_ignored(void **state)
{
	(void)state;
	/* the client forged the left entries; nginx appended 10.0.0.1 */
	assert_string_equal(client("127.0.0.1", "127.0.0.1", "6.6.6.6, 10.0.0.1"), "10.0.0.1");
	assert_string_equal(client("127.0.0.1", "127.0.0.1", "garbage, 10.0.0.1"), "10.0.0.1");
	/* a forged trusted address on the left does not help either */
	assert_string_equal(client("127.0.0.1", "127.0.0.1", "127.0.0.1, 10.0.0.1"), "10.0.0.1");
}

static void test_garbage(void **state)
{
	(void)state;
	const char *headers[] = {
	    "garbage",         "10.0.0.1,",  "10.0.0.1:5000", ",",
	    "10.0.0.1, [::1]", "10.0.0.999", "unknown",       "10.0.0.1, 127.0.0.1, x"};
	for (size_t i = 0; i < sizeof headers / sizeof *headers; i++)
		assert_string_equal(client("127.0.0.1", "127.0.0.1", headers[i]), "127.0.0.1");
	char long_item[200];
	memset(long_item, '1', sizeof long_item - 1);
	long_item[sizeof long_item - 1] = '\0';
	assert_string_equal(client("127.0.0.1", "127.0.0.1", long_item), "127.0.0.1");
}

static void test_ipv6(void **state)
{
	(void)state;
	assert_string_equal(client("127.0.0.1", "127.0.0.1", "2001:DB8:0:0::1"), "2001:db8::1");
	assert_string_equal(client("::1", "::1", "10.0.0.1"), "10.0.0.1");
	assert_string_equal(client("fd00::/8", "fd00::7", "2001:db8::2, fd00::3"), "2001:db8::2");
	assert_string_equal(client("127.0.0.1", "::ffff:127.0.0.1", "10.0.0.1"), "10.0.0.1");
}

static void test_peer_not_trusted(void **state)
{
	(void)state;
	assert_string_equal(client("127.0.0.1", "10.0.0.50", "10.0.0.1"), "10.0.0.50");
	assert_string_equal(client("", "127.0.0.1", "10.0.0.1"), "127.0.0.1");
	assert_string_equal(client("127.0.0.1", "unknown", "10.0.0.1"), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_list_parse),
	    cmocka_unit_test(test_no_header),
	    cmocka_unit_test(test_one_address),
	    cmocka_unit_test(test_chain_with_trusted_hops),
	    cmocka_unit_test(test_forged_leftmost_ignored),
	    cmocka_unit_test(test_garbage),
	    cmocka_unit_test(test_ipv6),
	    cmocka_unit_test(test_peer_not_trusted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
