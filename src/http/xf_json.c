/* JSON body parsing and field readers: see xf_json.h. */
#include "http/xf_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xf_utf8.h"

void xf_field_error_set(xf_field_error *err, const char *field, const char *fmt, ...)
{
	va_list ap;
	snprintf(err->code, sizeof err->code, "invalid_field");
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	/* Keys come from the request and may be cut short here: keep whole characters. */
	xf_utf8_clean(err->field);
	xf_utf8_clean(err->message);
}

/* The key whose value starts before byte pos, when the text there reads
 * `"key" : value`; for naming the field of a value jansson refused. */
static bool key_before(const char *text, size_t pos, char *out, size_t size)
{
	size_t i = pos;
	/* Back over the refused value (a number: digits, sign, point, exponent). */
	while (i > 0 && strchr("0123456789+-.eE", text[i - 1]))
		i--;
	while (i > 0 && strchr(" \t\r\n", text[i - 1]))
		i--;
	if (i == 0 || text[i - 1] != ':')
		return false;
	i--;
	while (i > 0 && strchr(" \t\r\n", text[i - 1]))
		i--;
	if (i == 0 || text[i - 1] != '"')
		return false;
	size_t end = --i;
	while (i > 0 && !(text[i - 1] == '"' && (i < 2 || text[i - 2] != '\\')))
		i--;
	if (i == 0 || i == end)
		return false; /* no key, or "" which names nothing */
	size_t n = end - i < size - 1 ? end - i : size - 1;
	memcpy(out, text + i, n);
	out[n] = '\0';
	return true;
}

/* Finds a string holding NUL (allowed by the parser so that the field can be named),
 * writing its path ("family[0].name") into path. */
static bool find_nul(json_t *v, char *path, size_t size)
{
	size_t used = strlen(path);
	if (json_is_string(v))
		return strlen(json_string_value(v)) != json_string_length(v);
	if (json_is_object(v)) {
		const char *key;
		json_t *item;
		json_object_foreach(v, key, item)
		{
			snprintf(path + used, size - used, "%s%s", used ? "." : "", key);
			if (find_nul(item, path, size))
				return true;
		}
	} else if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item)
		{
			snprintf(path + used, size - used, "[%zu]", i);
			if (find_nul(item, path, size))
				return true;
		}
	}
	path[used] = '\0';
	return false;
}

json_t *xf_json_parse_object(const char *text, size_t len, xf_field_error *err)
{
	json_error_t je;
	memset(err, 0, sizeof *err);
	if (len == 0) {
		snprintf(err->code, sizeof err->code, "malformed_json");
		snprintf(err->message, sizeof err->message,
		         "body is empty, expected a json object");
		return NULL;
	}
	json_t *v =
	    json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	if (!v) {
		char field[64];
		if (json_error_code(&je) == json_error_numeric_overflow &&
		    key_before(text, (size_t)je.position <= len ? (size_t)je.position : len, field,
		               sizeof field)) {
			xf_field_error_set(err, field, "'%s' is too large a number", field);
			return NULL;
		}
		snprintf(err->code, sizeof err->code, "malformed_json");
		snprintf(err->message, sizeof err->message,
		         "malformed json at line %d column %d: %s", je.line, je.column, je.text);
		xf_utf8_clean(err->message); /* jansson quotes the bytes it refused */
		return NULL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		snprintf(err->code, sizeof err->code, "malformed_json");
		snprintf(err->message, sizeof err->message, "body must be a json object");
		return NULL;
	}
	char path[64] = "";
	if (find_nul(v, path, sizeof path)) {
		json_decref(v);
		if (path[0]) {
			xf_field_error_set(err, path, "'%s' must not contain NUL", path);
		} else {
			snprintf(err->code, sizeof err->code, "malformed_json");
			snprintf(err->message, sizeof err->message,
			         "a string must not contain NUL");
		}
		return NULL;
	}
	return v;
}

int xf_json_only(json_t *obj, const char *const *allowed, xf_field_error *err)
{
	const char *key;
	json_t *value;
	json_object_foreach(obj, key, value)
	{
		if (!xf_str_in(key, allowed)) {
			xf_field_error_set(err, key, "unknown field '%s'", key);
			return XF_ERR;
		}
	}
	return XF_OK;
}

