/* The text rules of full-text search, without SQLite: the tokenizer that
 * store/xf_search.c registers with FTS5 as "xf_cjk", the builder that turns what a
 * user typed into a safe FTS5 query, and the marking of matched text for highlights.
 * Pure functions over bytes, so they are unit-tested and fuzzed alone.
 *
 * Tokens (docs/search.md):
 * - every CJK ideograph, kana, Hangul syllable or jamo, bopomofo and ideographic
 *   radical is a token of its own: its UTF-8 bytes;
 * - a run of ASCII letters and digits is one token, lower-cased; fullwidth letters and
 *   digits (ＡＢＣ１２３) fold to ASCII first and join the run; a run longer than
 *   XF_CJK_WORD_MAX bytes is cut into tokens of that many bytes;
 * - everything else separates tokens: spaces, punctuation (CJK and fullwidth too),
 *   other scripts, control bytes and every byte that is not part of valid UTF-8.
 * Offsets are byte offsets into the text given, [start, end), ascending, never
 * overlapping: the tokens of a text can be highlighted in place.
 *
 * The index: FTS5 stores, besides every token, a bigram (two characters' bytes) for
 * every two character tokens in a row, at the position of the first of them; a query
 * looks a run of two or more characters up by its bigrams, which are far rarer than
 * the characters (see docs/search.md, "Why bigrams"). Matches are the same as with
 * characters alone: a phrase of bigrams at consecutive positions is the phrase of the
 * characters.
 *
 * Queries: the text is tokenized by the same rules. Tokens with only non-space
 * separators between them (none, punctuation) make one phrase: "井下工资",
 * "XF-2026-0007"; whitespace starts a new phrase, and a document must contain every
 * phrase. Quotes, operators (AND, OR, NOT, NEAR), column filters, '*' and '^' in the
 * input are separators or plain words, never syntax. */
#ifndef XF_CJK_H
#define XF_CJK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	XF_CJK_WORD_MAX = 64,          /* bytes of the longest token */
	XF_CJK_QUERY_MAX_TOKENS = 64,  /* tokens of a query beyond these are dropped */
	XF_CJK_QUERY_MAX_PHRASES = 16, /* phrases beyond these are dropped */
	XF_CJK_QUERY_MATCH_MAX =
	    XF_CJK_QUERY_MAX_TOKENS * (2 * XF_CJK_WORD_MAX + 1) + XF_CJK_QUERY_MAX_PHRASES * 3 + 1,
};

/* Decodes the code point at s[*i] (i < len) and advances *i past it. A byte that does
 * not start a valid, shortest-form UTF-8 sequence of a scalar value gives -1 and
 * advances one byte. */
int32_t xf_cjk_decode(const char *s, size_t len, size_t *i);

/* Called once per token: its text (lower-cased, folded; not NUL-terminated) and
 * where it lies in the input. A non-zero return stops the tokenizer, which returns
 * that value. */
typedef int (*xf_cjk_token_fn)(void *ctx, const char *token, size_t n, size_t start, size_t end);

/* Tokenizes text[0..len); returns 0, or the first non-zero value of emit. */
int xf_cjk_tokenize(const char *text, size_t len, xf_cjk_token_fn emit, void *ctx);

/* What FTS5 stores or looks up, through xf_cjk_tokenize. colocated: the token sits
 * at the position of the token before it (FTS5_TOKEN_COLOCATED). */
typedef int (*xf_cjk_index_fn)(void *ctx, bool colocated, const char *token, size_t n, size_t start,
                               size_t end);
/* A document: every token, and after every character that follows a character
 * token, their bigram, colocated with the first. */
int xf_cjk_index_document(const char *text, size_t len, xf_cjk_index_fn emit, void *ctx);
/* A phrase of a query: a run of two or more characters written next to each other
 * (no byte between) becomes its bigrams, followed by its last character when another
 * token follows; a lone character and a word stay as they are. */
int xf_cjk_index_query(const char *text, size_t len, xf_cjk_index_fn emit, void *ctx);

/* A parsed query: its phrases as runs of tokens. Fixed size, no allocation. */
typedef struct xf_cjk_query {
	size_t n_tokens, n_phrases;
	char token[XF_CJK_QUERY_MAX_TOKENS][XF_CJK_WORD_MAX + 1]; /* NUL-terminated */
	size_t token_len[XF_CJK_QUERY_MAX_TOKENS];
	struct {
		size_t first, count; /* token[first .. first+count) */
	} phrase[XF_CJK_QUERY_MAX_PHRASES];
} xf_cjk_query;

/* Parses what a user typed. Repeated phrases are kept once. n_phrases is 0 when the
 * text has no token. */
void xf_cjk_query_parse(xf_cjk_query *q, const char *text, size_t len);

/* The FTS5 expression of phrase i (i < n_phrases), or of the whole query (all phrases,
 * AND) when i is (size_t)-1: quoted phrases whose tokens are separated by spaces,
 * except that two characters are written next to each other (looked up as bigrams by
 * xf_cjk_index_query), a '"' doubled. Writes a NUL-terminated string of at most
 * XF_CJK_QUERY_MATCH_MAX bytes and returns its length. */
size_t xf_cjk_query_match(const xf_cjk_query *q, size_t i, char out[XF_CJK_QUERY_MATCH_MAX]);
#define XF_CJK_ALL_PHRASES ((size_t)-1)

/* Where the phrases of a query occur in a text: the matched bytes as ascending,
 * non-overlapping ranges (tokens next to each other merge into one range), how many
 * phrase occurrences there are and how many of the query's phrases occur. */
typedef struct xf_cjk_marks {
	size_t n, cap;
	struct xf_cjk_range {
		size_t start, end;
	} * range;
	size_t occurrences;
	size_t phrases;
} xf_cjk_marks;

#define XF_CJK_MARKS_INIT                                                                          \
	{                                                                                          \
		0                                                                                  \
	}

void xf_cjk_mark(const xf_cjk_query *q, const char *text, size_t len, xf_cjk_marks *out);
void xf_cjk_marks_release(xf_cjk_marks *m);

/* Called once per piece of a highlight, in order: text[0..n) and whether it matched.
 * A piece cut out of the text is followed or preceded by an ellipsis piece ("…",
 * never matched). Pieces are never empty. */
typedef void (*xf_cjk_piece_fn)(void *ctx, const char *text, size_t n, bool match);

/* Cuts a highlight of at most max_chars characters (max_chars >= 1) out of text: the
 * whole text when it is that short, else a window that starts a little before the
 * first mark. Characters are counted as xf_cjk_decode walks (an invalid byte is one). */
void xf_cjk_highlight(const char *text, size_t len, const xf_cjk_marks *marks, size_t max_chars,
                      xf_cjk_piece_fn emit, void *ctx);

#endif
