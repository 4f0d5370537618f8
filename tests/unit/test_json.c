/* Unit tests of request-body JSON handling (http/xf_json.h): what xf_json_parse_object
 * accepts and refuses and the messages it gives, and every typed field reader with the
 * field it names on failure. Lengths are in characters (code points), so Chinese text
 * is measured the way a person counts it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_audit.h"
#include "core/xf_perm.h"
#include "http/xf_json.h"

/* Parses a literal that the test knows is a valid object. */
static json_t *object(const char *text)
{
	xf_field_error err;
	json_t *obj = xf_json_parse_object(text, strlen(text), &err);
	if (!obj)
		fail_msg("test input does not parse: %s: %s", text, err.message);
	return obj;
}

static void assert_malformed(const char *text, size_t len, const char *message_part)
{
	xf_field_error err;
	memset(&err, 'x', sizeof err); /* the parser must fill all of it */
	json_t *obj = xf_json_parse_object(text, len, &err);
	if (obj) {
		json_decref(obj);
		fail_msg("accepted %.*s", (int)len, text);
	}
	assert_string_equal(err.code, "malformed_json");
	assert_string_equal(err.field, "");
	if (!strstr(err.message, message_part))
		fail_msg("message '%s' does not mention '%s'", err.message, message_part);
}

/* A body the parser must refuse as malformed, with a word its message must have. */
typedef struct malformed_case {
	const char *text;
	size_t len;
	const char *message_part;
} malformed_case;

static void assert_all_malformed(const malformed_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		assert_malformed(cases[i].text, cases[i].len, cases[i].message_part);
}

/* ---- parsing ---- */

static void test_parse_valid_object(void **state)
{
	const char text[] = "{\"username\": \"zhang\", \"n\": 3, \"ok\": true, \"x\": null}";
	xf_field_error err;
	json_t *obj = xf_json_parse_object(text, strlen(text), &err);
	assert_non_null(obj);
	assert_true(json_is_object(obj));
	assert_string_equal(json_string_value(json_object_get(obj, "username")), "zhang");
	assert_int_equal(json_integer_value(json_object_get(obj, "n")), 3);
	json_decref(obj);

	/* len is honoured: bytes after it are not read */
	const char longer[] = "{\"a\":1}garbage";
	obj = xf_json_parse_object(longer, 7, &err);
	assert_non_null(obj);
	json_decref(obj);

	obj = xf_json_parse_object("{}", 2, &err);
	assert_non_null(obj);
	assert_int_equal(json_object_size(obj), 0);
	json_decref(obj);

	/* surrounding white space is fine */
	obj = xf_json_parse_object(" \n{}\n ", 6, &err);
	assert_non_null(obj);
	json_decref(obj);
}

static void test_parse_empty_body(void **state)
{
	assert_malformed("", 0, "empty");
	assert_malformed("{}", 0, "empty");
	assert_malformed("   ", 3, "line");
}

static void test_parse_trailing_garbage(void **state)
{
	assert_malformed("{\"a\":1} x", 9, "line 1");
	assert_malformed("{\"a\":1}{}", 9, "line 1");
}

static void test_parse_reports_line_and_column(void **state)
{
	const char text[] = "{\n  \"a\": 1,\n  \"b\": ]\n}";
	xf_field_error err;
	json_t *obj = xf_json_parse_object(text, strlen(text), &err);
	assert_null(obj);
	assert_string_equal(err.code, "malformed_json");
	if (!strstr(err.message, "line 3") || !strstr(err.message, "column"))
		fail_msg("message '%s' does not locate the error", err.message);

	static const malformed_case cases[] = {
	    {"{\"a\" 1}", 7, "column"}, {"{\"a\":}", 6, "line 1"}, {"{\"a\":1", 6, "line"},
	    {"{'a':1}", 7, "line 1"},   {"{\"a\":01}", 8, "line"}, {"{\"a\":1,}", 8, "line"},
	};
	assert_all_malformed(cases, XF_ARRAY_LEN(cases));
}

