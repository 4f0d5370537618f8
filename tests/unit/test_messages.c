/* Unit tests of error messages in the user's language (http/xf_messages.h): every
 * catalog entry's Chinese format has the same conversions in the same order as its
 * English one; every format literal that src/ passes to xf_reply_error(),
 * xf_field_error_set(), xf_req_message(), xf_csv_problem_add() or writes into a field
 * error has an entry (so no new message ships English only); Accept-Language with q-values; and
 * messages put into words, field paths as labels and nested messages included. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ctype.h>
#include <glob.h>
#include <inttypes.h>

#include "http/xf_messages.h"

static void catalog_conversions_match(void **state)
{
	int bad = 0;
	for (size_t i = 0; i < xf_messages_count; i++) {
		const xf_message *m = &xf_messages[i];
		char en[128], zh[128];
		xf_message_conversions(m->en, en, sizeof en);
		xf_message_conversions(m->zh, zh, sizeof zh);
		if (strcmp(en, zh) != 0) {
			print_message("\"%s\": conversions %s, but \"%s\" has %s\n", m->en, en,
			              m->zh, zh);
			bad++;
		}
		if (strchr(en, '*')) {
			print_message("\"%s\": '*' widths are not supported\n", m->en);
			bad++;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(xf_messages[j].en, m->en) == 0) {
				print_message("\"%s\" is in the catalog twice\n", m->en);
				bad++;
			}
	}
	for (size_t i = 0; i < xf_labels_count; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(xf_labels[j].field, xf_labels[i].field) == 0) {
				print_message("label of '%s' given twice\n", xf_labels[i].field);
				bad++;
			}
	assert_int_equal(bad, 0);
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Skips a string or character literal starting at p; returns the byte after it. */
static const char *skip_literal(const char *p)
{
	char quote = *p++;
	while (*p && *p != quote)
		p += *p == '\\' && p[1] ? 2 : 1;
	return *p ? p + 1 : p;
}

/* The format literal between start and end ("a" "b" PRId64 ...) into out; false when
 * the argument is not made of literals alone (a variable: nothing to check). */
static bool literal_arg(const char *start, const char *end, char *out, size_t size)
{
	size_t n = 0;
	bool any = false;
	for (const char *r = start; r < end;) {
		if (isspace((unsigned char)*r)) {
			r++;
		} else if (*r == '"') {
			for (r++; r < end && *r != '"'; r++) {
				char c = *r;
				if (c == '\\') {
					r++;
					c = *r == 'n' ? '\n' : *r == 't' ? '\t' : *r;
				}
				if (n + 1 < size)
					out[n++] = c;
			}
			r++;
			any = true;
		} else if (isalpha((unsigned char)*r) || *r == '_') {
			const char *id = r;
			while (r < end && (isalnum((unsigned char)*r) || *r == '_'))
				r++;
			const char *value = NULL;
			size_t len = (size_t)(r - id);
			if (len == 6 && strncmp(id, "PRId64", 6) == 0)
				value = PRId64;
			else if (len == 6 && strncmp(id, "PRIu64", 6) == 0)
				value = PRIu64;
			else if (len == 6 && strncmp(id, "PRIi64", 6) == 0)
				value = PRIi64;
			if (!value)
				return false;
			for (; *value && n + 1 < size; value++)
				out[n++] = *value;
		} else {
			return false;
		}
	}
	out[n] = '\0';
	return any;
}

/* Checks each call `call` in text whose argument number fmt_index (0-based, after the
 * text of `call`) is a format literal; returns how many have no catalog entry. */
static int check_calls(const char *path, const char *text, const char *call, int fmt_index)
{
	int missing = 0;
	for (const char *p = text; (p = strstr(p, call)) != NULL; p += strlen(call)) {
		const char *q = p + strlen(call), *arg_start = q, *arg_end = NULL;
		int depth = 0, arg = 0;
		while (*q && !arg_end) {
			if (*q == '"' || *q == '\'') {
				q = skip_literal(q);
				continue;
			}
			if (*q == '(' || *q == '[' || *q == '{') {
				depth++;
			} else if (*q == ')' || *q == ']' || *q == '}') {
				if (depth == 0) {
					if (arg == fmt_index)
						arg_end = q;
					break;
				}
				depth--;
			} else if (*q == ',' && depth == 0) {
				if (arg == fmt_index)
					arg_end = q;
				arg++;
				arg_start = q + 1;
			}
			q++;
		}
		char fmt[1024];
		if (!arg_end || !literal_arg(arg_start, arg_end, fmt, sizeof fmt))
			continue;
		if (!xf_message_find(fmt)) {
			int line = 1;
			for (const char *c = text; c < p; c++)
				line += *c == '\n';
			print_message(
			    "%s:%d: no catalog entry (src/http/xf_messages_catalog.c) for \"%s\"\n",
			    path, line, fmt);
			missing++;
		}
	}
	return missing;
}