/* Looks the key up; XF_NOTFOUND when absent and optional, XF_ERR when absent and required. */
static int lookup(json_t *obj, const char *key, bool required, json_t **out, xf_field_error *err)
{
	*out = json_object_get(obj, key);
	if (*out)
		return XF_OK;
	if (!required)
		return XF_NOTFOUND;
	xf_field_error_set(err, key, "'%s' is required", key);
	return XF_ERR;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int xf_json_string(json_t *obj, const char *key, bool required, size_t min_chars, size_t max_chars,
                   const char **out, xf_field_error *err)
{
	json_t *v;
	int rc = lookup(obj, key, required, &v, err);
	if (rc != XF_OK)
		return rc;
	if (!json_is_string(v)) {
		xf_field_error_set(err, key, "'%s' must be a string", key);
		return XF_ERR;
	}
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (strlen(s) != len) {
		xf_field_error_set(err, key, "'%s' must not contain NUL", key);
		return XF_ERR;
	}
	size_t start = 0, end = len;
	while (start < end && is_space(s[start]))
		start++;
	while (end > start && is_space(s[end - 1]))
		end--;
	if (start != 0 || end != len) {
		/* Store the trimmed text back, so the caller's pointer stays owned by obj. */
		char *trimmed = strndup(s + start, end - start);
		if (!trimmed)
			xf_die("out of memory");
		json_string_set(v, trimmed);
		free(trimmed);
		s = json_string_value(v);
	}
	size_t chars = xf_utf8_chars(s);
	if (chars < min_chars) {
		if (min_chars == 1)
			xf_field_error_set(err, key, "'%s' must not be empty", key);
		else
			xf_field_error_set(err, key, "'%s' must be at least %zu characters", key,
			                   min_chars);
		return XF_ERR;
	}
	if (chars > max_chars) {
		xf_field_error_set(err, key, "'%s' must be at most %zu characters", key, max_chars);
		return XF_ERR;
	}
	*out = s;
	return XF_OK;
}

int xf_json_int(json_t *obj, const char *key, bool required, int64_t min, int64_t max, int64_t *out,
                xf_field_error *err)
{
	json_t *v;
	int rc = lookup(obj, key, required, &v, err);
	if (rc != XF_OK)
		return rc;
	if (!json_is_integer(v)) {
		xf_field_error_set(err, key, "'%s' must be an integer", key);
		return XF_ERR;
	}
	json_int_t n = json_integer_value(v);
	if (n < min || n > max) {
		xf_field_error_set(err, key, "'%s' must be between %lld and %lld", key,
		                   (long long)min, (long long)max);
		return XF_ERR;
	}
	*out = n;
	return XF_OK;
}

int xf_json_id_or_null(json_t *obj, const char *key, bool required, int64_t *out,
                       xf_field_error *err)
{
	json_t *v;
	int rc = lookup(obj, key, required, &v, err);
	if (rc != XF_OK)
		return rc;
	if (json_is_null(v)) {
		*out = 0;
		return XF_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		xf_field_error_set(err, key, "'%s' must be an id (a positive integer) or null",
		                   key);
		return XF_ERR;
	}
	*out = json_integer_value(v);
	return XF_OK;
}

int xf_json_bool(json_t *obj, const char *key, bool required, bool *out, xf_field_error *err)
{
	json_t *v;
	int rc = lookup(obj, key, required, &v, err);
	if (rc != XF_OK)
		return rc;
	if (!json_is_boolean(v)) {
		xf_field_error_set(err, key, "'%s' must be true or false", key);
		return XF_ERR;
	}
	*out = json_is_true(v);
	return XF_OK;
}

/* Lists the choices as "a, b, c" for messages. */
static void list_choices(const char *const *choices, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (int c = 0; choices[c] && used < size; c++)
		used +=
		    (size_t)snprintf(out + used, size - used, "%s%s", c ? ", " : "", choices[c]);
}

int xf_json_choice(json_t *obj, const char *key, bool required, const char *const *choices,
                   const char **out, xf_field_error *err)
{
	json_t *v;
	char list[120];
	int rc = lookup(obj, key, required, &v, err);
	if (rc != XF_OK)
		return rc;
	for (int c = 0; json_is_string(v) && choices[c]; c++)
		if (strcmp(choices[c], json_string_value(v)) == 0) {
			*out = choices[c];
			return XF_OK;
		}
	list_choices(choices, list, sizeof list);
	xf_field_error_set(err, key, "'%s' must be one of %s", key, list);
	return XF_ERR;
}

int xf_json_choice_set(json_t *obj, const char *key, bool required, const char *const *choices,
                       uint32_t *out, xf_field_error *err)
{
	json_t *v, *item;
	size_t i;
	int rc = lookup(obj, key, required, &v, err);
	if (rc != XF_OK)
		return rc;
	if (!json_is_array(v)) {
		xf_field_error_set(err, key, "'%s' must be an array of strings", key);
		return XF_ERR;
	}
	uint32_t set = 0;
	json_array_foreach(v, i, item)
	{
		char field[64];
		snprintf(field, sizeof field, "%s[%zu]", key, i);
		if (!json_is_string(item)) {
			xf_field_error_set(err, field, "'%s' must be a string", field);
			return XF_ERR;
		}
		int found = -1;
		for (int c = 0; choices[c] && c < 32; c++)
			if (strcmp(choices[c], json_string_value(item)) == 0)
				found = c;
		if (found < 0) {
			char list[200];
			list_choices(choices, list, sizeof list);
			xf_field_error_set(err, field, "'%s' must be one of %s", field, list);
			return XF_ERR;
		}
		if (set & (1u << found)) {
			xf_field_error_set(err, field, "'%s' repeats a value", field);
			return XF_ERR;
		}
		set |= 1u << found;
	}
	*out = set;
	return XF_OK;
}
