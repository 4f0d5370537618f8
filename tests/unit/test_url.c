/* Unit tests of request-target parsing and route matching (http/xf_url.h): percent
 * decoding of the path, the query string ('+' as space, escapes, empty values, the
 * first of repeated keys), every kind of target the parser must refuse (dot segments
 * also when encoded, encoded NUL and control bytes, backslashes, bad escapes, too many
 * parameters), and matching of decoded paths against "{name}" patterns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/xf_url.h"

static int setup(void **state)
{
	xf_arena *a = xf_calloc(1, sizeof *a);
	xf_arena_init(a);
	*state = a;
	return 0;
}

static int teardown(void **state)
{
	xf_arena *a = *state;
	xf_arena_release(a);
	free(a);
	return 0;
}

static void parse_ok(xf_arena *a, const char *raw, xf_url *url)
{
	const char *error = NULL;
	if (xf_url_parse(a, raw, url, &error) != XF_OK)
		fail_msg("'%s' refused: %s", raw, error ? error : "(no message)");
}

static void assert_refused(xf_arena *a, const char *raw, const char *message_part)
{
	xf_url url;
	const char *error = NULL;
	if (xf_url_parse(a, raw, &url, &error) == XF_OK)
		fail_msg("'%s' accepted as path '%s'", raw, url.path);
	assert_non_null(error);
	if (!strstr(error, message_part))
		fail_msg("'%s' refused with '%s', expected a message about '%s'", raw, error,
		         message_part);
}

/* ---- paths ---- */

static void test_plain_path(void **state)
{
	xf_url url;
	parse_ok(*state, "/api/v1/users", &url);
	assert_string_equal(url.path, "/api/v1/users");
	assert_int_equal(url.n_query, 0);
	assert_null(xf_url_query(&url, "a"));

	parse_ok(*state, "/", &url);
	assert_string_equal(url.path, "/");

	/* dots inside names are not dot segments; empty segments are kept */
	parse_ok(*state, "/a/.b/..c/.../file.txt", &url);
	assert_string_equal(url.path, "/a/.b/..c/.../file.txt");
	parse_ok(*state, "//a//b/", &url);
	assert_string_equal(url.path, "//a//b/");
}

static void test_path_decoding(void **state)
{
	xf_url url;
	parse_ok(*state, "/units/%E4%BF%A1%E8%AE%BF%e5%8a%9e/a%20b+c", &url);
	/* '+' is only a space in the query */
	assert_string_equal(url.path, "/units/信访办/a b+c");

	/* an encoded slash decodes to a slash; the decoded path is what routes see */
	parse_ok(*state, "/a%2Fb", &url);
	assert_string_equal(url.path, "/a/b");

	parse_ok(*state, "/%25zz", &url);
	assert_string_equal(url.path, "/%zz");

	/* raw UTF-8 passes through */
	parse_ok(*state, "/信访", &url);
	assert_string_equal(url.path, "/信访");
}

static void test_fragment_is_dropped(void **state)
{
	xf_url url;
	parse_ok(*state, "/x#frag?notquery=1", &url);
	assert_string_equal(url.path, "/x");
	assert_int_equal(url.n_query, 0);
	parse_ok(*state, "/x?a=1#b=2", &url);
	assert_int_equal(url.n_query, 1);
	assert_string_equal(xf_url_query(&url, "a"), "1");
	assert_null(xf_url_query(&url, "b"));
}

/* ---- query strings ---- */

static void test_query(void **state)
{
	xf_url url;
	parse_ok(*state,
	         "/events?after=10&q=hello+world&name=%E4%BF%A1%26x&empty=&bare&after=99&"
	         "k%3Dx=v%3Dy&eq=a=b",
	         &url);
	assert_string_equal(url.path, "/events");
	assert_int_equal(url.n_query, 8);
	assert_string_equal(xf_url_query(&url, "after"), "10"); /* the first wins */
	assert_string_equal(xf_url_query(&url, "q"), "hello world");
	assert_string_equal(xf_url_query(&url, "name"), "信&x");
	assert_string_equal(xf_url_query(&url, "empty"), "");
	assert_string_equal(xf_url_query(&url, "bare"), "");
	assert_string_equal(xf_url_query(&url, "k=x"), "v=y");
	assert_string_equal(xf_url_query(&url, "eq"), "a=b");
	assert_null(xf_url_query(&url, "missing"));
	assert_null(xf_url_query(&url, "Q"));
	/* in order */
	assert_string_equal(url.query[0].key, "after");
	assert_string_equal(url.query[5].key, "after");
	assert_string_equal(url.query[5].value, "99");
}