static void every_format_in_src_has_an_entry(void **state)
{
	const char *dir = getenv("XF_SOURCE_DIR");
	char pattern[1024];
	if (dir) {
		snprintf(pattern, sizeof pattern, "%s/src/*/*.c", dir);
	} else { /* run by hand: this file is tests/unit/test_messages.c */
		snprintf(pattern, sizeof pattern, "%s", __FILE__);
		char *cut = strstr(pattern, "tests/unit/");
		assert_non_null(cut);
		snprintf(cut, sizeof pattern - (size_t)(cut - pattern), "src/*/*.c");
	}
	glob_t g;
	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_true(g.gl_pathc > 20);
	int missing = 0, files = 0;
	for (size_t i = 0; i < g.gl_pathc; i++) {
		char *text = read_all(g.gl_pathv[i]);
		missing += check_calls(g.gl_pathv[i], text, "xf_reply_error(", 4);
		missing += check_calls(g.gl_pathv[i], text, "xf_field_error_set(", 2);
		missing += check_calls(g.gl_pathv[i], text, "xf_req_message(", 1);
		missing += check_calls(g.gl_pathv[i], text, "xf_csv_problem_add(", 3);
		missing += check_calls(g.gl_pathv[i], text, "snprintf(err->message,", 1);
		files += strstr(text, "xf_reply_error(") != NULL;
		free(text);
	}
	globfree(&g);
	assert_true(files > 10);
	assert_int_equal(missing, 0);
}

static void accept_language(void **state)
{
	struct {
		const char *header;
		xf_lang want;
	} cases[] = {
	    {NULL, XF_LANG_ZH},
	    {"", XF_LANG_ZH},
	    {"en", XF_LANG_EN},
	    {"en-US,en;q=0.9", XF_LANG_EN},
	    {"zh-CN,zh;q=0.9,en;q=0.8", XF_LANG_ZH},
	    {"en;q=0.9, zh;q=0.8", XF_LANG_EN},
	    {"zh;q=0.8, en", XF_LANG_EN},
	    {"zh, en", XF_LANG_ZH},
	    {"en, zh", XF_LANG_EN},
	    {"en;q=0, zh;q=0.1", XF_LANG_ZH},
	    {"en;q=0", XF_LANG_ZH},
	    {"fr, en;q=0.3", XF_LANG_EN},
	    {"*", XF_LANG_ZH},
	    {"english", XF_LANG_ZH},
	    {"EN-GB ; Q=0.7, zh;q=0.6", XF_LANG_EN},
	    {"en;q=abc", XF_LANG_ZH},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (xf_lang_from_header(cases[i].header) != cases[i].want)
			fail_msg("'%s' gave the wrong language",
			         cases[i].header ? cases[i].header : "(none)");
	}
}

static void formats_in_words(void **state)
{
	char out[512];
	xf_message_format(out, sizeof out, XF_LANG_ZH,
	                  "'%s': user '%s' is not an active 包保责任人 (role official)", "pairs[0]",
	                  "张三");
	assert_string_equal(out, "包保责任人（第1行）：用户「张三」不是在岗的包保责任人");
	xf_message_format(out, sizeof out, XF_LANG_EN,
	                  "'%s': user '%s' is not an active 包保责任人 (role official)", "pairs[0]",
	                  "张三");
	assert_string_equal(
	    out, "'official (row 1)': user '张三' is not an active 包保责任人 (role official)");
	/* Plain field names stay as they are in English. */
	xf_message_format(out, sizeof out, XF_LANG_EN, "'%s' is required", "reason");
	assert_string_equal(out, "'reason' is required");
	xf_message_format(out, sizeof out, XF_LANG_ZH, "'%s' is required", "reason");
	assert_string_equal(out, "请填写「理由」");
	/* A validator's reason and a nested field error. */
	xf_message_format(out, sizeof out, XF_LANG_ZH, "'%s' %s", "phone", "must contain digits");
	assert_string_equal(out, "手机号须含数字");
	xf_message_format(out, sizeof out, XF_LANG_ZH, "'%s': %s", "decisions[2]",
	                  "'text' must not be empty");
	assert_string_equal(out, "决定事项（第3行）：「内容」不能为空");
	xf_message_format(out, sizeof out, XF_LANG_ZH, "%s", "'family[1].phone' must be a string");
	assert_string_equal(out, "「家庭成员（第2行）手机号」必须是文本");
	xf_message_format(out, sizeof out, XF_LANG_EN, "%s", "'family[1].phone' must be a string");
	assert_string_equal(out, "'phone of family member row 2' must be a string");
	/* Numbers of every width, and a status in words. */
	xf_message_format(out, sizeof out, XF_LANG_ZH, "'%s' must be between %lld and %lld",
	                  "headcount", 1LL, 100000LL);
	assert_string_equal(out, "「人数」必须在 1 到 100000 之间");
	xf_message_format(out, sizeof out, XF_LANG_ZH, "%s is '%s'", "XF-2026-0001", "activated");
	assert_string_equal(out, "XF-2026-0001 当前为「已启动」");
	xf_message_format(out, sizeof out, XF_LANG_ZH, "body is larger than %zu bytes",
	                  (size_t)1024);
	assert_string_equal(out, "提交的内容超过 1024 字节");
	/* Text nothing in the catalog reads as stays as it is. */
	xf_message_translate(out, sizeof out, XF_LANG_ZH, "disk I/O error");
	assert_string_equal(out, "disk I/O error");
	/* Crafted text cannot make matching slow: the work is bounded. */
	char crafted[320];
	memset(crafted, 'a', 250);
	snprintf(crafted + 250, sizeof crafted - 250, "there is no person 1 you may see");
	xf_message_translate(out, sizeof out, XF_LANG_ZH, crafted);
	/* A short buffer is cut at a character boundary. */
	xf_message_format(out, 8, XF_LANG_ZH, "sign in first");
	assert_string_equal(out, "请先");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(catalog_conversions_match),
	    cmocka_unit_test(every_format_in_src_has_an_entry),
	    cmocka_unit_test(accept_language),
	    cmocka_unit_test(formats_in_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
