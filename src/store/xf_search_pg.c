/* Full-text search on PostgreSQL: see xf_search_pg.h, and xf_search.c for the SQLite
 * side whose hits these reproduce.
 *
 * How the tokens reach the tsvector: xf_cjk_index_document (core/xf_cjk.h, the same
 * call FTS5's tokenizer makes on SQLite) gives every token of the title and then of
 * the body with FTS5's positions (a bigram shares the position of its first
 * character). We write them as a tsvector literal, 'token':position, title positions
 * with weight A, and PostgreSQL casts it (CAST(? AS tsvector)): no parser of
 * PostgreSQL sees our text, so the lexemes are exactly FTS5's, whatever the server's
 * locale. The body's positions start two after the title's last, so that no phrase
 * runs from the title into the body (FTS5 keeps columns apart). `simple` is the
 * configuration whose lexemes are the tokens as given: no stemming, no stop words.
 *
 * Queries: xf_cjk_query_parse, then each phrase's FTS5 expression (xf_cjk_query_match)
 * through xf_cjk_index_query, as FTS5 tokenizes it on SQLite: the tokens become a
 * tsquery phrase 'a' <-> 'b' (consecutive positions, as FTS5's phrase), the phrases
 * joined by &. The GIN index finds the candidates; PostgreSQL rechecks the positions.
 *
 * Ranking: xf_search.c's bm25 (k1 1.2, b 0.75, title weight 5, body 1), with the same
 * inputs: the number of documents and their total length (token positions, stored per
 * document in `size`), each phrase's document count up to the rank window, and per
 * matched document each phrase's occurrences in title and body, counted here with
 * xf_cjk_mark on the document's text (exact, where tsvector positions are not: see
 * Limits). The same rank window: when every phrase is in at least `window` documents,
 * only the newest `window` matches (by id, the order of the last put) are ranked.
 * Equal scores: newest first. The logarithm comes from PostgreSQL's ln() (the library
 * links without libm); SQLite's side uses its own series, so ranks may differ in the
 * last bits: the order does not (equal inputs give equal scores on each side).
 *
 * Highlights: the same xf_cjk_mark and xf_cjk_highlight over the stored text, the same
 * choice of column, the same [[text, is_match], ...] segments.
 *
 * Limits (differences from SQLite, on long documents only): a
 * tsvector keeps positions up to 16383 and 256 positions per lexeme, so in a document
 * longer than 16383 tokens (characters and words) a phrase after that point is not
 * found, and a lexeme's 257th and later occurrences take no part in phrase matches;
 * a tsvector holds at most 1 MB of lexemes (a put of a larger document fails). A
 * candidate that the text shows not to contain every phrase is dropped, so these
 * never add a hit; the document counts of the rank (df) come from the tsvector.
 * tests/unit/test_search_pg.c pins this difference with such documents.
 *
 * A query reads one snapshot: in the caller's transaction, or in a read transaction
 * of its own. The totals of the rank are summed over search_docs on each query (a few
 * ms per 20,000 documents); a one-row table kept by put and remove would make it
 * constant.
 *
 * Wiring (what the store needs to call this on PostgreSQL): the migration runs
 * xf_search_pg_ddl (migration 6 does); xf_search_put/remove/query dispatch on
 * xf_sql_dialect() to these with the store's connection; one rank window variable for
 * both; the highlight builder below and xf_search.c's move to one shared file (they
 * are the same code); check and rebuild on PostgreSQL re-tokenize search_docs and
 * compare or rewrite tsv and size (not written yet); optimize is VACUUM ANALYZE. */
#include "store/xf_search_pg.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xf_cjk.h"
#include "store/xf_search_hits.h"
#include "util/xf_buf.h"

/* The migration's DDL. `size` is the document's length for bm25 (token positions of
 * title and body, FTS5's xColumnSize); `tsv` the tokens with their positions. The
 * identity orders documents by their last put, as SQLite's rowid does. */
const char xf_search_pg_ddl[] =
    "CREATE TABLE search_docs ("
    "  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('incident','person','matter','note','meeting')),"
    "  object_id BIGINT NOT NULL,"
    "  incident_id BIGINT NOT NULL DEFAULT 0,"
    "  person_id BIGINT NOT NULL DEFAULT 0,"
    "  title TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  size INTEGER NOT NULL,"
    "  tsv TSVECTOR NOT NULL);"
    "CREATE UNIQUE INDEX search_docs_object ON search_docs (kind, object_id);"
    "CREATE INDEX search_docs_tsv ON search_docs USING GIN (tsv);";

/* The largest position a tsvector keeps (PostgreSQL's MAXENTRYPOS - 1). */
#define TSV_MAX_POSITION 16383