static void test_parse_invalid_utf8(void **state)
{
	static const malformed_case cases[] = {
	    {"{\"a\":\"\xff\"}", 8, "line"},
	    /* a truncated three-byte sequence (the first two bytes of 信) */
	    {"{\"a\":\"\xe4\xbf\"}", 9, "line"},
	    /* an overlong encoding of '/' */
	    {"{\"a\":\"\xc0\xaf\"}", 9, "line"},
	    /* a UTF-16 surrogate encoded as UTF-8 */
	    {"{\"a\":\"\xed\xa0\x80\"}", 10, "line"},
	    /* invalid UTF-8 in a key */
	    {"{\"\xfe\":1}", 6, "line"},
	};
	assert_all_malformed(cases, XF_ARRAY_LEN(cases));
	/* an encoded NUL in a string is refused, naming the field (in nested values too) */
	xf_field_error err;
	assert_null(xf_json_parse_object("{\"a\":\"x\\u0000y\"}", 16, &err));
	assert_string_equal(err.code, "invalid_field");
	assert_string_equal(err.field, "a");
	const char nested[] = "{\"f\":[{\"n\":\"ok\"},{\"n\":\"\\u0000\"}]}";
	assert_null(xf_json_parse_object(nested, strlen(nested), &err));
	assert_string_equal(err.field, "f[1].n");
	/* a raw NUL byte inside the body */
	assert_malformed("{\"a\":\0}", 7, "line");
}

static void test_parse_must_be_object(void **state)
{
	static const malformed_case cases[] = {
	    {"[1,2]", 5, "must be a json object"},
	    {"[]", 2, "must be a json object"},
	    {"[{\"a\":1}]", 9, "must be a json object"},
	    /* a bare scalar is valid JSON but no object: the message says what is wanted */
	    {"\"text\"", 6, "must be a json object"},
	    {"42", 2, "must be a json object"},
	    {"null", 4, "must be a json object"},
	    {"true", 4, "must be a json object"},
	};
	assert_all_malformed(cases, XF_ARRAY_LEN(cases));
}

static void test_parse_duplicate_keys(void **state)
{
	assert_malformed("{\"a\":1,\"a\":2}", 13, "line 1");
	/* the message should say what is wrong, not only where */
	xf_field_error err;
	const char text[] = "{\"roles\":[],\"roles\":[\"admin\"]}";
	assert_null(xf_json_parse_object(text, strlen(text), &err));
	assert_non_null(strstr(err.message, "duplicate"));
}

/* ---- xf_json_only ---- */

static void test_only(void **state)
{
	static const char *const allowed[] = {"username", "name", NULL};
	xf_field_error err;
	json_t *obj = object("{\"username\":\"a\",\"name\":\"b\"}");
	assert_int_equal(xf_json_only(obj, allowed, &err), XF_OK);
	json_decref(obj);

	obj = object("{}");
	assert_int_equal(xf_json_only(obj, allowed, &err), XF_OK);
	json_decref(obj);

	obj = object("{\"username\":\"a\",\"is_admin\":true}");
	memset(&err, 0, sizeof err);
	assert_int_equal(xf_json_only(obj, allowed, &err), XF_ERR);
	assert_string_equal(err.code, "invalid_field");
	assert_string_equal(err.field, "is_admin");
	assert_non_null(strstr(err.message, "is_admin"));
	json_decref(obj);

	/* a prefix of an allowed name is still unknown */
	obj = object("{\"user\":1}");
	assert_int_equal(xf_json_only(obj, allowed, &err), XF_ERR);
	assert_string_equal(err.field, "user");
	json_decref(obj);

	/* nothing allowed */
	static const char *const none[] = {NULL};
	obj = object("{\"a\":1}");
	assert_int_equal(xf_json_only(obj, none, &err), XF_ERR);
	assert_string_equal(err.field, "a");
	json_decref(obj);
}

/* ---- xf_json_string ---- */

