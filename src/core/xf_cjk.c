/* The search tokenizer, query builder and highlighter: see xf_cjk.h. */
#include "core/xf_cjk.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/xf_util.h"

int32_t xf_cjk_decode(const char *s, size_t len, size_t *i)
{
	const unsigned char *p = (const unsigned char *)s + *i;
	size_t left = len - *i;
	unsigned char b0 = p[0];
	int32_t cp;
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf; /* the allowed range of the second byte */

	if (b0 < 0x80) {
		*i += 1;
		return b0;
	}
	if (b0 >= 0xc2 && b0 <= 0xdf) {
		n = 2;
		cp = b0 & 0x1f;
	} else if (b0 >= 0xe0 && b0 <= 0xef) {
		n = 3;
		cp = b0 & 0x0f;
		if (b0 == 0xe0)
			lo = 0xa0; /* no overlong forms */
		else if (b0 == 0xed)
			hi = 0x9f; /* no surrogates */
	} else if (b0 >= 0xf0 && b0 <= 0xf4) {
		n = 4;
		cp = b0 & 0x07;
		if (b0 == 0xf0)
			lo = 0x90;
		else if (b0 == 0xf4)
			hi = 0x8f; /* nothing above U+10FFFF */
	} else {
		*i += 1;
		return -1;
	}
	if (left < n || p[1] < lo || p[1] > hi) {
		*i += 1;
		return -1;
	}
	for (size_t k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80) {
			*i += 1;
			return -1;
		}
		cp = (cp << 6) | (p[k] & 0x3f);
	}
	*i += n;
	return cp;
}

enum { SEPARATOR, WORD, IDEOGRAPH };

/* Ideographs and the syllabic scripts written with them, one token per character;
 * the most frequent range first. */
static const struct {
	int32_t lo, hi;
} cjk_ranges[] = {
    {0x4e00, 0x9fff},   /* CJK Unified Ideographs */
    {0x3400, 0x4dbf},   /* Extension A */
    {0x20000, 0x323af}, /* Extensions B to H, compatibility supplement */
    {0xf900, 0xfaff},   /* Compatibility Ideographs */
    {0x2e80, 0x2fdf},   /* radicals, Kangxi radicals */
    {0x3005, 0x3007},   /* 々 〆 〇 */
    {0x3021, 0x3029},   /* Hangzhou numerals */
    {0x3041, 0x309f},   /* Hiragana */
    {0x30a1, 0x30fa},   /* Katakana (not ・) */
    {0x30fc, 0x30ff},   /* ー and Katakana marks */
    {0x31f0, 0x31ff},   /* Katakana extension */
    {0xff66, 0xff9f},   /* halfwidth Katakana */
    {0x3105, 0x312f},   /* Bopomofo */
    {0x31a0, 0x31bf},   /* Bopomofo extension */
    {0xac00, 0xd7a3},   /* Hangul syllables */
    {0x1100, 0x11ff},   /* Hangul jamo */
    {0x3131, 0x318e},   /* Hangul compatibility jamo */
};

static bool is_cjk(int32_t cp)
{
	for (size_t i = 0; i < sizeof cjk_ranges / sizeof cjk_ranges[0]; i++)
		if (cp >= cjk_ranges[i].lo && cp <= cjk_ranges[i].hi)
			return true;
	return false;
}

