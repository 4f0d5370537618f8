/* Unit tests of the incremental multipart/form-data parser (http/xf_multipart.h): the
 * boundary from Content-Type, parts with their names, file names (also RFC 5987
 * filename*) and types, data that holds near-delimiters, the same body fed split at
 * every point and byte by byte, and the malformed bodies it must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/xf_multipart.h"

typedef struct collected {
	int n_parts, n_ends;
	char names[8][128], filenames[8][512], types[8][128];
	char data[8][512];
	size_t len[8];
	int refuse_at; /* part_data refuses once this many bytes of part 0 arrived; 0: never */
} collected;

static int on_begin(void *ctx, const xf_multipart_part *p)
{
	collected *c = ctx;
	if (c->n_parts >= 8) { /* counted, not kept */
		c->n_parts++;
		return 0;
	}
	strcpy(c->names[c->n_parts], p->name);
	strcpy(c->filenames[c->n_parts], p->filename);
	strcpy(c->types[c->n_parts], p->content_type);
	c->len[c->n_parts] = 0;
	c->n_parts++;
	return 0;
}

static int on_data(void *ctx, const char *data, size_t len)
{
	collected *c = ctx;
	int k = c->n_parts - 1;
	assert_true(len > 0);
	if (k >= 8)
		return 0;
	assert_true(c->len[k] + len < sizeof c->data[k]);
	memcpy(c->data[k] + c->len[k], data, len);
	c->len[k] += len;
	if (c->refuse_at && c->len[0] >= (size_t)c->refuse_at)
		return -1;
	return 0;
}

static int on_end(void *ctx)
{
	((collected *)ctx)->n_ends++;
	return 0;
}

static const xf_multipart_callbacks callbacks = {on_begin, on_data, on_end};

/* Parses body fed in the pieces given by cuts (ascending offsets, 0-terminated). */
static int parse_cut(const char *boundary, const char *body, size_t len, const size_t *cuts,
                     collected *c, char *error)
{
	xf_multipart mp;
	memset(c, 0, sizeof *c);
	xf_multipart_init(&mp, boundary, &callbacks, c);
	size_t at = 0;
	int rc = 0;
	for (size_t i = 0; cuts && cuts[i] && rc == 0; i++) {
		rc = xf_multipart_feed(&mp, body + at, cuts[i] - at);
		at = cuts[i];
	}
	if (rc == 0)
		rc = xf_multipart_feed(&mp, body + at, len - at);
	if (rc == 0)
		rc = xf_multipart_finish(&mp);
	if (error)
		strcpy(error, mp.error);
	return rc;
}

static int parse(const char *boundary, const char *body, collected *c)
{
	return parse_cut(boundary, body, strlen(body), NULL, c, NULL);
}

/* Data with a CR, a CRLF, "\r\n-", "\r\n--", "\r\n--XyZ" almost the delimiter. */
static const char tricky_data[] = "a\rb\r\nc\r\n-d\r\n--e\r\n--XyZ\r\n--XyZz\r\r\n--Xy";
static const char boundary[] = "XyZzY";
static const char *body_text(void)
{
	static char body[1024];
	snprintf(body, sizeof body,
	         "--XyZzY\r\n"
	         "Content-Disposition: form-data; name=\"kind\"\r\n"
	         "\r\n"
	         "photo\r\n"
	         "--XyZzY\r\n"
	         "Content-Disposition: form-data; name=\"file\"; filename=\"现场.jpg\"\r\n"
	         "Content-Type: image/jpeg\r\n"
	         "\r\n"
	         "%s\r\n"
	         "--XyZzY\r\n"
	         "content-disposition: form-data; name=\"note\"\r\n"
	         "\r\n"
	         "\r\n"
	         "--XyZzY--\r\n"
	         "epilogue is ignored",
	         tricky_data);
	return body;
}