static void test_string_required_optional_missing(void **state)
{
	xf_field_error err;
	const char *s = NULL;
	json_t *obj = object("{\"name\":\"张三\"}");

	assert_int_equal(xf_json_string(obj, "name", true, 1, 10, &s, &err), XF_OK);
	assert_string_equal(s, "张三");

	s = "untouched";
	assert_int_equal(xf_json_string(obj, "phone", false, 1, 10, &s, &err), XF_NOTFOUND);
	assert_string_equal(s, "untouched");

	memset(&err, 0, sizeof err);
	assert_int_equal(xf_json_string(obj, "phone", true, 1, 10, &s, &err), XF_ERR);
	assert_string_equal(err.code, "invalid_field");
	assert_string_equal(err.field, "phone");
	assert_non_null(strstr(err.message, "required"));
	json_decref(obj);
}

static void test_string_wrong_type(void **state)
{
	static const char *const bodies[] = {
	    "{\"name\":1}",       "{\"name\":null}", "{\"name\":true}",
	    "{\"name\":[\"a\"]}", "{\"name\":{}}",   "{\"name\":1.5}",
	};
	for (size_t i = 0; i < XF_ARRAY_LEN(bodies); i++) {
		xf_field_error err;
		const char *s = NULL;
		json_t *obj = object(bodies[i]);
		assert_int_equal(xf_json_string(obj, "name", true, 0, 10, &s, &err), XF_ERR);
		assert_string_equal(err.field, "name");
		assert_non_null(strstr(err.message, "string"));
		assert_null(s);
		json_decref(obj);
	}
}

static void test_string_length_in_characters(void **state)
{
	xf_field_error err;
	const char *s;

	/* 10 Chinese characters are 30 bytes but 10 characters. */
	json_t *obj = object("{\"name\":\"信访应急指挥平台测试\"}");
	assert_int_equal(xf_json_string(obj, "name", true, 10, 10, &s, &err), XF_OK);
	assert_string_equal(s, "信访应急指挥平台测试");
	assert_int_equal(xf_json_string(obj, "name", true, 1, 9, &s, &err), XF_ERR);
	assert_string_equal(err.field, "name");
	assert_non_null(strstr(err.message, "at most 9"));
	assert_int_equal(xf_json_string(obj, "name", true, 11, 64, &s, &err), XF_ERR);
	assert_non_null(strstr(err.message, "at least 11"));
	json_decref(obj);

	/* Characters outside the BMP (four bytes, or a \u surrogate pair) count once. */
	obj = object("{\"e\":\"\xf0\x9f\x98\x80\\ud83d\\ude00\"}");
	assert_int_equal(xf_json_string(obj, "e", true, 2, 2, &s, &err), XF_OK);
	json_decref(obj);

	/* min 2 */
	obj = object("{\"username\":\"a\"}");
	assert_int_equal(xf_json_string(obj, "username", true, 2, 32, &s, &err), XF_ERR);
	assert_string_equal(err.field, "username");
	assert_non_null(strstr(err.message, "at least 2"));
	json_decref(obj);

	/* min 1: an empty string says so */
	obj = object("{\"name\":\"\"}");
	assert_int_equal(xf_json_string(obj, "name", true, 1, 64, &s, &err), XF_ERR);
	assert_non_null(strstr(err.message, "empty"));
	/* min 0: empty is fine */
	assert_int_equal(xf_json_string(obj, "name", true, 0, 64, &s, &err), XF_OK);
	assert_string_equal(s, "");
	json_decref(obj);
}

static void test_string_trimming(void **state)
{
	xf_field_error err;
	const char *s;
	json_t *obj = object("{\"name\":\" \\t 煤矿 \\r\\n\",\"inner\":\"a  b\"}");
	assert_int_equal(xf_json_string(obj, "name", true, 2, 2, &s, &err), XF_OK);
	assert_string_equal(s, "煤矿");
	/* the object holds the trimmed text, so the pointer lives as long as obj */
	assert_string_equal(json_string_value(json_object_get(obj, "name")), "煤矿");
	assert_int_equal(xf_json_string(obj, "inner", true, 4, 4, &s, &err), XF_OK);
	assert_string_equal(s, "a  b");
	json_decref(obj);

	/* only white space: empty after trimming */
	obj = object("{\"name\":\"   \\n\"}");
	assert_int_equal(xf_json_string(obj, "name", true, 1, 64, &s, &err), XF_ERR);
	assert_string_equal(err.field, "name");
	json_decref(obj);

	/* trimming happens before the length check */
	obj = object("{\"username\":\"  ab  \"}");
	assert_int_equal(xf_json_string(obj, "username", true, 2, 2, &s, &err), XF_OK);
	assert_string_equal(s, "ab");
	json_decref(obj);
}

