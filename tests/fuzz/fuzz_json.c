/* libFuzzer harness for our JSON request validation (http/xf_json.h): the bytes are a
 * request body. They go through xf_json_parse_object and, when that yields an object,
 * through a validation schema like a real handler's (xf_json_only, then every typed
 * reader: strings with character limits, integers, id-or-null, booleans, a choice and
 * a choice set over the role ids), and finally xf_json_canonical, whose text must parse
 * back to the same canonical text (the audit chain stores and re-reads it).
 *
 * Besides memory errors, leaks and undefined behaviour, it checks what the readers
 * promise: a known return code, the field named on error, trimmed strings within
 * their limits, values within their ranges. A broken promise aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xf_audit.h"
#include "core/xf_perm.h"
#include "http/xf_json.h"
#include "util/xf_utf8.h"

static const char *const fields[] = {"username", "name",  "unit_id", "parent_id", "disabled",
                                     "kind",     "roles", "phone",   NULL};
static const char *const kinds[] = {"mine", "department", "team", "other", NULL};

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "broken promise: %s\n", what);
		abort();
	}
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* What every reader promises about its result and the error it fills. */
static void check_result(int rc, const xf_field_error *err, const char *key, int required)
{
	check(rc == XF_OK || rc == XF_NOTFOUND || rc == XF_ERR, "reader returns a known code");
	check(!(rc == XF_NOTFOUND && required), "a required field is never reported absent");
	if (rc == XF_ERR) {
		check(strcmp(err->code, "invalid_field") == 0,
		      "reader error code is invalid_field");
		check(strncmp(err->field, key, strlen(key)) == 0, "reader error names the field");
		check(err->message[0] != '\0', "reader error has a message");
	}
}

static void check_string(json_t *obj, const char *key, int required, size_t min, size_t max)
{
	xf_field_error err;
	const char *s = NULL;
	memset(&err, 0, sizeof err);
	int rc = xf_json_string(obj, key, required, min, max, &s, &err);
	check_result(rc, &err, key, required);
	if (rc == XF_OK) {
		size_t chars = utf8_chars(s);
		check(chars >= min && chars <= max, "string within its character limits");
		size_t len = strlen(s);
		check(len == 0 || (!is_space(s[0]) && !is_space(s[len - 1])), "string is trimmed");
		/* the pointer is owned by obj and still the field's value */
		check(strcmp(s, json_string_value(json_object_get(obj, key))) == 0,
		      "string is the stored value");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xf_field_error err;
	memset(&err, 0, sizeof err);
	json_t *obj = xf_json_parse_object((const char *)data, size, &err);
	if (!obj) {
		/* A value the parser refuses (a number beyond 64 bits, a NUL) names its field. */
		check(strcmp(err.code, "malformed_json") == 0 ||
		          (strcmp(err.code, "invalid_field") == 0 && err.field[0] != '\0'),
		      "parse error code is malformed_json, or invalid_field with the field");
		check(err.message[0] != '\0', "parse error has a message");
		check(xf_utf8_valid(err.message, strlen(err.message)) &&
		          xf_utf8_valid(err.field, strlen(err.field)),
		      "parse error message and field are UTF-8");
		return 0;
	}
	check(json_is_object(obj), "parse result is an object");

	/* Whether absent fields are required varies with the input, to reach both paths. */
	int required = (int)(size & 1);

	int rc = xf_json_only(obj, fields, &err);
	check(rc == XF_OK || rc == XF_ERR, "only returns OK or ERR");
	if (rc == XF_ERR) {
		check(err.field[0] != '\0' || json_object_get(obj, "") != NULL,
		      "only names the unknown field");
		for (int i = 0; fields[i]; i++)
			check(strcmp(err.field, fields[i]) != 0,
			      "only does not refuse a known field");
	}
	/* A real handler stops at the first error; here every reader runs, to cover them. */
	check_string(obj, "username", required, 2, 32);
	check_string(obj, "name", required, 1, 64);
	check_string(obj, "phone", 0, 0, 32);

	int64_t n = 0;
	memset(&err, 0, sizeof err);
	rc = xf_json_int(obj, "unit_id", required, 1, 1000000, &n, &err);
	check_result(rc, &err, "unit_id", required);
	if (rc == XF_OK)
		check(n >= 1 && n <= 1000000, "int within its range");

	memset(&err, 0, sizeof err);
	rc = xf_json_id_or_null(obj, "parent_id", required, &n, &err);
	check_result(rc, &err, "parent_id", required);
	if (rc == XF_OK)
		check(n >= 0, "id is positive or 0 for null");

	bool b;
	memset(&err, 0, sizeof err);
	rc = xf_json_bool(obj, "disabled", required, &b, &err);
	check_result(rc, &err, "disabled", required);

	const char *kind = NULL;
	memset(&err, 0, sizeof err);
	rc = xf_json_choice(obj, "kind", required, kinds, &kind, &err);
	check_result(rc, &err, "kind", required);
	if (rc == XF_OK) {
		int listed = 0;
		for (int i = 0; kinds[i]; i++)
			listed |= kind == kinds[i];
		check(listed, "choice points into the choice list");
	}

	uint32_t roles = 0;
	memset(&err, 0, sizeof err);
	rc = xf_json_choice_set(obj, "roles", required, xf_role_ids, &roles, &err);
	check_result(rc, &err, "roles", required);
	if (rc == XF_OK) {
		check(roles < (1u << XF_ROLE_COUNT), "choice set only has listed roles");
		check((size_t)__builtin_popcount(roles) ==
		          json_array_size(json_object_get(obj, "roles")),
		      "choice set has one bit per array item");
	}

	/* The canonical text parses back, and is its own canonical form. */
	char *canonical = xf_json_canonical(obj);
	json_t *again = xf_json_parse_object(canonical, strlen(canonical), &err);
	check(again != NULL, "canonical text parses");
	char *canonical_again = xf_json_canonical(again);
	check(strcmp(canonical, canonical_again) == 0, "canonical text is stable");
	free(canonical_again);
	json_decref(again);
	free(canonical);

	json_decref(obj);
	return 0;
}