static void test_query_edge_cases(void **state)
{
	xf_url url;
	parse_ok(*state, "/x?", &url);
	assert_string_equal(url.path, "/x");
	assert_int_equal(url.n_query, 0);

	parse_ok(*state, "/x?&&a=1&&", &url);
	assert_int_equal(url.n_query, 1);
	assert_string_equal(xf_url_query(&url, "a"), "1");

	parse_ok(*state, "/x?=v", &url);
	assert_int_equal(url.n_query, 1);
	assert_string_equal(xf_url_query(&url, ""), "v");

	parse_ok(*state, "/x?a=+%2B+", &url);
	assert_string_equal(xf_url_query(&url, "a"), " + ");

	/* a '?' inside the query is data */
	parse_ok(*state, "/x?a=b?c", &url);
	assert_string_equal(xf_url_query(&url, "a"), "b?c");

	/* a dot segment in a query value is only data */
	parse_ok(*state, "/x?next=/../admin", &url);
	assert_string_equal(xf_url_query(&url, "next"), "/../admin");
}

static void test_query_parameter_limit(void **state)
{
	char raw[1024];
	size_t n = (size_t)snprintf(raw, sizeof raw, "/x?");
	for (int i = 0; i < XF_URL_MAX_PARAMS; i++)
		n += (size_t)snprintf(raw + n, sizeof raw - n, "p%d=%d&", i, i);
	xf_url url;
	parse_ok(*state, raw, &url);
	assert_int_equal(url.n_query, XF_URL_MAX_PARAMS);
	assert_string_equal(xf_url_query(&url, "p31"), "31");

	snprintf(raw + n, sizeof raw - n, "one=more");
	assert_refused(*state, raw, "too many");
}

/* ---- refusals ---- */

static void test_refuses_targets_not_starting_with_slash(void **state)
{
	static const char *const raw[] = {"",  "x",    "api/v1", "http://example.com/",
	                                  "*", "?a=1", "%2Fx",   " /x"};
	for (size_t i = 0; i < XF_ARRAY_LEN(raw); i++)
		assert_refused(*state, raw[i], "start with '/'");
}

static void test_refuses_bad_escapes(void **state)
{
	static const char *const raw[] = {"/%zz", "/a%",      "/a%4",   "/a%4g",    "/%%41",
	                                  "/%-1", "/x?a=%zz", "/x?a=%", "/x?%g0=1", "/x?a=%2"};
	for (size_t i = 0; i < XF_ARRAY_LEN(raw); i++)
		assert_refused(*state, raw[i], "percent escape");
}

static void test_refuses_nul_and_control_bytes(void **state)
{
	static const char *const raw[] = {
	    "/a%00b", "/%00",   "/a%0ab",   "/a%0D%0Ab", "/a%1f",    "/a%7F",        "/a\tb",
	    "/a\x01", "/a\x7f", "/x?a=%00", "/x?a=%0a",  "/x?%00=1", "/x?a=\x1b[31m"};
	for (size_t i = 0; i < XF_ARRAY_LEN(raw); i++)
		assert_refused(*state, raw[i], "control character");
}

static void test_refuses_dot_segments(void **state)
{
	static const char *const raw[] = {
	    "/../x",    "/a/../b", "/a/..",       "/..",         "/.",      "/a/./b",
	    "/a/.",     "/./a",    "/%2e%2e/x",   "/%2E%2E/x",   "/.%2e/x", "/%2e./x",
	    "/a/%2e/b", "/a/%2e",  "/a%2f..%2fb", "/a%2F%2E%2E", "/..?a=1", "/..#x",
	};
	for (size_t i = 0; i < XF_ARRAY_LEN(raw); i++)
		assert_refused(*state, raw[i], "dot segment");
}

static void test_refuses_backslash(void **state)
{
	static const char *const raw[] = {"/a\\b", "/\\", "/a%5cb", "/a%5C..%5Cb"};
	for (size_t i = 0; i < XF_ARRAY_LEN(raw); i++)
		assert_refused(*state, raw[i], "backslash");
}

static void test_refuses_invalid_utf8(void **state)
{
	static const char *const raw[] = {"/%ff",        "/api/v1/%e4%b8", "/\xff",
	                                  "/a?q=%c0%af", "/a?q=%ed%a0%80", "/a?%f4%90%80%80=1",
	                                  "/\xe4\xb8"};
	for (size_t i = 0; i < XF_ARRAY_LEN(raw); i++)
		assert_refused(*state, raw[i], "UTF-8");
	xf_url url;
	const char *error;
	assert_int_equal(xf_url_parse(*state, "/a?ok=1&status=%ff", &url, &error), XF_ERR);
	assert_string_equal(url.bad_field, "status");
	parse_ok(*state, "/%e4%ba%95?q=%e4%ba%95%e4%b8%8b", &url);
	assert_string_equal(url.path, "/\xe4\xba\x95");
}