/* ---- xf_json_int, xf_json_id_or_null, xf_json_bool ---- */

static void test_int(void **state)
{
	xf_field_error err;
	int64_t n = -99;
	json_t *obj = object("{\"limit\":50,\"neg\":-5,\"big\":9223372036854775807,"
	                     "\"real\":1.0,\"text\":\"5\",\"nul\":null}");

	assert_int_equal(xf_json_int(obj, "limit", true, 1, 100, &n, &err), XF_OK);
	assert_int_equal(n, 50);
	assert_int_equal(xf_json_int(obj, "limit", true, 50, 50, &n, &err), XF_OK);
	assert_int_equal(xf_json_int(obj, "limit", true, 51, 100, &n, &err), XF_ERR);
	assert_string_equal(err.field, "limit");
	assert_non_null(strstr(err.message, "between 51 and 100"));
	assert_int_equal(xf_json_int(obj, "limit", true, 1, 49, &n, &err), XF_ERR);
	assert_int_equal(xf_json_int(obj, "neg", true, -10, -1, &n, &err), XF_OK);
	assert_int_equal(n, -5);
	assert_int_equal(xf_json_int(obj, "neg", true, 0, 10, &n, &err), XF_ERR);
	assert_int_equal(xf_json_int(obj, "big", true, INT64_MIN, INT64_MAX, &n, &err), XF_OK);
	assert_true(n == INT64_MAX);

	n = 7;
	assert_int_equal(xf_json_int(obj, "real", true, 0, 10, &n, &err), XF_ERR);
	assert_string_equal(err.field, "real");
	assert_non_null(strstr(err.message, "integer"));
	assert_int_equal(xf_json_int(obj, "text", true, 0, 10, &n, &err), XF_ERR);
	assert_int_equal(xf_json_int(obj, "nul", true, 0, 10, &n, &err), XF_ERR);
	assert_int_equal(n, 7); /* untouched on error */

	assert_int_equal(xf_json_int(obj, "absent", false, 0, 10, &n, &err), XF_NOTFOUND);
	assert_int_equal(xf_json_int(obj, "absent", true, 0, 10, &n, &err), XF_ERR);
	assert_string_equal(err.field, "absent");
	json_decref(obj);

	/* integers beyond int64 do not parse; the field is named */
	const char huge[] = "{\"n\":9223372036854775808}";
	assert_null(xf_json_parse_object(huge, strlen(huge), &err));
	assert_string_equal(err.code, "invalid_field");
	assert_string_equal(err.field, "n");
	const char negative[] = "{\"a\": 1, \"m\" : -99999999999999999999}";
	assert_null(xf_json_parse_object(negative, strlen(negative), &err));
	assert_string_equal(err.field, "m");
}

static void test_id_or_null(void **state)
{
	xf_field_error err;
	int64_t id = -1;
	json_t *obj = object("{\"parent_id\":7,\"none\":null,\"zero\":0,\"neg\":-3,\"s\":\"7\","
	                     "\"r\":7.0,\"b\":false}");
	assert_int_equal(xf_json_id_or_null(obj, "parent_id", true, &id, &err), XF_OK);
	assert_int_equal(id, 7);
	assert_int_equal(xf_json_id_or_null(obj, "none", true, &id, &err), XF_OK);
	assert_int_equal(id, 0);
	static const char *const bad[] = {"zero", "neg", "s", "r", "b"};
	for (size_t i = 0; i < XF_ARRAY_LEN(bad); i++) {
		id = 99;
		assert_int_equal(xf_json_id_or_null(obj, bad[i], true, &id, &err), XF_ERR);
		assert_string_equal(err.field, bad[i]);
		assert_non_null(strstr(err.message, "id"));
		assert_int_equal(id, 99);
	}
	assert_int_equal(xf_json_id_or_null(obj, "absent", false, &id, &err), XF_NOTFOUND);
	assert_int_equal(xf_json_id_or_null(obj, "absent", true, &id, &err), XF_ERR);
	assert_string_equal(err.field, "absent");
	json_decref(obj);
}

