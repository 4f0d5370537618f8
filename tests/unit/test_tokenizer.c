/* Unit tests of the search text rules (core/xf_cjk.h), without SQLite: UTF-8 decoding,
 * the tokenizer (a token per CJK character, kana and Hangul; ASCII words lower-cased;
 * fullwidth letters and digits folded; punctuation and invalid UTF-8 as separators;
 * long words cut; byte offsets into the original text), what FTS5 stores and looks up
 * (bigrams colocated with a document's characters; a query's runs of characters as
 * bigrams), the query builder (phrases split at whitespace, operators and quotes taken
 * literally, repeats dropped, limits, '"' doubled) and the marks and highlight windows
 * built from a query. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_cjk.h"

enum { MAX_TOKENS = 256 };

typedef struct tokens {
	size_t n;
	char text[MAX_TOKENS][XF_CJK_WORD_MAX + 1];
	size_t start[MAX_TOKENS], end[MAX_TOKENS];
} tokens;

static int collect(void *ctx, const char *token, size_t n, size_t start, size_t end)
{
	tokens *t = ctx;
	assert_true(t->n < MAX_TOKENS);
	assert_true(n >= 1 && n <= XF_CJK_WORD_MAX);
	memcpy(t->text[t->n], token, n);
	t->text[t->n][n] = '\0';
	t->start[t->n] = start;
	t->end[t->n] = end;
	t->n++;
	return 0;
}

static tokens *tokenize(const char *text, size_t len)
{
	static tokens t;
	memset(&t, 0, sizeof t);
	assert_int_equal(xf_cjk_tokenize(text, len, collect, &t), 0);
	return &t;
}

static tokens *tok(const char *text)
{
	return tokenize(text, strlen(text));
}

/* Checks the tokens against "text@start-end" strings. */
static void expect(const tokens *t, const char *const *want, size_t n)
{
	char got[XF_CJK_WORD_MAX + 64];
	for (size_t i = 0; i < n && i < t->n; i++) {
		snprintf(got, sizeof got, "%s@%zu-%zu", t->text[i], t->start[i], t->end[i]);
		assert_string_equal(got, want[i]);
	}
	assert_int_equal(t->n, n);
}

#define EXPECT(t, ...)                                                                             \
	do {                                                                                       \
		static const char *const want_[] = {__VA_ARGS__};                                  \
		expect((t), want_, sizeof want_ / sizeof want_[0]);                                \
	} while (0)

static void test_decode(void **state)
{
	(void)state;
	size_t i = 0;
	assert_int_equal(xf_cjk_decode("A", 1, &i), 'A');
	assert_int_equal(i, 1);
	i = 0;
	assert_int_equal(xf_cjk_decode("井", 3, &i), 0x4e95);
	assert_int_equal(i, 3);
	i = 0;
	assert_int_equal(xf_cjk_decode("\xf0\xa0\x80\x80", 4, &i), 0x20000); /* 𠀀 */
	assert_int_equal(i, 4);
	/* each invalid form gives -1 and moves one byte */
	static const char *const bad[] = {
	    "\x80",             /* continuation byte alone */
	    "\xc0\xaf",         /* overlong '/' */
	    "\xe0\x80\xaf",     /* overlong */
	    "\xed\xa0\x80",     /* surrogate */
	    "\xf4\x90\x80\x80", /* above U+10FFFF */
	    "\xf5\x80\x80\x80", /* no such lead byte */
	    "\xff",
	    "\xe4\xb8",  /* truncated */
	    "\xe4(\xb8", /* broken continuation */
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		i = 0;
		assert_int_equal(xf_cjk_decode(bad[k], strlen(bad[k]), &i), -1);
		assert_int_equal(i, 1);
	}
}