static int64_t rank_window = XF_SEARCH_RANK_WINDOW;

void xf_search_pg_set_rank_window(int64_t window)
{
	rank_window = window > 0 ? window : 0;
}

/* ---- text ---- */

/* text with every byte that is not valid UTF-8 replaced by U+FFFD, one per byte, as
 * xf_search_text_json answers it; the tokens stay the same (both separate). */
static void clean_text(const char *text, xf_buf *out)
{
	size_t n = strlen(text);
	xf_buf_reset(out);
	xf_buf_append(out, "", 0);
	for (size_t i = 0; i < n;) {
		size_t at = i;
		if (xf_cjk_decode(text, n, &i) < 0)
			xf_buf_puts(out, "\xef\xbf\xbd");
		else
			xf_buf_append(out, text + at, i - at);
	}
}

/* A lexeme in a tsvector or tsquery literal: quoted, ' and \ escaped. */
static void put_lexeme(xf_buf *b, const char *token, size_t n)
{
	xf_buf_puts(b, "'");
	for (size_t i = 0; i < n; i++) {
		if (token[i] == '\'' || token[i] == '\\')
			xf_buf_puts(b, "\\");
		xf_buf_append(b, token + i, 1);
	}
	xf_buf_puts(b, "'");
}

/* ---- documents ---- */

typedef struct tsv_builder {
	xf_buf *lit;
	int64_t base; /* positions of this column start after base */
	int64_t size; /* token positions in this column so far */
	const char *weight;
} tsv_builder;

static int tsv_token(void *ctx, bool colocated, const char *token, size_t n, size_t start,
                     size_t end)
{
	(void)start;
	(void)end;
	tsv_builder *t = ctx;
	if (!colocated || t->size == 0)
		t->size++;
	int64_t position = t->base + t->size;
	if (position > TSV_MAX_POSITION)
		position = TSV_MAX_POSITION;
	put_lexeme(t->lit, token, n);
	xf_buf_printf(t->lit, ":%lld%s ", (long long)position, t->weight);
	return 0;
}

/* The tsvector literal of a document and its length in token positions. */
static void document_tsvector(const char *title, const char *body, xf_buf *lit, int64_t *size)
{
	xf_buf_reset(lit);
	xf_buf_append(lit, "", 0);
	tsv_builder t = {lit, 0, 0, "A"};
	xf_cjk_index_document(title, strlen(title), tsv_token, &t);
	tsv_builder b = {lit, t.size + 1, 0, ""};
	xf_cjk_index_document(body, strlen(body), tsv_token, &b);
	*size = t.size + b.size;
}

static bool known_kind(const char *kind)
{
	static const char *const kinds[] = {"incident", "person", "matter", "note", "meeting"};
	for (size_t i = 0; kind && i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kind, kinds[i]) == 0)
			return true;
	return false;
}

static int step_done(xf_sql_stmt *st)
{
	int rc = xf_sql_step(st);
	xf_sql_reset(st);
	return rc == XF_SQL_DONE || rc == XF_SQL_ROW ? XF_OK : rc;
}

/* Deletes the document of (kind, id) unless it equals doc (title and body cleaned);
 * *unchanged tells that it was left. */
static int remove_doc(xf_sql *c, const char *kind, int64_t id, const xf_search_doc *doc,
                      bool *unchanged)
{
	*unchanged = false;
	xf_sql_stmt *st = xf_sql_prepare(c, "SELECT id, incident_id, person_id, title, body"
	                                    " FROM search_docs WHERE kind = ? AND object_id = ?");
	xf_sql_bind_text(st, 1, kind, -1);
	xf_sql_bind_int64(st, 2, id);
	int rc = xf_sql_step(st);
	if (rc != XF_SQL_ROW) {
		xf_sql_reset(st);
		return rc == XF_SQL_DONE ? XF_OK : rc;
	}
	int64_t row = xf_sql_column_int64(st, 0);
	*unchanged = doc && xf_sql_column_int64(st, 1) == doc->incident_id &&
	             xf_sql_column_int64(st, 2) == doc->person_id &&
	             strcmp(xf_sql_column_text(st, 3), doc->title) == 0 &&
	             strcmp(xf_sql_column_text(st, 4), doc->body) == 0;
	xf_sql_reset(st);
	if (*unchanged)
		return XF_OK;
	st = xf_sql_prepare(c, "DELETE FROM search_docs WHERE id = ?");
	xf_sql_bind_int64(st, 1, row);
	return step_done(st);
}

