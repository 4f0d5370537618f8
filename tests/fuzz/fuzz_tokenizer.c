/* libFuzzer harness for the search text rules (core/xf_cjk.h) and the FTS5 side of
 * them (store/xf_search.c): the bytes are any text, as a document and as a query.
 *
 * Besides memory errors, leaks and undefined behaviour, it checks what the code
 * promises, and aborts when a promise breaks:
 * - tokens: ascending, non-overlapping byte ranges inside the text; 1 to
 *   XF_CJK_WORD_MAX bytes; either lower-case ASCII letters and digits, or one valid
 *   UTF-8 character copied from the text at its range; a token tokenizes to itself;
 * - the query: within its limits, every phrase non-empty, and its FTS5 expressions
 *   well formed (quoted phrases, '"' doubled) and shorter than XF_CJK_QUERY_MATCH_MAX;
 * - FTS5 (an in-memory table tokenized by xf_cjk, ranked by xf_bm25) accepts every
 *   expression without a syntax error, and the text, stored as a document, matches
 *   the query built from itself;
 * - marks of the query in the text find every phrase, and the highlight pieces put
 *   back together are the text (or, for a long one, a piece of it between ellipses). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "core/xf_cjk.h"
#include "store/xf_search.h"
#include "store/xf_store_db.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "broken promise: %s\n", what);
		abort();
	}
}

typedef struct tokens_seen {
	const char *text;
	size_t len, prev_end, n;
} tokens_seen;

static int count_one(void *ctx, const char *token, size_t n, size_t start, size_t end)
{
	(void)token;
	(void)n;
	(void)start;
	(void)end;
	(*(size_t *)ctx)++;
	return 0;
}

static int check_token(void *ctx, const char *token, size_t n, size_t start, size_t end)
{
	tokens_seen *s = ctx;
	check(n >= 1 && n <= XF_CJK_WORD_MAX, "token length within 1..XF_CJK_WORD_MAX");
	check(start < end && end <= s->len, "token range inside the text");
	check(start >= s->prev_end, "tokens ascending and not overlapping");
	s->prev_end = end;
	s->n++;
	unsigned char c = (unsigned char)token[0];
	if (c < 0x80) {
		for (size_t i = 0; i < n; i++)
			check((token[i] >= 'a' && token[i] <= 'z') ||
			          (token[i] >= '0' && token[i] <= '9'),
			      "a word is lower-case ASCII letters and digits");
		check(end - start >= n, "a word's range is at least its length");
	} else {
		size_t i = 0;
		check(xf_cjk_decode(token, n, &i) >= 0x80 && i == n,
		      "a character token is one character");
		check(end - start == n && memcmp(s->text + start, token, n) == 0,
		      "a character token is the text at its range");
	}
	/* a token is a fixed point of the tokenizer */
	size_t again = 0;
	xf_cjk_tokenize(token, n, count_one, &again);
	check(again == 1, "a token tokenizes to one token");
	return 0;
}

/* "..." groups separated by single spaces; inside, '"' only doubled. */
static void check_expression(const char *m, size_t len)
{
	check(len < XF_CJK_QUERY_MATCH_MAX && strlen(m) == len, "expression length");
	size_t i = 0;
	while (i < len) {
		check(m[i] == '"', "a phrase opens with '\"'");
		i++;
		for (;;) {
			check(i < len, "a phrase is closed");
			if (m[i] == '"') {
				if (i + 1 < len && m[i + 1] == '"') {
					i += 2;
					continue;
				}
				i++;
				break;
			}
			i++;
		}
		if (i < len) {
			check(m[i] == ' ' && i + 1 < len, "phrases are separated by one space");
			i++;
		}
	}
}

typedef struct pieces {
	const char *text;
	size_t size;
	char *out;
	size_t n;
	bool ellipsis_first, ellipsis_last;
	size_t count;
} pieces;

static void collect_piece(void *ctx, const char *text, size_t n, bool match)
{
	pieces *p = ctx;
	check(n > 0, "pieces are not empty");
	/* an ellipsis is the one piece that does not come from the text */
	bool is_ellipsis = text < p->text || text >= p->text + p->size;
	if (is_ellipsis) {
		check(!match && n == strlen("…") && memcmp(text, "…", n) == 0,
		      "an ellipsis is '…'");
		check(p->count == 0 || !p->ellipsis_last, "one closing ellipsis");
		if (p->count == 0)
			p->ellipsis_first = true;
		else
			p->ellipsis_last = true;
	} else {
		check(!p->ellipsis_last, "nothing after the closing ellipsis");
		memcpy(p->out + p->n, text, n);
		p->n += n;
	}
	p->count++;
}

static sqlite3 *sql;
static sqlite3_stmt *insert, *clear, *find;

static void open_index(void)
{
	if (sql)
		return;
	check(sqlite3_open(":memory:", &sql) == SQLITE_OK, "open an in-memory database");
	check(xf_search_register(sql) == XF_OK, "register xf_cjk");
	check(sqlite3_exec(sql, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='xf_cjk')", NULL,
	                   NULL, NULL) == SQLITE_OK,
	      "create the index");
	check(sqlite3_prepare_v2(sql, "INSERT INTO t (rowid, body) VALUES (1, ?1)", -1, &insert,
	                         NULL) == SQLITE_OK,
	      "prepare insert");
	check(sqlite3_prepare_v2(sql, "DELETE FROM t", -1, &clear, NULL) == SQLITE_OK,
	      "prepare delete");
	check(sqlite3_prepare_v2(sql, "SELECT rowid, xf_bm25(t, ?2, 5.0) FROM t WHERE t MATCH ?1",
	                         -1, &find, NULL) == SQLITE_OK,
	      "prepare match");
}