static void test_cjk_characters_are_tokens(void **state)
{
	(void)state;
	EXPECT(tok("井下工资"), "井@0-3", "下@3-6", "工@6-9", "资@9-12");
	EXPECT(tok("井"), "井@0-3");
	/* Extension B, compatibility ideographs, 〇 */
	EXPECT(tok("𠀀豈〇"), "𠀀@0-4", "豈@4-7", "〇@7-10");
	/* kana and Hangul, one character each; the katakana middle dot separates */
	EXPECT(tok("カタ・かな한국"), "カ@0-3", "タ@3-6", "か@9-12", "な@12-15", "한@15-18",
	       "국@18-21");
}

static void test_punctuation_separates(void **state)
{
	(void)state;
	EXPECT(tok("工资，补偿。「安置」"), "工@0-3", "资@3-6", "补@9-12", "偿@12-15", "安@21-24",
	       "置@24-27");
	EXPECT(tok("  \t\n！？、…—"));
	EXPECT(tok(""));
	/* the ideographic space too */
	EXPECT(tok("井\xe3\x80\x80下"), "井@0-3", "下@6-9");
}

static void test_ascii_words_lower_case(void **state)
{
	(void)state;
	EXPECT(tok("Hello World42"), "hello@0-5", "world42@6-13");
	EXPECT(tok("XF-2026-0007"), "xf@0-2", "2026@3-7", "0007@8-12");
	EXPECT(tok("a_b.c"), "a@0-1", "b@2-3", "c@4-5");
	/* letters of other scripts separate (no folding of é) */
	EXPECT(tok("José"), "jos@0-3");
}

static void test_fullwidth_folds(void **state)
{
	(void)state;
	EXPECT(tok("ＡＢＣ１２３"), "abc123@0-18");
	/* folded letters join the ASCII run next to them */
	EXPECT(tok("abＣ9"), "abc9@0-6");
	/* fullwidth punctuation separates */
	EXPECT(tok("ＸＦ－２０２６"), "xf@0-6", "2026@9-21");
}

static void test_mixed(void **state)
{
	(void)state;
	EXPECT(tok("XF-2026-0007号矿办公楼 iPhone15手机"), "xf@0-2", "2026@3-7", "0007@8-12",
	       "号@12-15", "矿@15-18", "办@18-21", "公@21-24", "楼@24-27", "iphone15@28-36",
	       "手@36-39", "机@39-42");
	EXPECT(tok("2026年3月"), "2026@0-4", "年@4-7", "3@7-8", "月@8-11");
}

static void test_invalid_utf8_separates(void **state)
{
	(void)state;
	const char text[] = "\xff井\xc3(ab\xe4\xb8\xc0\xaf下\xed\xa0\x80"
	                    "c\xe4\xb8";
	EXPECT(tokenize(text, sizeof text - 1), "井@1-4", "ab@6-8", "下@12-15", "c@18-19");
	/* a NUL inside the text is a separator, not the end */
	const char nul[] = "井\0下";
	EXPECT(tokenize(nul, sizeof nul - 1), "井@0-3", "下@4-7");
	/* an invalid byte inside a word splits it */
	EXPECT(tok("ab\x80"
	           "cd"),
	       "ab@0-2", "cd@3-5");
}

static void test_long_words_are_cut(void **state)
{
	(void)state;
	char text[200];
	memset(text, 'A', 150);
	text[150] = '\0';
	tokens *t = tok(text);
	assert_int_equal(t->n, 3);
	assert_int_equal(strlen(t->text[0]), XF_CJK_WORD_MAX);
	assert_int_equal(t->start[1], XF_CJK_WORD_MAX);
	assert_int_equal(t->end[1], 2 * XF_CJK_WORD_MAX);
	assert_int_equal(t->start[2], 2 * XF_CJK_WORD_MAX);
	assert_int_equal(t->end[2], 150);
	assert_int_equal(t->text[2][0], 'a');
}

static int stop_at_second(void *ctx, const char *token, size_t n, size_t start, size_t end)
{
	(void)token;
	(void)n;
	(void)start;
	(void)end;
	int *count = ctx;
	return ++*count == 2 ? 42 : 0;
}