/* doc with its title and body cleaned. */
static int put_doc(xf_sql *c, const xf_search_doc *doc)
{
	bool unchanged;
	int rc = remove_doc(c, doc->kind, doc->id, doc, &unchanged);
	if (rc != XF_OK || unchanged)
		return rc;
	xf_buf lit = XF_BUF_INIT;
	int64_t size;
	document_tsvector(doc->title, doc->body, &lit, &size);
	xf_sql_stmt *st = xf_sql_prepare(
	    c, "INSERT INTO search_docs (kind, object_id, incident_id, person_id, title, body,"
	       " size, tsv) VALUES (?, ?, ?, ?, ?, ?, ?, CAST(? AS tsvector))");
	xf_sql_bind_text(st, 1, doc->kind, -1);
	xf_sql_bind_int64(st, 2, doc->id);
	xf_sql_bind_int64(st, 3, doc->incident_id);
	xf_sql_bind_int64(st, 4, doc->person_id);
	xf_sql_bind_text(st, 5, doc->title, -1);
	xf_sql_bind_text(st, 6, doc->body, -1);
	xf_sql_bind_int64(st, 7, size);
	xf_sql_bind_text(st, 8, lit.data, (int)lit.len);
	rc = step_done(st);
	xf_buf_release(&lit);
	return rc;
}

typedef struct change {
	const xf_search_doc *doc; /* a put; NULL for a remove */
	const char *kind;
	int64_t id;
} change;

static int run_change(xf_sql *c, const change *ch)
{
	bool unchanged;
	return ch->doc ? put_doc(c, ch->doc) : remove_doc(c, ch->kind, ch->id, NULL, &unchanged);
}

/* A change as one unit, as in xf_search.c: in a savepoint of the caller's
 * transaction (a failure leaves nothing half done even if the caller commits), or in
 * a transaction of its own. */
static int in_transaction(xf_sql *c, const change *ch)
{
	bool own = !xf_sql_in_transaction(c);
	int rc =
	    own ? xf_sql_begin(c, true) : xf_sql_exec(xf_sql_prepare(c, "SAVEPOINT xf_search"));
	if (rc != XF_OK)
		return rc;
	rc = run_change(c, ch);
	if (own) {
		if (rc == XF_OK)
			return xf_sql_commit(c);
		xf_sql_rollback(c);
		return rc;
	}
	if (rc != XF_OK) {
		/* the failure keeps its message: only a failure sets one */
		xf_sql_exec(xf_sql_prepare(c, "ROLLBACK TO SAVEPOINT xf_search"));
		xf_sql_exec(xf_sql_prepare(c, "RELEASE SAVEPOINT xf_search"));
		return rc;
	}
	return xf_sql_exec(xf_sql_prepare(c, "RELEASE SAVEPOINT xf_search"));
}

int xf_search_pg_put(xf_sql *c, const xf_search_doc *doc)
{
	if (!known_kind(doc->kind)) {
		assert(!"xf_search_pg_put: unknown kind");
		return XF_ERR;
	}
	xf_buf title = XF_BUF_INIT, body = XF_BUF_INIT;
	clean_text(doc->title ? doc->title : "", &title);
	clean_text(doc->body ? doc->body : "", &body);
	xf_search_doc d = *doc;
	d.title = title.data;
	d.body = body.data;
	change ch = {&d, d.kind, d.id};
	int rc = in_transaction(c, &ch);
	xf_buf_release(&title);
	xf_buf_release(&body);
	return rc;
}

int xf_search_pg_remove(xf_sql *c, const char *kind, int64_t id)
{
	if (!known_kind(kind)) {
		assert(!"xf_search_pg_remove: unknown kind");
		return XF_ERR;
	}
	change ch = {NULL, kind, id};
	return in_transaction(c, &ch);
}

/* ---- queries ---- */

typedef struct query_work {
	xf_cjk_query q;
	/* each phrase alone, to count its occurrences with xf_cjk_mark */
	xf_cjk_query one[XF_CJK_QUERY_MAX_PHRASES];
	char match[XF_CJK_QUERY_MATCH_MAX];
	xf_buf tsquery;
	int64_t rows, df[XF_CJK_QUERY_MAX_PHRASES];
	double avgdl, idf[XF_CJK_QUERY_MAX_PHRASES];
} query_work;

typedef struct tsquery_builder {
	xf_buf *out;
	bool first;
} tsquery_builder;

static int tsquery_token(void *ctx, bool colocated, const char *token, size_t n, size_t start,
                         size_t end)
{
	(void)colocated; /* a query's tokens follow each other */
	(void)start;
	(void)end;
	tsquery_builder *t = ctx;
	if (!t->first)
		xf_buf_puts(t->out, " <-> ");
	t->first = false;
	put_lexeme(t->out, token, n);
	return 0;
}