/* The class of a code point; for WORD, *c is the lower-case ASCII letter or digit. */
static int classify(int32_t cp, char *c)
{
	if (cp >= 0xff10 && cp <= 0xff5e)
		cp -= 0xfee0; /* fullwidth forms of ASCII */
	if ((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z')) {
		*c = (char)cp;
		return WORD;
	}
	if (cp >= 'A' && cp <= 'Z') {
		*c = (char)(cp - 'A' + 'a');
		return WORD;
	}
	return cp >= 0x80 && is_cjk(cp) ? IDEOGRAPH : SEPARATOR;
}

int xf_cjk_tokenize(const char *text, size_t len, xf_cjk_token_fn emit, void *ctx)
{
	char word[XF_CJK_WORD_MAX];
	size_t n_word = 0, word_start = 0, word_end = 0;
	size_t i = 0;
	int rc;

	while (i < len) {
		size_t at = i;
		int32_t cp = xf_cjk_decode(text, len, &i);
		char c = 0;
		int cls = cp < 0 ? SEPARATOR : classify(cp, &c);
		if (cls == WORD && n_word < XF_CJK_WORD_MAX) {
			if (n_word == 0)
				word_start = at;
			word[n_word++] = c;
			word_end = i;
			continue;
		}
		if (n_word > 0) {
			rc = emit(ctx, word, n_word, word_start, word_end);
			if (rc)
				return rc;
			n_word = 0;
		}
		if (cls == WORD) { /* the run was full: this character starts the next token */
			word_start = at;
			word[n_word++] = c;
			word_end = i;
		} else if (cls == IDEOGRAPH) {
			rc = emit(ctx, text + at, i - at, at, i);
			if (rc)
				return rc;
		}
	}
	return n_word > 0 ? emit(ctx, word, n_word, word_start, word_end) : 0;
}

/* ---- what FTS5 indexes ---- */

/* A character token (not a word) starts with a non-ASCII byte. */
static bool is_character(const char *token)
{
	return (unsigned char)token[0] >= 0x80;
}

typedef struct index_state {
	xf_cjk_index_fn emit;
	void *ctx;
	char prev[4]; /* the previous token when it was a character */
	size_t prev_len, prev_start, prev_end;
	size_t run; /* query: characters in the current run, the last one not yet emitted */
} index_state;

static int emit_bigram(index_state *s, bool colocated, const char *token, size_t n, size_t end)
{
	char pair[8];
	memcpy(pair, s->prev, s->prev_len);
	memcpy(pair + s->prev_len, token, n);
	return s->emit(s->ctx, colocated, pair, s->prev_len + n, s->prev_start, end);
}

static void remember(index_state *s, const char *token, size_t n, size_t start, size_t end)
{
	if (is_character(token)) {
		assert(n <= sizeof s->prev);
		memcpy(s->prev, token, n);
		s->prev_len = n;
		s->prev_start = start;
		s->prev_end = end;
	} else {
		s->prev_len = 0;
	}
}

static int document_token(void *ctx, const char *token, size_t n, size_t start, size_t end)
{
	index_state *s = ctx;
	int rc;
	if (s->prev_len > 0 && is_character(token)) {
		rc = emit_bigram(s, true, token, n, end);
		if (rc)
			return rc;
	}
	rc = s->emit(s->ctx, false, token, n, start, end);
	remember(s, token, n, start, end);
	return rc;
}

int xf_cjk_index_document(const char *text, size_t len, xf_cjk_index_fn emit, void *ctx)
{
	index_state s = {.emit = emit, .ctx = ctx};
	return xf_cjk_tokenize(text, len, document_token, &s);
}

/* Ends a run of characters before another token: a lone character is looked up as
 * itself, a longer run also needs its last character for the position after it. */
static int end_run(index_state *s)
{
	int rc = 0;
	if (s->run > 0)
		rc = s->emit(s->ctx, false, s->prev, s->prev_len, s->prev_start, s->prev_end);
	s->run = 0;
	return rc;
}

static int query_index_token(void *ctx, const char *token, size_t n, size_t start, size_t end)
{
	index_state *s = ctx;
	int rc;
	if (s->run > 0 && is_character(token) && s->prev_end == start) {
		rc = emit_bigram(s, false, token, n, end);
		s->run++;
	} else {
		rc = end_run(s);
		if (rc == 0 && is_character(token))
			s->run = 1;
		else if (rc == 0)
			rc = s->emit(s->ctx, false, token, n, start, end);
	}
	remember(s, token, n, start, end);
	return rc;
}

int xf_cjk_index_query(const char *text, size_t len, xf_cjk_index_fn emit, void *ctx)
{
	index_state s = {.emit = emit, .ctx = ctx};
	int rc = xf_cjk_tokenize(text, len, query_index_token, &s);
	if (rc == 0 && s.run == 1)
		rc = end_run(&s);
	return rc;
}

/* ---- queries ---- */

static bool is_space(int32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 || cp == 0xa0 ||
	       cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 || cp == 0x2029 ||
	       cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

typedef struct query_state {
	xf_cjk_query *q;
	const char *text;
	size_t text_len;
	size_t prev_end; /* end of the previous token; text_len + 1 before the first */
	size_t current;  /* first token of the phrase being read */
	bool dropped;    /* tokens or phrases were left out */
} query_state;

static bool has_space(const char *text, size_t from, size_t to)
{
	for (size_t i = from; i < to;)
		if (is_space(xf_cjk_decode(text, to, &i)))
			return true;
	return false;
}

static bool same_phrase(const xf_cjk_query *q, size_t a_first, size_t b_first, size_t count)
{
	for (size_t k = 0; k < count; k++)
		if (q->token_len[a_first + k] != q->token_len[b_first + k] ||
		    memcmp(q->token[a_first + k], q->token[b_first + k],
		           q->token_len[a_first + k]) != 0)
			return false;
	return true;
}

/* Closes the phrase being read: keeps it unless it is empty or a repeat. */
static void close_phrase(query_state *s)
{
	xf_cjk_query *q = s->q;
	size_t count = q->n_tokens - s->current;
	if (count == 0)
		return;
	for (size_t p = 0; p < q->n_phrases; p++) {
		if (q->phrase[p].count == count &&
		    same_phrase(q, q->phrase[p].first, s->current, count)) {
			q->n_tokens = s->current;
			return;
		}
	}
	if (q->n_phrases == XF_CJK_QUERY_MAX_PHRASES) {
		q->n_tokens = s->current;
		s->dropped = true;
		return;
	}
	q->phrase[q->n_phrases].first = s->current;
	q->phrase[q->n_phrases].count = count;
	q->n_phrases++;
	s->current = q->n_tokens;
}

static int query_token(void *ctx, const char *token, size_t n, size_t start, size_t end)
{
	query_state *s = ctx;
	xf_cjk_query *q = s->q;
	if (s->prev_end <= s->text_len && has_space(s->text, s->prev_end, start))
		close_phrase(s);
	if (s->dropped)
		return 1; /* no room for another phrase: the rest of the text is dropped */
	if (q->n_tokens == XF_CJK_QUERY_MAX_TOKENS) {
		s->dropped = true;
		return 1;
	}
	assert(n <= XF_CJK_WORD_MAX);
	memcpy(q->token[q->n_tokens], token, n);
	q->token[q->n_tokens][n] = '\0';
	q->token_len[q->n_tokens] = n;
	q->n_tokens++;
	s->prev_end = end;
	return 0;
}

void xf_cjk_query_parse(xf_cjk_query *q, const char *text, size_t len)
{
	q->n_tokens = 0;
	q->n_phrases = 0;
	query_state s = {.q = q, .text = text, .text_len = len, .prev_end = len + 1};
	xf_cjk_tokenize(text, len, query_token, &s);
	close_phrase(&s);
}

static size_t put_phrase(const xf_cjk_query *q, size_t p, char *out, size_t at)
{
	out[at++] = '"';
	for (size_t k = 0; k < q->phrase[p].count; k++) {
		size_t t = q->phrase[p].first + k;
		/* characters next to each other are looked up by their bigrams */
		if (k > 0 && !(is_character(q->token[t - 1]) && is_character(q->token[t])))
			out[at++] = ' ';
		for (size_t b = 0; b < q->token_len[t]; b++) {
			if (q->token[t][b] == '"')
				out[at++] = '"';
			out[at++] = q->token[t][b];
		}
	}
	out[at++] = '"';
	return at;
}

size_t xf_cjk_query_match(const xf_cjk_query *q, size_t i, char out[XF_CJK_QUERY_MATCH_MAX])
{
	size_t at = 0;
	if (i != XF_CJK_ALL_PHRASES) {
		assert(i < q->n_phrases);
		at = put_phrase(q, i, out, at);
	} else {
		for (size_t p = 0; p < q->n_phrases; p++) {
			if (p > 0)
				out[at++] = ' ';
			at = put_phrase(q, p, out, at);
		}
	}
	assert(at < XF_CJK_QUERY_MATCH_MAX);
	out[at] = '\0';
	return at;
}

/* ---- marks and highlights ---- */

typedef struct text_token {
	size_t start, end;
	size_t text_at, text_len; /* the token's (folded) text in the pool */
} text_token;

typedef struct token_list {
	text_token *t;
	size_t n, cap;
	char *pool;
	size_t pool_len, pool_cap;
} token_list;

static int collect_token(void *ctx, const char *token, size_t n, size_t start, size_t end)
{
	token_list *l = ctx;
	XF_GROW(l->t, l->n + 1, l->cap);
	XF_GROW(l->pool, l->pool_len + n, l->pool_cap);
	memcpy(l->pool + l->pool_len, token, n);
	l->t[l->n++] = (text_token){start, end, l->pool_len, n};
	l->pool_len += n;
	return 0;
}

static bool phrase_at(const xf_cjk_query *q, size_t p, const token_list *l, size_t at)
{
	size_t count = q->phrase[p].count;
	if (count > l->n - at)
		return false;
	for (size_t k = 0; k < count; k++) {
		const text_token *t = &l->t[at + k];
		size_t qt = q->phrase[p].first + k;
		if (t->text_len != q->token_len[qt] ||
		    memcmp(l->pool + t->text_at, q->token[qt], t->text_len) != 0)
			return false;
	}
	return true;
}

static void add_range(xf_cjk_marks *m, size_t start, size_t end)
{
	assert(start < end); /* a token is never empty */
	if (m->n > 0 && m->range[m->n - 1].end == start) {
		m->range[m->n - 1].end = end;
		return;
	}
	XF_GROW(m->range, m->n + 1, m->cap);
	m->range[m->n].start = start;
	m->range[m->n].end = end;
	m->n++;
}

void xf_cjk_mark(const xf_cjk_query *q, const char *text, size_t len, xf_cjk_marks *out)
{
	out->n = 0;
	out->occurrences = 0;
	out->phrases = 0;
	token_list l = {0};
	xf_cjk_tokenize(text, len, collect_token, &l);

	bool *marked = xf_calloc(l.n ? l.n : 1, sizeof *marked);
	bool seen[XF_CJK_QUERY_MAX_PHRASES] = {false};
	for (size_t at = 0; at < l.n; at++) {
		for (size_t p = 0; p < q->n_phrases; p++) {
			if (!phrase_at(q, p, &l, at))
				continue;
			out->occurrences++;
			if (!seen[p]) {
				seen[p] = true;
				out->phrases++;
			}
			for (size_t k = 0; k < q->phrase[p].count; k++)
				marked[at + k] = true;
		}
	}
	for (size_t at = 0; at < l.n; at++)
		if (marked[at])
			add_range(out, l.t[at].start, l.t[at].end);
	free(marked);
	free(l.t);
	free(l.pool);
}

void xf_cjk_marks_release(xf_cjk_marks *m)
{
	free(m->range);
	*m = (xf_cjk_marks)XF_CJK_MARKS_INIT;
}

static const char ellipsis[] = "…";

/* The byte offset after `chars` characters from byte `from`. */
static size_t skip_chars(const char *text, size_t len, size_t from, size_t chars)
{
	size_t i = from;
	while (chars-- > 0 && i < len)
		xf_cjk_decode(text, len, &i);
	return i;
}

static size_t count_chars(const char *text, size_t from, size_t to)
{
	size_t n = 0;
	for (size_t i = from; i < to; n++)
		xf_cjk_decode(text, to, &i);
	return n;
}

void xf_cjk_highlight(const char *text, size_t len, const xf_cjk_marks *marks, size_t max_chars,
                      xf_cjk_piece_fn emit, void *ctx)
{
	assert(max_chars >= 1);
	size_t total = count_chars(text, 0, len);
	size_t from = 0, to = len;
	if (total > max_chars) {
		/* start a fifth of the window before the first match, but fill the window */
		size_t first = marks->n > 0 ? count_chars(text, 0, marks->range[0].start) : 0;
		size_t lead = max_chars / 5;
		size_t start_char = first > lead ? first - lead : 0;
		if (start_char > total - max_chars)
			start_char = total - max_chars;
		from = skip_chars(text, len, 0, start_char);
		to = skip_chars(text, len, from, max_chars);
	}
	if (from > 0)
		emit(ctx, ellipsis, sizeof ellipsis - 1, false);
	size_t at = from;
	for (size_t r = 0; r < marks->n && at < to; r++) {
		size_t s = marks->range[r].start, e = marks->range[r].end;
		if (e <= at)
			continue;
		if (s < at)
			s = at;
		if (s >= to)
			break;
		if (e > to)
			e = to;
		if (s > at)
			emit(ctx, text + at, s - at, false);
		emit(ctx, text + s, e - s, true);
		at = e;
	}
	if (at < to)
		emit(ctx, text + at, to - at, false);
	if (to < len)
		emit(ctx, ellipsis, sizeof ellipsis - 1, false);
}