static void test_bool(void **state)
{
	xf_field_error err;
	bool b = false;
	json_t *obj = object("{\"t\":true,\"f\":false,\"one\":1,\"s\":\"true\",\"n\":null}");
	assert_int_equal(xf_json_bool(obj, "t", true, &b, &err), XF_OK);
	assert_true(b);
	assert_int_equal(xf_json_bool(obj, "f", true, &b, &err), XF_OK);
	assert_false(b);
	static const char *const bad[] = {"one", "s", "n"};
	for (size_t i = 0; i < XF_ARRAY_LEN(bad); i++) {
		assert_int_equal(xf_json_bool(obj, bad[i], true, &b, &err), XF_ERR);
		assert_string_equal(err.field, bad[i]);
		assert_non_null(strstr(err.message, "true or false"));
	}
	assert_int_equal(xf_json_bool(obj, "absent", false, &b, &err), XF_NOTFOUND);
	assert_int_equal(xf_json_bool(obj, "absent", true, &b, &err), XF_ERR);
	json_decref(obj);
}

/* ---- xf_json_choice, xf_json_choice_set ---- */

static const char *const kinds[] = {"mine", "department", "team", "other", NULL};

static void test_choice(void **state)
{
	xf_field_error err;
	const char *k = NULL;
	json_t *obj = object("{\"kind\":\"team\",\"bad\":\"Team\",\"num\":1,\"empty\":\"\"}");
	assert_int_equal(xf_json_choice(obj, "kind", true, kinds, &k, &err), XF_OK);
	/* the result points into the choice table, not into the object */
	assert_ptr_equal(k, kinds[2]);

	static const char *const bad[] = {"bad", "num", "empty"};
	for (size_t i = 0; i < XF_ARRAY_LEN(bad); i++) {
		k = NULL;
		assert_int_equal(xf_json_choice(obj, bad[i], true, kinds, &k, &err), XF_ERR);
		assert_string_equal(err.field, bad[i]);
		/* the message lists what is allowed */
		assert_non_null(strstr(err.message, "mine, department, team, other"));
		assert_null(k);
	}
	assert_int_equal(xf_json_choice(obj, "absent", false, kinds, &k, &err), XF_NOTFOUND);
	assert_int_equal(xf_json_choice(obj, "absent", true, kinds, &k, &err), XF_ERR);
	assert_string_equal(err.field, "absent");
	json_decref(obj);
}

static void test_choice_set_roles(void **state)
{
	xf_field_error err;
	uint32_t set = 0;
	json_t *obj = object("{\"roles\":[\"admin\",\"auditor\"],\"none\":[]}");
	assert_int_equal(xf_json_choice_set(obj, "roles", true, xf_role_ids, &set, &err), XF_OK);
	assert_int_equal(set, (1u << XF_ROLE_ADMIN) | (1u << XF_ROLE_AUDITOR));
	assert_int_equal(xf_json_choice_set(obj, "none", true, xf_role_ids, &set, &err), XF_OK);
	assert_int_equal(set, 0);
	json_decref(obj);

	/* every role at once */
	obj = object("{\"roles\":[\"petition_office\",\"leader\",\"unit_head\",\"dispatch\","
	             "\"official\",\"company\",\"auditor\",\"admin\"]}");
	assert_int_equal(xf_json_choice_set(obj, "roles", true, xf_role_ids, &set, &err), XF_OK);
	assert_int_equal(set, (1u << XF_ROLE_COUNT) - 1);
	json_decref(obj);
}