static void check_collected(const collected *c)
{
	assert_int_equal(c->n_parts, 3);
	assert_int_equal(c->n_ends, 3);
	assert_string_equal(c->names[0], "kind");
	assert_int_equal(c->len[0], 5);
	assert_memory_equal(c->data[0], "photo", 5);
	assert_string_equal(c->names[1], "file");
	assert_string_equal(c->filenames[1], "现场.jpg");
	assert_string_equal(c->types[1], "image/jpeg");
	assert_int_equal(c->len[1], strlen(tricky_data));
	assert_memory_equal(c->data[1], tricky_data, strlen(tricky_data));
	assert_string_equal(c->names[2], "note");
	assert_int_equal(c->len[2], 0);
}

static void test_boundary_from_content_type(void **state)
{
	char b[XF_MULTIPART_BOUNDARY_MAX + 1];
	assert_int_equal(xf_multipart_boundary("multipart/form-data; boundary=abc", b), 0);
	assert_string_equal(b, "abc");
	assert_int_equal(
	    xf_multipart_boundary("Multipart/Form-Data; charset=utf-8; BOUNDARY=\"a b:c\"", b), 0);
	assert_string_equal(b, "a b:c");
	assert_int_equal(
	    xf_multipart_boundary("multipart/form-data; boundary=----WebKitFormBoundaryx", b), 0);
	assert_string_equal(b, "----WebKitFormBoundaryx");
	assert_int_equal(xf_multipart_boundary("application/json", b), -1);
	assert_int_equal(xf_multipart_boundary(NULL, b), -1);
	assert_int_equal(xf_multipart_boundary("multipart/form-data", b), -1);
	assert_int_equal(xf_multipart_boundary("multipart/form-data; boundary=", b), -1);
	assert_int_equal(xf_multipart_boundary("multipart/form-data; boundary=\"a\rb\"", b), -1);
	assert_int_equal(xf_multipart_boundary("multipart/form-data; boundary=\"ab \"", b), -1);
	char long_type[200];
	snprintf(long_type, sizeof long_type, "multipart/form-data; boundary=%071d", 0);
	assert_int_equal(xf_multipart_boundary(long_type, b), -1);
}

static void test_parts_whole(void **state)
{
	collected c;
	assert_int_equal(parse(boundary, body_text(), &c), 0);
	check_collected(&c);
}

static void test_every_split_point(void **state)
{
	const char *body = body_text();
	size_t len = strlen(body);
	collected c;
	for (size_t k = 1; k < len; k++) {
		size_t cuts[] = {k, 0};
		assert_int_equal(parse_cut(boundary, body, len, cuts, &c, NULL), 0);
		check_collected(&c);
	}
	/* every pair of split points too */
	for (size_t k = 1; k < len; k++)
		for (size_t j = k + 1; j < len; j += 3) {
			size_t cuts[] = {k, j, 0};
			assert_int_equal(parse_cut(boundary, body, len, cuts, &c, NULL), 0);
			check_collected(&c);
		}
}

static void test_byte_by_byte(void **state)
{
	const char *body = body_text();
	size_t len = strlen(body);
	size_t *cuts = calloc(len, sizeof *cuts);
	for (size_t k = 1; k < len; k++)
		cuts[k - 1] = k;
	collected c;
	assert_int_equal(parse_cut(boundary, body, len, cuts, &c, NULL), 0);
	check_collected(&c);
	free(cuts);
}

static void test_preamble_padding_and_filename_star(void **state)
{
	collected c;
	const char *body = "ignored preamble\r\n--b \t\r\n"
	                   "Content-Disposition: form-data; name=file; "
	                   "filename*=UTF-8''%E4%B8%AD.txt; filename=\"x.txt\"\r\n\r\n"
	                   "hi\r\n--b--";
	assert_int_equal(parse("b", body, &c), 0);
	assert_int_equal(c.n_parts, 1);
	assert_string_equal(c.names[0], "file");
	assert_string_equal(c.filenames[0], "中.txt");
	assert_memory_equal(c.data[0], "hi", 2);
	/* an empty form */
	assert_int_equal(parse("b", "--b--\r\n", &c), 0);
	assert_int_equal(c.n_parts, 0);
}