static void test_emit_stops(void **state)
{
	(void)state;
	int count = 0;
	assert_int_equal(xf_cjk_tokenize("a b c", 5, stop_at_second, &count), 42);
	assert_int_equal(count, 2);
	count = 0;
	assert_int_equal(xf_cjk_tokenize("a 井", 5, stop_at_second, &count), 42);
}

/* ---- what FTS5 stores and looks up ---- */

static char indexed[1024];

/* Tokens as "text@start-end", a colocated one marked with '+', space separated. */
static int collect_indexed(void *ctx, bool colocated, const char *token, size_t n, size_t start,
                           size_t end)
{
	(void)ctx;
	char one[128];
	snprintf(one, sizeof one, "%s%s%.*s@%zu-%zu", indexed[0] ? " " : "", colocated ? "+" : "",
	         (int)n, token, start, end);
	assert_true(strlen(indexed) + strlen(one) < sizeof indexed);
	strcat(indexed, one);
	return 0;
}

static const char *document(const char *text)
{
	indexed[0] = '\0';
	assert_int_equal(xf_cjk_index_document(text, strlen(text), collect_indexed, NULL), 0);
	return indexed;
}

static const char *lookup(const char *text)
{
	indexed[0] = '\0';
	assert_int_equal(xf_cjk_index_query(text, strlen(text), collect_indexed, NULL), 0);
	return indexed;
}

static void test_document_bigrams(void **state)
{
	(void)state;
	assert_string_equal(document("井下工资"),
	                    "井@0-3 +井下@0-6 下@3-6 +下工@3-9 工@6-9 +工资@6-12 资@9-12");
	/* across punctuation, as the positions of the characters are next to each other */
	assert_string_equal(document("井，下"), "井@0-3 +井下@0-9 下@6-9");
	/* not across a word; words stay single */
	assert_string_equal(document("井a下 Ab"), "井@0-3 a@3-4 下@4-7 ab@8-10");
	assert_string_equal(document("井"), "井@0-3");
	assert_string_equal(document(""), "");
}

static void test_query_lookups(void **state)
{
	(void)state;
	assert_string_equal(lookup("井"), "井@0-3");
	assert_string_equal(lookup("井下"), "井下@0-6");
	assert_string_equal(lookup("井下工资"), "井下@0-6 下工@3-9 工资@6-12");
	/* a run followed by another token keeps its last character for the next position */
	assert_string_equal(lookup("井下 x"), "井下@0-6 下@3-6 x@7-8");
	assert_string_equal(lookup("x 井下"), "x@0-1 井下@2-8");
	assert_string_equal(lookup("井下工资 2026"),
	                    "井下@0-6 下工@3-9 工资@6-12 资@9-12 2026@13-17");
	/* characters apart are looked up one by one */
	assert_string_equal(lookup("井 下"), "井@0-3 下@4-7");
	assert_string_equal(lookup("井 下工"), "井@0-3 下工@4-10");
}

/* ---- queries ---- */

static const char *match_of(const char *text)
{
	static xf_cjk_query q;
	static char out[XF_CJK_QUERY_MATCH_MAX];
	xf_cjk_query_parse(&q, text, strlen(text));
	xf_cjk_query_match(&q, XF_CJK_ALL_PHRASES, out);
	return out;
}

static void test_query_phrases(void **state)
{
	(void)state;
	assert_string_equal(match_of("井下工资"), "\"井下工资\"");
	assert_string_equal(match_of("井下 工资"), "\"井下\" \"工资\"");
	assert_string_equal(match_of("井下\xe3\x80\x80工资"), "\"井下\" \"工资\"");
	assert_string_equal(match_of("  井  "), "\"井\"");
	/* punctuation keeps a phrase: numbers and pasted passages match as written */
	assert_string_equal(match_of("XF-2026-0007"), "\"xf 2026 0007\"");
	assert_string_equal(match_of("拖欠工资，要求补发"), "\"拖欠工资要求补发\"");
	assert_string_equal(match_of("ＡＢＣ iPhone"), "\"abc\" \"iphone\"");
	assert_string_equal(match_of(""), "");
	assert_string_equal(match_of(" ，。!? "), "");
}