static void test_choice_set_errors(void **state)
{
	xf_field_error err;
	uint32_t set = 12345;

	json_t *obj = object("{\"roles\":[\"admin\",\"root\"]}");
	assert_int_equal(xf_json_choice_set(obj, "roles", true, xf_role_ids, &set, &err), XF_ERR);
	assert_string_equal(err.code, "invalid_field");
	assert_string_equal(err.field, "roles[1]");
	assert_non_null(strstr(err.message, "roles[1]"));
	assert_non_null(strstr(err.message, "petition_office"));
	assert_int_equal(set, 12345);
	json_decref(obj);

	obj = object("{\"roles\":[\"leader\",\"auditor\",\"leader\"]}");
	assert_int_equal(xf_json_choice_set(obj, "roles", true, xf_role_ids, &set, &err), XF_ERR);
	assert_string_equal(err.field, "roles[2]");
	assert_non_null(strstr(err.message, "repeat"));
	json_decref(obj);

	obj = object("{\"roles\":[\"leader\",3]}");
	assert_int_equal(xf_json_choice_set(obj, "roles", true, xf_role_ids, &set, &err), XF_ERR);
	assert_string_equal(err.field, "roles[1]");
	assert_non_null(strstr(err.message, "string"));
	json_decref(obj);

	static const char *const not_arrays[] = {"{\"roles\":\"admin\"}", "{\"roles\":null}",
	                                         "{\"roles\":{\"admin\":true}}", "{\"roles\":1}"};
	for (size_t i = 0; i < XF_ARRAY_LEN(not_arrays); i++) {
		obj = object(not_arrays[i]);
		assert_int_equal(xf_json_choice_set(obj, "roles", true, xf_role_ids, &set, &err),
		                 XF_ERR);
		assert_string_equal(err.field, "roles");
		assert_non_null(strstr(err.message, "array"));
		json_decref(obj);
	}

	obj = object("{}");
	assert_int_equal(xf_json_choice_set(obj, "roles", false, xf_role_ids, &set, &err),
	                 XF_NOTFOUND);
	assert_int_equal(xf_json_choice_set(obj, "roles", true, xf_role_ids, &set, &err), XF_ERR);
	assert_string_equal(err.field, "roles");
	assert_int_equal(set, 12345);
	json_decref(obj);
}

/* ---- xf_json_canonical ---- */

static void test_canonical(void **state)
{
	json_t *obj =
	    object("{ \"b\" : 1, \"a\" : {\"z\": [3, 2, 1], \"y\": \"信\"}, \"c\": null }");
	char *s = xf_json_canonical(obj);
	assert_string_equal(s, "{\"a\":{\"y\":\"信\",\"z\":[3,2,1]},\"b\":1,\"c\":null}");
	free(s);

	/* The same object built in another order has the same text. */
	json_t *other =
	    json_pack("{s:n, s:i, s:{s:[i,i,i], s:s}}", "c", "b", 1, "a", "z", 3, 2, 1, "y", "信");
	assert_non_null(other);
	char *t = xf_json_canonical(other);
	s = xf_json_canonical(obj);
	assert_string_equal(s, t);
	free(s);
	free(t);
	json_decref(other);
	json_decref(obj);

	/* not only objects */
	json_t *n = json_integer(5);
	s = xf_json_canonical(n);
	assert_string_equal(s, "5");
	free(s);
	json_decref(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_valid_object),
	    cmocka_unit_test(test_parse_empty_body),
	    cmocka_unit_test(test_parse_trailing_garbage),
	    cmocka_unit_test(test_parse_reports_line_and_column),
	    cmocka_unit_test(test_parse_invalid_utf8),
	    cmocka_unit_test(test_parse_must_be_object),
	    cmocka_unit_test(test_parse_duplicate_keys),
	    cmocka_unit_test(test_only),
	    cmocka_unit_test(test_string_required_optional_missing),
	    cmocka_unit_test(test_string_wrong_type),
	    cmocka_unit_test(test_string_length_in_characters),
	    cmocka_unit_test(test_string_trimming),
	    cmocka_unit_test(test_int),
	    cmocka_unit_test(test_id_or_null),
	    cmocka_unit_test(test_bool),
	    cmocka_unit_test(test_choice),
	    cmocka_unit_test(test_choice_set_roles),
	    cmocka_unit_test(test_choice_set_errors),
	    cmocka_unit_test(test_canonical),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