static void expect_refused(const char *boundary_text, const char *body, const char *why)
{
	collected c;
	char error[200];
	assert_int_equal(parse_cut(boundary_text, body, strlen(body), NULL, &c, error), -1);
	if (!strstr(error, why))
		fail_msg("expected '%s' in '%s' for body %s", why, error, body);
}

static void test_malformed(void **state)
{
	expect_refused("b", "", "ends before the closing boundary");
	expect_refused("b", "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nxx",
	               "ends before the closing boundary");
	expect_refused("b", "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nxx\r\n--b",
	               "ends before the closing boundary");
	expect_refused("b", "--bX\r\n", "followed by other text");
	expect_refused("b", "--b\rX", "does not end with CRLF");
	expect_refused("b", "--b\r\n\r\nxx\r\n--b--", "no Content-Disposition");
	expect_refused("b", "--b\r\nContent-Disposition: form-data; name=a\nX\r\n\r\n--b--",
	               "bare LF");
	expect_refused("b", "--b\r\nContent-Disposition: form-data; name=a\rX\r\n\r\n--b--",
	               "does not end with CRLF");
	expect_refused("b", "--b\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\n--b--",
	               "has no name");
	expect_refused("b", "--b\r\nContent-Disposition: form-data; name=a\r\n x\r\n\r\n--b--",
	               "folded");
	expect_refused("b", "--b\r\nContent-Disposition: attachment; name=a\r\n\r\n--b--",
	               "not form-data");
	expect_refused("b", "--b\r\nContent-Disposition: form-data; name=\"a\r\n\r\n--b--",
	               "not form-data");
	expect_refused(
	    "b", "--b\r\nContent-Disposition: form-data; filename*=latin1''x; name=a\r\n\r\n--b--",
	    "not form-data");
	expect_refused("b",
	               "--b\r\nContent-Disposition: form-data; name=a\r\n"
	               "Content-Disposition: form-data; name=b\r\n\r\n--b--",
	               "two Content-Disposition");
	expect_refused("b", "--b\r\nNoColon\r\n\r\n--b--", "no name");

	char *big = malloc(XF_MULTIPART_LINE_MAX + 64);
	snprintf(big, XF_MULTIPART_LINE_MAX + 64, "--b\r\nX-Long: %0*d\r\n\r\n--b--",
	         XF_MULTIPART_LINE_MAX, 0);
	expect_refused("b", big, "longer than");
	free(big);

	char many[4096] = "--b\r\n";
	for (int i = 0; i <= XF_MULTIPART_HEADERS_MAX; i++)
		strcat(many, "X-A: 1\r\n");
	strcat(many, "\r\n--b--");
	expect_refused("b", many, "header lines");

	char *parts = malloc(100 * (XF_MULTIPART_PARTS_MAX + 2));
	strcpy(parts, "--b");
	for (int i = 0; i <= XF_MULTIPART_PARTS_MAX; i++)
		strcat(parts, "\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--b");
	strcat(parts, "--");
	expect_refused("b", parts, "more than");
	free(parts);
}

static void test_callback_refusal_stops(void **state)
{
	collected c;
	memset(&c, 0, sizeof c);
	c.refuse_at = 3;
	xf_multipart mp;
	xf_multipart_init(&mp, "b", &callbacks, &c);
	const char *body =
	    "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n0123456789\r\n--b--";
	assert_int_equal(xf_multipart_feed(&mp, body, strlen(body)), -1);
	assert_int_equal(xf_multipart_feed(&mp, "x", 1), -1);
	assert_int_equal(xf_multipart_finish(&mp), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_boundary_from_content_type),
	    cmocka_unit_test(test_parts_whole),
	    cmocka_unit_test(test_every_split_point),
	    cmocka_unit_test(test_byte_by_byte),
	    cmocka_unit_test(test_preamble_padding_and_filename_star),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_callback_refusal_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