static void test_query_operators_are_literal(void **state)
{
	(void)state;
	assert_string_equal(match_of("\"井下\" OR 工资"), "\"井下\" \"or\" \"工资\"");
	assert_string_equal(match_of("井下 NOT 工资"), "\"井下\" \"not\" \"工资\"");
	assert_string_equal(match_of("title:井下"), "\"title 井下\"");
	assert_string_equal(match_of("NEAR(井 下, 2)"), "\"near 井\" \"下\" \"2\"");
	assert_string_equal(match_of("工资* ^井 {title body}: -x +y"),
	                    "\"工资\" \"井\" \"title\" \"body\" \"x\" \"y\"");
	assert_string_equal(match_of("\"\"\""), "");
	assert_string_equal(match_of("a\"b"), "\"a b\"");
}

static void test_query_repeats_and_limits(void **state)
{
	(void)state;
	xf_cjk_query q;
	const char *text = "工资 井下 工资 井下 工";
	xf_cjk_query_parse(&q, text, strlen(text));
	assert_int_equal(q.n_phrases, 3);
	assert_int_equal(q.n_tokens, 5);
	assert_string_equal(match_of(text), "\"工资\" \"井下\" \"工\"");

	/* more phrases than allowed: the first XF_CJK_QUERY_MAX_PHRASES stay */
	char many[512] = "";
	for (int i = 0; i < XF_CJK_QUERY_MAX_PHRASES + 5; i++) {
		char w[16];
		snprintf(w, sizeof w, "w%d ", i);
		strcat(many, w);
	}
	xf_cjk_query_parse(&q, many, strlen(many));
	assert_int_equal(q.n_phrases, XF_CJK_QUERY_MAX_PHRASES);
	assert_int_equal(q.n_tokens, XF_CJK_QUERY_MAX_PHRASES);
	assert_string_equal(q.token[XF_CJK_QUERY_MAX_PHRASES - 1], "w15");

	/* more tokens than allowed: the phrase is cut */
	char chars[3 * 100 + 1];
	for (int i = 0; i < 100; i++)
		memcpy(chars + 3 * i, "井", 3);
	chars[300] = '\0';
	xf_cjk_query_parse(&q, chars, 300);
	assert_int_equal(q.n_phrases, 1);
	assert_int_equal(q.phrase[0].count, XF_CJK_QUERY_MAX_TOKENS);

	/* the longest expression fits */
	char words[(XF_CJK_WORD_MAX + 1) * XF_CJK_QUERY_MAX_TOKENS + 1];
	memset(words, 'x', sizeof words - 1);
	words[sizeof words - 1] = '\0';
	for (size_t i = XF_CJK_WORD_MAX; i < sizeof words - 1; i += XF_CJK_WORD_MAX + 1)
		words[i] = '-';
	xf_cjk_query_parse(&q, words, strlen(words));
	char out[XF_CJK_QUERY_MATCH_MAX];
	size_t n = xf_cjk_query_match(&q, XF_CJK_ALL_PHRASES, out);
	assert_int_equal(n, strlen(out));
	assert_true(n < XF_CJK_QUERY_MATCH_MAX);
	assert_int_equal(q.n_tokens, XF_CJK_QUERY_MAX_TOKENS);
}

static void test_query_match_of_one_phrase_and_quote_doubling(void **state)
{
	(void)state;
	xf_cjk_query q;
	char out[XF_CJK_QUERY_MATCH_MAX];
	xf_cjk_query_parse(&q, "井下 工资", strlen("井下 工资"));
	xf_cjk_query_match(&q, 1, out);
	assert_string_equal(out, "\"工资\"");
	/* the tokenizer never makes a token with '"', but the builder is safe with one */
	strcpy(q.token[0], "a\"b");
	q.token_len[0] = 3;
	q.phrase[0].count = 1;
	xf_cjk_query_match(&q, 0, out);
	assert_string_equal(out, "\"a\"\"b\"");
}

/* ---- marks and highlights ---- */

typedef struct pieces {
	char text[1024];
} pieces;