/* Runs an expression; returns how many rows match. Any error breaks a promise. */
static int run_match(const char *m, const int64_t *dfs, size_t n_dfs)
{
	sqlite3_reset(find);
	sqlite3_bind_text(find, 1, m, -1, SQLITE_STATIC);
	sqlite3_bind_blob(find, 2, dfs, (int)(n_dfs * sizeof *dfs), SQLITE_STATIC);
	int rows = 0, rc;
	while ((rc = sqlite3_step(find)) == SQLITE_ROW) {
		check(sqlite3_column_double(find, 1) > 0.0, "a match has a positive rank");
		rows++;
	}
	if (rc != SQLITE_DONE)
		fprintf(stderr, "expression %s: %s\n", m, sqlite3_errmsg(sql));
	check(rc == SQLITE_DONE, "FTS5 accepts the expression");
	sqlite3_reset(find);
	return rows;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;

	/* the tokenizer */
	tokens_seen seen = {text, size, 0, 0};
	check(xf_cjk_tokenize(text, size, check_token, &seen) == 0, "tokenize returns 0");

	/* the query */
	xf_cjk_query *q = malloc(sizeof *q);
	char *m = malloc(XF_CJK_QUERY_MATCH_MAX);
	check(q && m, "memory");
	xf_cjk_query_parse(q, text, size);
	check(q->n_tokens <= XF_CJK_QUERY_MAX_TOKENS, "at most XF_CJK_QUERY_MAX_TOKENS");
	check(q->n_phrases <= XF_CJK_QUERY_MAX_PHRASES, "at most XF_CJK_QUERY_MAX_PHRASES");
	check((q->n_phrases == 0) == (seen.n == 0), "phrases exactly when the text has tokens");
	size_t used = 0;
	for (size_t p = 0; p < q->n_phrases; p++) {
		check(q->phrase[p].count >= 1, "phrases are not empty");
		check(q->phrase[p].first == used, "phrases cover the tokens in order");
		used += q->phrase[p].count;
		check_expression(m, xf_cjk_query_match(q, p, m));
	}
	check(used == q->n_tokens, "phrases cover every token");
	size_t len = xf_cjk_query_match(q, XF_CJK_ALL_PHRASES, m);
	check_expression(m, len);

	/* FTS5: the text as a document matches its own query */
	open_index();
	check(sqlite3_step(clear) == SQLITE_DONE, "clear the index");
	sqlite3_reset(clear);
	sqlite3_bind_text(insert, 1, text, (int)size, SQLITE_STATIC);
	check(sqlite3_step(insert) == SQLITE_DONE, "insert the document");
	sqlite3_reset(insert);
	int64_t dfs[XF_CJK_QUERY_MAX_PHRASES];
	for (size_t p = 0; p < q->n_phrases; p++)
		dfs[p] = 1;
	if (q->n_phrases > 0) {
		check(run_match(m, dfs, q->n_phrases) == 1, "a text matches its own query");
		xf_cjk_query_match(q, 0, m);
		check(run_match(m, dfs, 1) == 1, "a text matches its first phrase");
	}
	/* the raw text as an expression may be refused, but must not crash */
	if (size < 512) {
		char *raw = malloc(size + 1);
		check(raw != NULL, "memory");
		memcpy(raw, data, size);
		raw[size] = '\0';
		sqlite3_reset(find);
		sqlite3_bind_text(find, 1, raw, -1, SQLITE_STATIC);
		sqlite3_bind_null(find, 2);
		while (sqlite3_step(find) == SQLITE_ROW)
			;
		sqlite3_reset(find);
		free(raw);
	}

	/* marks and highlights */
	xf_cjk_marks marks = XF_CJK_MARKS_INIT;
	xf_cjk_mark(q, text, size, &marks);
	check(marks.phrases == q->n_phrases, "every phrase is marked in its own text");
	check(marks.occurrences >= q->n_phrases, "at least one occurrence per phrase");
	for (size_t r = 0; r < marks.n; r++) {
		check(marks.range[r].start < marks.range[r].end && marks.range[r].end <= size,
		      "mark inside the text");
		check(r == 0 || marks.range[r].start > marks.range[r - 1].end,
		      "marks ascending, apart");
	}
	size_t max_chars = 1 + (size > 0 ? data[0] % 64 : 0);
	pieces p = {text, size, malloc(size + 1), 0, false, false, 0};
	check(p.out != NULL, "memory");
	xf_cjk_highlight(text, size, &marks, max_chars, collect_piece, &p);
	if (!p.ellipsis_first && !p.ellipsis_last)
		check(p.n == size && memcmp(p.out, text, size) == 0,
		      "a short highlight is the text");
	else
		check(p.n > 0 && p.n < size && memmem(text, size, p.out, p.n) != NULL,
		      "a cut highlight is a piece of the text");
	free(p.out);
	xf_cjk_marks_release(&marks);
	free(q);
	free(m);
	return 0;
}