static void test_refuses_overlong_target(void **state)
{
	static char raw[XF_URL_MAX_LEN + 2];
	memset(raw, 'a', sizeof raw - 1);
	raw[0] = '/';
	raw[sizeof raw - 1] = '\0'; /* XF_URL_MAX_LEN + 1 bytes */
	assert_refused(*state, raw, "too long");
	raw[XF_URL_MAX_LEN] = '\0'; /* exactly the limit */
	xf_url url;
	parse_ok(*state, raw, &url);
	assert_int_equal(strlen(url.path), XF_URL_MAX_LEN);
}

/* ---- routes ---- */

static void test_route_literal(void **state)
{
	xf_route_params p;
	assert_true(xf_route_match(*state, "/audit", "/audit", &p));
	assert_int_equal(p.n, 0);
	assert_false(xf_route_match(*state, "/audit", "/audit/", &p));
	assert_false(xf_route_match(*state, "/audit", "/audi", &p));
	assert_false(xf_route_match(*state, "/audit", "/auditx", &p));
	assert_false(xf_route_match(*state, "/audit", "/Audit", &p));
	assert_false(xf_route_match(*state, "/audit", "", &p));
	assert_true(xf_route_match(*state, "/", "/", &p));
}

static void test_route_params(void **state)
{
	xf_route_params p;
	assert_true(xf_route_match(*state, "/users/{id}", "/users/42", &p));
	assert_int_equal(p.n, 1);
	assert_string_equal(p.p[0].name, "id");
	assert_string_equal(p.p[0].value, "42");

	assert_true(xf_route_match(*state, "/users/{id}/password", "/users/7/password", &p));
	assert_int_equal(p.n, 1);
	assert_string_equal(p.p[0].value, "7");

	/* a decoded value may be any non-empty segment; validation is the handler's */
	assert_true(xf_route_match(*state, "/users/{id}", "/users/信 访", &p));
	assert_string_equal(p.p[0].value, "信 访");

	assert_true(xf_route_match(*state, "/units/{unit}/users/{id}", "/units/3/users/9", &p));
	assert_int_equal(p.n, 2);
	assert_string_equal(p.p[0].name, "unit");
	assert_string_equal(p.p[0].value, "3");
	assert_string_equal(p.p[1].name, "id");
	assert_string_equal(p.p[1].value, "9");

	/* the captured value is a copy, not a pointer into the path */
	char path[] = "/users/55";
	assert_true(xf_route_match(*state, "/users/{id}", path, &p));
	path[7] = '6';
	assert_string_equal(p.p[0].value, "55");
}

static void test_route_mismatches(void **state)
{
	xf_route_params p;
	/* trailing slash */
	assert_false(xf_route_match(*state, "/users/{id}", "/users/42/", &p));
	assert_false(xf_route_match(*state, "/users/{id}/", "/users/42", &p));
	/* empty segment for a parameter */
	assert_false(xf_route_match(*state, "/users/{id}", "/users/", &p));
	assert_false(xf_route_match(*state, "/users/{id}", "/users", &p));
	assert_false(xf_route_match(*state, "/users/{id}/password", "/users//password", &p));
	/* extra or missing segments */
	assert_false(xf_route_match(*state, "/users/{id}", "/users/42/password", &p));
	assert_false(xf_route_match(*state, "/users/{id}/password", "/users/42", &p));
	assert_false(xf_route_match(*state, "/users/{id}/password", "/users/42/passwords", &p));
	assert_false(xf_route_match(*state, "/users/{id}", "/user/42", &p));
	/* more parameters than a route may have */
	assert_false(xf_route_match(*state, "/{a}/{b}/{c}/{d}/{e}", "/1/2/3/4/5", &p));
	assert_true(xf_route_match(*state, "/{a}/{b}/{c}/{d}", "/1/2/3/4", &p));
	assert_int_equal(p.n, 4);
	/* a malformed pattern matches nothing */
	assert_false(xf_route_match(*state, "/users/{id", "/users/42", &p));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_plain_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_path_decoding, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_fragment_is_dropped, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_query, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_query_edge_cases, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_query_parameter_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refuses_targets_not_starting_with_slash, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(test_refuses_bad_escapes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refuses_nul_and_control_bytes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refuses_dot_segments, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refuses_backslash, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refuses_invalid_utf8, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_refuses_overlong_target, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_route_literal, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_route_params, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_route_mismatches, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