/* Pieces as "[text]" for matches and text otherwise. */
static void collect_piece(void *ctx, const char *text, size_t n, bool match)
{
	pieces *p = ctx;
	assert_true(n > 0);
	size_t used = strlen(p->text);
	assert_true(used + n + 3 < sizeof p->text);
	if (match)
		strcat(p->text, "[");
	strncat(p->text, text, n);
	if (match)
		strcat(p->text, "]");
}

static const char *highlight(const char *query, const char *text, size_t max_chars,
                             xf_cjk_marks *marks)
{
	static pieces p;
	xf_cjk_query q;
	memset(&p, 0, sizeof p);
	xf_cjk_query_parse(&q, query, strlen(query));
	xf_cjk_mark(&q, text, strlen(text), marks);
	xf_cjk_highlight(text, strlen(text), marks, max_chars, collect_piece, &p);
	return p.text;
}

static void test_marks(void **state)
{
	(void)state;
	xf_cjk_marks m = XF_CJK_MARKS_INIT;
	assert_string_equal(highlight("工资", "要求补发拖欠工资，工资要足额", 100, &m),
	                    "要求补发拖欠[工资]，[工资]要足额");
	assert_int_equal(m.occurrences, 2);
	assert_int_equal(m.phrases, 1);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.range[0].start, 18);
	assert_int_equal(m.range[0].end, 24);

	/* a phrase matches across punctuation, as FTS5 does; the punctuation stays plain */
	assert_string_equal(highlight("井下工资", "井下，工资；井下", 100, &m),
	                    "[井下]，[工资]；井下");
	assert_int_equal(m.occurrences, 1);

	/* two phrases; case and width folded; one character */
	assert_string_equal(highlight("井 abc", "ＡＢＣ在井口，Abc", 100, &m),
	                    "[ＡＢＣ]在[井]口，[Abc]");
	assert_int_equal(m.occurrences, 3);
	assert_int_equal(m.phrases, 2);

	/* no match */
	assert_string_equal(highlight("煤", "要求补发拖欠工资", 100, &m), "要求补发拖欠工资");
	assert_int_equal(m.n, 0);
	assert_int_equal(m.phrases, 0);
	xf_cjk_marks_release(&m);
}

static void test_highlight_window(void **state)
{
	(void)state;
	xf_cjk_marks m = XF_CJK_MARKS_INIT;
	/* 38 characters, the match at 30: a window of 10 starts 2 before it */
	const char *text =
	    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十井下三四五六七八";
	assert_string_equal(highlight("井下", text, 10, &m), "…九十[井下]三四五六七八");
	/* a match near the start: no leading ellipsis */
	assert_string_equal(highlight("二三", text, 5, &m), "一[二三]四五…");
	/* a window never runs past the end */
	assert_string_equal(highlight("八", "一二三四五六七八", 4, &m), "…五六七[八]");
	/* a mark cut by the window edge keeps the part inside */
	assert_string_equal(highlight("abcdef", "xyz abcdef", 6, &m), "… [abcde]…");
	xf_cjk_marks_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decode),
	    cmocka_unit_test(test_cjk_characters_are_tokens),
	    cmocka_unit_test(test_punctuation_separates),
	    cmocka_unit_test(test_ascii_words_lower_case),
	    cmocka_unit_test(test_fullwidth_folds),
	    cmocka_unit_test(test_mixed),
	    cmocka_unit_test(test_invalid_utf8_separates),
	    cmocka_unit_test(test_long_words_are_cut),
	    cmocka_unit_test(test_emit_stops),
	    cmocka_unit_test(test_document_bigrams),
	    cmocka_unit_test(test_query_lookups),
	    cmocka_unit_test(test_query_phrases),
	    cmocka_unit_test(test_query_operators_are_literal),
	    cmocka_unit_test(test_query_repeats_and_limits),
	    cmocka_unit_test(test_query_match_of_one_phrase_and_quote_doubling),
	    cmocka_unit_test(test_marks),
	    cmocka_unit_test(test_highlight_window),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