/* Appends phrase p (or every phrase, AND, for XF_CJK_ALL_PHRASES) as a tsquery: the
 * tokens FTS5 looks the phrase up by, at consecutive positions. */
static void append_tsquery(query_work *w, size_t p)
{
	if (p == XF_CJK_ALL_PHRASES) {
		for (size_t i = 0; i < w->q.n_phrases; i++) {
			xf_buf_puts(&w->tsquery, i > 0 ? " & (" : "(");
			append_tsquery(w, i);
			xf_buf_puts(&w->tsquery, ")");
		}
		return;
	}
	size_t n = xf_cjk_query_match(&w->q, p, w->match);
	tsquery_builder t = {&w->tsquery, true};
	xf_cjk_index_query(w->match, n, tsquery_token, &t);
}

static const char *tsquery_text(query_work *w, size_t p)
{
	xf_buf_reset(&w->tsquery);
	xf_buf_append(&w->tsquery, "", 0);
	append_tsquery(w, p);
	return w->tsquery.data;
}

/* The number of documents and the average length, as FTS5's xRowCount and
 * xColumnTotalSize give them to xf_bm25. */
static int read_totals(xf_sql *c, query_work *w)
{
	xf_sql_stmt *st =
	    xf_sql_prepare(c, "SELECT count(*), COALESCE(sum(size), 0) FROM search_docs");
	int rc = xf_sql_step(st);
	if (rc != XF_SQL_ROW) {
		xf_sql_reset(st);
		return rc == XF_SQL_DONE ? XF_ERR : rc;
	}
	int64_t rows = xf_sql_column_int64(st, 0), tokens = xf_sql_column_int64(st, 1);
	xf_sql_reset(st);
	w->rows = rows > 0 ? rows : 1;
	w->avgdl = tokens > 0 ? (double)tokens / (double)w->rows : 1.0;
	return XF_OK;
}

/* The documents of phrase p, counted up to window (0: all). */
static int count_documents(xf_sql *c, query_work *w, size_t p, int64_t window)
{
	xf_sql_stmt *st = xf_sql_prepare(c, "SELECT count(*) FROM (SELECT 1 FROM search_docs"
	                                    " WHERE tsv @@ CAST(? AS tsquery) LIMIT ?) m");
	xf_sql_bind_text(st, 1, tsquery_text(w, p), -1);
	if (window > 0)
		xf_sql_bind_int64(st, 2, window);
	else
		xf_sql_bind_null(st, 2);
	int rc = xf_sql_step(st);
	w->df[p] = rc == XF_SQL_ROW ? xf_sql_column_int64(st, 0) : 0;
	xf_sql_reset(st);
	return rc == XF_SQL_ROW ? XF_OK : rc == XF_SQL_DONE ? XF_ERR : rc;
}

/* Every phrase's idf from its document count (xf_search_idf, as on SQLite). */
static void compute_idf(query_work *w)
{
	for (size_t i = 0; i < w->q.n_phrases; i++)
		w->idf[i] = xf_search_idf(w->rows, w->df[i]);
}

/* The occurrences of phrase p in text. */
static size_t occurrences(const query_work *w, size_t p, const char *text)
{
	xf_cjk_marks m = XF_CJK_MARKS_INIT;
	xf_cjk_mark(&w->one[p], text, strlen(text), &m);
	size_t n = m.occurrences;
	xf_cjk_marks_release(&m);
	return n;
}

/* xf_bm25's score of a document; false when the text lacks a phrase (a match that
 * only the tsvector's clipped positions made). */
static bool score_document(const query_work *w, const char *title, const char *body, int64_t size,
                           double *score)
{
	*score = 0.0;
	for (size_t i = 0; i < w->q.n_phrases; i++) {
		double freq = (double)occurrences(w, i, title) * XF_SEARCH_TITLE_WEIGHT +
		              (double)occurrences(w, i, body) * XF_SEARCH_BODY_WEIGHT;
		if (freq == 0.0)
			return false;
		*score += xf_search_bm25_term(w->idf[i], freq, (double)size, w->avgdl);
	}
	return true;
}

/* The matches of the whole query, scored: the newest `window` of them when window > 0,
 * else all. */
static int collect_matches(xf_sql *c, query_work *w, int64_t window, xf_search_ranked **out,
                           size_t *n)
{
	xf_sql_stmt *st =
	    window > 0
	        ? xf_sql_prepare(c, "SELECT id, size, title, body FROM search_docs"
	                            " WHERE tsv @@ CAST(? AS tsquery) ORDER BY id DESC LIMIT ?")
	        : xf_sql_prepare(c, "SELECT id, size, title, body FROM search_docs"
	                            " WHERE tsv @@ CAST(? AS tsquery)");
	xf_sql_bind_text(st, 1, tsquery_text(w, XF_CJK_ALL_PHRASES), -1);
	if (window > 0)
		xf_sql_bind_int64(st, 2, window);
	size_t cap = 0;
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		double score;
		if (!score_document(w, xf_sql_column_text(st, 2), xf_sql_column_text(st, 3),
		                    xf_sql_column_int64(st, 1), &score))
			continue;
		XF_GROW(*out, *n + 1, cap);
		(*out)[(*n)++] = (xf_search_ranked){xf_sql_column_int64(st, 0), score};
	}
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : rc;
}

/* ---- hits (xf_search_hits.h: the same shape and highlight as on SQLite) ---- */

static int hit_json(xf_sql *c, const xf_cjk_query *q, const xf_search_ranked *r, json_t **out)
{
	xf_sql_stmt *st = xf_sql_prepare(c, "SELECT kind, object_id, incident_id, person_id, title,"
	                                    " body FROM search_docs WHERE id = ?");
	xf_sql_bind_int64(st, 1, r->id);
	int rc = xf_sql_step(st);
	if (rc != XF_SQL_ROW) {
		xf_sql_reset(st);
		return rc == XF_SQL_DONE ? XF_NOTFOUND : rc;
	}
	xf_search_doc_row doc = {
	    .kind = xf_sql_column_text(st, 0),
	    .object_id = xf_sql_column_int64(st, 1),
	    .incident_id = xf_sql_column_int64(st, 2),
	    .person_id = xf_sql_column_int64(st, 3),
	    .title = xf_sql_column_text(st, 4),
	    .body = xf_sql_column_text(st, 5),
	};
	doc.title_len = strlen(doc.title);
	doc.body_len = strlen(doc.body);
	*out = xf_search_hit_json(q, &doc, r->score);
	xf_sql_reset(st);
	return *out ? XF_OK : XF_ERR;
}

/* Every phrase's document count (up to the window), then the matches ranked as
 * xf_search.c's run_query ranks them. */
static int run_query(xf_sql *c, query_work *w, int limit, json_t *hits)
{
	int64_t window = rank_window;
	bool all_common = window > 0;
	int rc = read_totals(c, w);
	for (size_t p = 0; rc == XF_OK && p < w->q.n_phrases; p++) {
		rc = count_documents(c, w, p, window);
		if (rc == XF_OK && w->df[p] == 0)
			return XF_OK; /* every phrase must occur */
		if (w->df[p] < window)
			all_common = false;
	}
	if (rc == XF_OK)
		compute_idf(w);
	xf_search_ranked *best = NULL;
	size_t n = 0;
	/* all common: only the newest `window` matches are ranked; else a rare phrase
	 * bounds the matches and all are */
	if (rc == XF_OK)
		rc = collect_matches(c, w, all_common ? window : 0, &best, &n);
	if (rc == XF_OK && n > 1)
		qsort(best, n, sizeof *best, xf_search_best_first);
	for (size_t i = 0; rc == XF_OK && i < n && i < (size_t)limit; i++) {
		json_t *hit = NULL;
		rc = hit_json(c, &w->q, &best[i], &hit);
		if (rc == XF_OK)
			json_array_append_new(hits, hit);
	}
	free(best);
	return rc;
}

int xf_search_pg_query(xf_sql *c, const char *q, int limit, json_t **hits)
{
	*hits = json_array();
	if (!q || limit <= 0)
		return XF_OK;
	query_work *w = xf_calloc(1, sizeof *w);
	xf_cjk_query_parse(&w->q, q, strlen(q));
	for (size_t p = 0; p < w->q.n_phrases; p++) {
		w->one[p] = w->q;
		w->one[p].n_phrases = 1;
		w->one[p].phrase[0] = w->q.phrase[p];
	}
	int rc = XF_OK;
	if (w->q.n_phrases > 0) {
		/* the totals, the counts and the matches of one snapshot */
		bool own = !xf_sql_in_transaction(c);
		if (own)
			rc = xf_sql_begin(c, false);
		if (rc == XF_OK)
			rc = run_query(c, w, limit, *hits);
		if (own && rc == XF_OK)
			rc = xf_sql_commit(c);
		else if (own)
			xf_sql_rollback(c);
	}
	xf_buf_release(&w->tsquery);
	free(w);
	if (rc != XF_OK) {
		json_decref(*hits);
		*hits = NULL;
	}
	return rc;
}
