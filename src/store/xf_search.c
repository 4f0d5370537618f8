/* Full-text search: see xf_search.h and docs/search.md.
 *
 * The documents live in search_docs (kind, object id, incident and person, title,
 * body); search_fts is an FTS5 index over their title and body with search_docs as
 * its external content, tokenized by "xf_cjk" (core/xf_cjk.h: every CJK character a
 * token, plus a bigram of every two characters in a row, which phrase queries look
 * up). A document's rowid is assigned when it is put, so rowid order is the order of
 * the last change.
 *
 * Ranking is bm25 with the title weighted above the body, computed by our own
 * auxiliary function xf_bm25 rather than FTS5's bm25(): the built-in one counts the
 * documents of every phrase over the whole index on each query (the full doclist of
 * a common character), and any ORDER BY on a score scores every match. We count each
 * phrase's documents ourselves, up to the rank window, and hand the counts in. When
 * every phrase reaches the window, only the newest `window` matches are scored
 * (FTS5 walks doclists newest first and stops) and sorted here; otherwise a rare
 * phrase bounds the matches and all of them are scored. Highlights are built here
 * from the same tokenizer, not with FTS5's highlight(), so that they come out as
 * [[text, is_match], ...] and never as HTML. */
#include "store/xf_search.h"
#include "store/xf_search_hits.h"
#include "store/xf_search_pg.h"
#include "store/xf_store_db.h"
#include "store/xf_store_rows.h"

#include <assert.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xf_cjk.h"
#include "util/xf_buf.h"

const char xf_migration_search[] =
    "CREATE TABLE search_docs ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('incident','person','matter','note','meeting')),"
    "  object_id INTEGER NOT NULL,"
    "  incident_id INTEGER NOT NULL DEFAULT 0,"
    "  person_id INTEGER NOT NULL DEFAULT 0,"
    "  title TEXT NOT NULL,"
    "  body TEXT NOT NULL);"
    "CREATE UNIQUE INDEX search_docs_object ON search_docs (kind, object_id);"
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, content='search_docs',"
    "  content_rowid='id', tokenize='xf_cjk');";

/* The rank's column weights (xf_search_hits.h) as SQL text. */
#define SQL_NUMBER(x)  SQL_NUMBER_(x)
#define SQL_NUMBER_(x) #x
/* Bytes of a token FTS5 keeps at most (its FTS5_MAX_TOKEN_SIZE): the sum clips alike. */
#define TOKEN_MAX_BYTES 32768

static int64_t rank_window = XF_SEARCH_RANK_WINDOW;

void xf_search_set_rank_window(int64_t window)
{
	rank_window = window > 0 ? window : 0;
	xf_search_pg_set_rank_window(window);
}

/* ---- the FTS5 tokenizer ---- */

/* FTS5 wants a tokenizer instance; ours has no state. */
static int instance;

static int tokenizer_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)ctx;
	(void)argv;
	if (argc > 0)
		return SQLITE_ERROR; /* xf_cjk takes no options */
	*out = (Fts5Tokenizer *)&instance;
	return SQLITE_OK;
}

static void tokenizer_delete(Fts5Tokenizer *t)
{
	(void)t;
}

typedef struct fts5_sink {
	void *ctx;
	int (*token)(void *, int, const char *, int, int, int);
} fts5_sink;

static int fts5_emit(void *ctx, bool colocated, const char *token, size_t n, size_t start,
                     size_t end)
{
	fts5_sink *s = ctx;
	return s->token(s->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, token, (int)n, (int)start,
	                (int)end);
}

static int tokenizer_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int n,
                              int (*token)(void *, int, const char *, int, int, int))
{
	(void)t;
	if (!text || n <= 0)
		return SQLITE_OK;
	fts5_sink sink = {ctx, token};
	/* documents (and their text for auxiliary functions) get bigrams beside their
	 * characters; the phrases of a query are looked up by bigrams */
	if (flags & FTS5_TOKENIZE_QUERY)
		return xf_cjk_index_query(text, (size_t)n, fts5_emit, &sink);
	return xf_cjk_index_document(text, (size_t)n, fts5_emit, &sink);
}

static fts5_tokenizer xf_cjk_tokenizer = {tokenizer_create, tokenizer_delete, tokenizer_tokenize};

/* ---- the rank function ---- */

typedef struct rank_data {
	int n_phrases;
	double idf[XF_CJK_QUERY_MAX_PHRASES];
	double avgdl;
	double weight[2]; /* title, body */
} rank_data;

/* xf_bm25(search_fts, dfs, title_weight, body_weight): the bm25 score of the row,
 * higher is better. dfs is a blob of native int64 document counts, one per phrase of
 * the query, in order; a phrase without a count is taken to be in every document.
 * The same formula as FTS5's bm25() (which returns it negated). */
static void xf_bm25(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int n_val,
                    sqlite3_value **val)
{
	rank_data *d = api->xGetAuxdata(fts, 0);
	int rc;
	if (!d) {
		d = sqlite3_malloc(sizeof *d);
		if (!d) {
			sqlite3_result_error_nomem(ctx);
			return;
		}
		d->n_phrases = api->xPhraseCount(fts);
		if (d->n_phrases > XF_CJK_QUERY_MAX_PHRASES) {
			sqlite3_free(d);
			sqlite3_result_error(ctx, "xf_bm25: too many phrases", -1);
			return;
		}
		sqlite3_int64 rows = 0, tokens = 0;
		rc = api->xRowCount(fts, &rows);
		if (rc == SQLITE_OK)
			rc = api->xColumnTotalSize(fts, -1, &tokens);
		if (rc != SQLITE_OK) {
			sqlite3_free(d);
			sqlite3_result_error_code(ctx, rc);
			return;
		}
		if (rows <= 0)
			rows = 1;
		d->avgdl = tokens > 0 ? (double)tokens / (double)rows : 1.0;
		const unsigned char *blob = n_val > 0 ? sqlite3_value_blob(val[0]) : NULL;
		int n_dfs = n_val > 0 ? sqlite3_value_bytes(val[0]) / (int)sizeof(int64_t) : 0;
		for (int i = 0; i < d->n_phrases; i++) {
			int64_t df = rows;
			if (blob && i < n_dfs)
				memcpy(&df, blob + (size_t)i * sizeof df, sizeof df);
			d->idf[i] = xf_search_idf(rows, df);
		}
		for (int c = 0; c < 2; c++)
			d->weight[c] = n_val > 1 + c ? sqlite3_value_double(val[1 + c]) : 1.0;
		rc = api->xSetAuxdata(fts, d, sqlite3_free);
		if (rc != SQLITE_OK) {
			sqlite3_result_error_code(ctx, rc);
			return;
		}
	}

	double freq[XF_CJK_QUERY_MAX_PHRASES] = {0};
	int n_inst = 0, size = 0;
	rc = api->xInstCount(fts, &n_inst);
	for (int i = 0; rc == SQLITE_OK && i < n_inst; i++) {
		int phrase, column, offset;
		rc = api->xInst(fts, i, &phrase, &column, &offset);
		if (rc == SQLITE_OK && phrase >= 0 && phrase < d->n_phrases)
			freq[phrase] += column >= 0 && column < 2 ? d->weight[column] : 1.0;
	}
	if (rc == SQLITE_OK)
		rc = api->xColumnSize(fts, -1, &size);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		return;
	}
	double score = 0.0;
	for (int i = 0; i < d->n_phrases; i++)
		score += xf_search_bm25_term(d->idf[i], freq[i], size, d->avgdl);
	sqlite3_result_double(ctx, score);
}

int xf_search_register(void *sqlite)
{
	sqlite3 *sql = sqlite;
	fts5_api *api = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(sql, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return XF_ERR;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api || api->iVersion < 2)
		return XF_ERR;
	if (api->xCreateTokenizer(api, "xf_cjk", NULL, &xf_cjk_tokenizer, NULL) != SQLITE_OK ||
	    api->xCreateFunction(api, "xf_bm25", NULL, xf_bm25, NULL) != SQLITE_OK)
		return XF_ERR;
	return XF_OK;
}

/* ---- writing ---- */

static bool known_kind(const char *kind)
{
	return kind && (strcmp(kind, "incident") == 0 || strcmp(kind, "person") == 0 ||
	                strcmp(kind, "matter") == 0 || strcmp(kind, "note") == 0 ||
	                strcmp(kind, "meeting") == 0);
}

/* Takes the document of (kind, id) out of the index and the table; *found tells
 * whether there was one. When same is given and the stored document equals it, it is
 * left alone and *same set. */
static int remove_doc(xf_db *db, const char *kind, int64_t id, const xf_search_doc *same,
                      bool *found, bool *unchanged)
{
	*found = false;
	if (unchanged)
		*unchanged = false;
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT id, incident_id, person_id, title, body"
	                                    " FROM search_docs WHERE kind = ?1 AND object_id = ?2");
	xf_sql_bind_text(st, 1, kind, -1);
	xf_sql_bind_int64(st, 2, id);
	int rc = xf_sql_step(st);
	if (rc == XF_SQL_DONE) {
		xf_sql_reset(st);
		return XF_OK;
	}
	if (rc != XF_SQL_ROW) {
		rc = xf_db_fail(db, rc);
		xf_sql_reset(st);
		return rc;
	}
	*found = true;
	int64_t rowid = xf_sql_column_int64(st, 0);
	const char *title = xf_sql_column_text(st, 3);
	int title_len = title ? (int)strlen(title) : 0;
	const char *body = xf_sql_column_text(st, 4);
	int body_len = body ? (int)strlen(body) : 0;
	if (same && unchanged && xf_sql_column_int64(st, 1) == same->incident_id &&
	    xf_sql_column_int64(st, 2) == same->person_id &&
	    (size_t)title_len == strlen(same->title) &&
	    memcmp(title, same->title, (size_t)title_len) == 0 &&
	    (size_t)body_len == strlen(same->body) &&
	    memcmp(body, same->body, (size_t)body_len) == 0) {
		*unchanged = true;
		xf_sql_reset(st);
		return XF_OK;
	}
	/* An external-content index forgets a row given exactly the values it indexed. */
	xf_sql_stmt *del = xf_db_prepare(db, "INSERT INTO search_fts (search_fts, rowid, title, "
	                                     "body) VALUES ('delete', ?1, ?2, ?3)");
	xf_sql_bind_int64(del, 1, rowid);
	xf_sql_bind_text(del, 2, title ? title : "", title_len);
	xf_sql_bind_text(del, 3, body ? body : "", body_len);
	rc = xf_db_exec(db, del);
	xf_sql_reset(st);
	if (rc != XF_OK)
		return rc;
	del = xf_db_prepare(db, "DELETE FROM search_docs WHERE id = ?1");
	xf_sql_bind_int64(del, 1, rowid);
	return xf_db_exec(db, del);
}

static int put_doc(xf_db *db, const xf_search_doc *doc)
{
	bool found, unchanged;
	int rc = remove_doc(db, doc->kind, doc->id, doc, &found, &unchanged);
	if (rc != XF_OK || unchanged)
		return rc;
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO search_docs (kind, object_id, incident_id, person_id, title, body)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id");
	xf_sql_bind_text(st, 1, doc->kind, -1);
	xf_sql_bind_int64(st, 2, doc->id);
	xf_sql_bind_int64(st, 3, doc->incident_id);
	xf_sql_bind_int64(st, 4, doc->person_id);
	xf_sql_bind_text(st, 5, doc->title, -1);
	xf_sql_bind_text(st, 6, doc->body, -1);
	int64_t rowid;
	rc = xf_row_insert(db, st, &rowid);
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(db, "INSERT INTO search_fts (rowid, title, body) VALUES (?1, ?2, ?3)");
	xf_sql_bind_int64(st, 1, rowid);
	xf_sql_bind_text(st, 2, doc->title, -1);
	xf_sql_bind_text(st, 3, doc->body, -1);
	return xf_db_exec(db, st);
}

/* Runs a change as one unit: in a savepoint of the caller's transaction, so that a
 * failure leaves nothing half done even if the caller went on to commit; or in a
 * write transaction of its own when there is none. */
static int in_transaction(xf_db *db, int (*change)(xf_db *, const void *), const void *arg)
{
	bool own = !xf_sql_in_transaction(xf_db_sql(db));
	int rc =
	    own ? xf_tx_begin(db, true) : xf_db_exec(db, xf_db_prepare(db, "SAVEPOINT xf_search"));
	if (rc != XF_OK)
		return rc;
	rc = change(db, arg);
	if (own) {
		if (rc == XF_OK)
			rc = xf_tx_commit(db);
		else
			xf_tx_rollback(db);
		return rc;
	}
	if (rc != XF_OK)
		xf_db_exec(db, xf_db_prepare(db, "ROLLBACK TO xf_search"));
	int released = xf_db_exec(db, xf_db_prepare(db, "RELEASE xf_search"));
	return rc != XF_OK ? rc : released;
}

static int put_change(xf_db *db, const void *arg)
{
	return put_doc(db, arg);
}

int xf_search_put(xf_db *db, const xf_search_doc *doc)
{
	if (!known_kind(doc->kind)) {
		assert(!"xf_search_put: unknown kind");
		return XF_ERR;
	}
	xf_search_doc d = *doc;
	if (!d.title)
		d.title = "";
	if (!d.body)
		d.body = "";
	if (xf_db_dialect(db) == XF_SQL_PG)
		return xf_search_pg_put(xf_db_sql(db), &d);
	return in_transaction(db, put_change, &d);
}

typedef struct remove_args {
	const char *kind;
	int64_t id;
} remove_args;

static int remove_change(xf_db *db, const void *arg)
{
	const remove_args *r = arg;
	bool found;
	return remove_doc(db, r->kind, r->id, NULL, &found, NULL);
}

int xf_search_remove(xf_db *db, const char *kind, int64_t id)
{
	if (!known_kind(kind)) {
		assert(!"xf_search_remove: unknown kind");
		return XF_ERR;
	}
	if (xf_db_dialect(db) == XF_SQL_PG)
		return xf_search_pg_remove(xf_db_sql(db), kind, id);
	remove_args r = {kind, id};
	return in_transaction(db, remove_change, &r);
}

/* ---- maintenance ---- */

static int fts_command(xf_db *db, const char *command)
{
	char sql[96];
	snprintf(sql, sizeof sql, "INSERT INTO search_fts (search_fts) VALUES ('%s')", command);
	int rc = xf_sql_exec_script(xf_db_sql(db), sql);
	return rc == XF_OK ? XF_OK : xf_db_fail(db, rc);
}

/* The check compares two multisets of (document, column, position, token): the one
 * the tokenizer makes of search_docs and the one the index holds (read through an
 * fts5vocab table in temp, which a read transaction may create). Each entry adds its
 * keyed SipHash; equal sums and counts mean equal sets but for a chance of 2^-64.
 * FTS5's own 'integrity-check' compares the same, but it is an INSERT and takes the
 * write lock, so it could not run beside the server. */
typedef struct index_sum {
	unsigned char key[crypto_shorthash_KEYBYTES];
	uint64_t sum;
	int64_t count, rowid;
	int column, size; /* size: tokens so far in the column, as FTS5 counts positions */
} index_sum;

static void sum_entry(index_sum *s, int64_t rowid, int column, int64_t position, const char *token,
                      size_t n)
{
	unsigned char small[128], hash[crypto_shorthash_BYTES];
	size_t len = 20 + n;
	unsigned char *buf = len <= sizeof small ? small : xf_malloc(len);
	uint64_t fields[2] = {(uint64_t)rowid, (uint64_t)position};
	uint32_t col = (uint32_t)column;
	memcpy(buf, fields, 16);
	memcpy(buf + 16, &col, 4);
	memcpy(buf + 20, token, n);
	crypto_shorthash(hash, buf, len, s->key);
	if (buf != small)
		free(buf);
	uint64_t h;
	memcpy(&h, hash, sizeof h);
	s->sum += h;
	s->count++;
}

static int sum_document_token(void *ctx, int flags, const char *token, int n, int start, int end)
{
	(void)start;
	(void)end;
	index_sum *s = ctx;
	/* FTS5's positions: a colocated token shares the position of the one before. */
	if (!(flags & FTS5_TOKEN_COLOCATED) || s->size == 0)
		s->size++;
	sum_entry(s, s->rowid, s->column, s->size - 1, token,
	          (size_t)(n > TOKEN_MAX_BYTES ? TOKEN_MAX_BYTES : n));
	return SQLITE_OK;
}

int xf_search_check(xf_db *db, char *problem, size_t problem_size)
{
	/* PostgreSQL writes a document's tsvector in the statement that stores it, and
	 * keeps its GIN index itself: there is no second copy to drift. */
	if (xf_db_dialect(db) == XF_SQL_PG)
		return XF_OK;
	index_sum docs = {.sum = 0}, index = {.sum = 0};
	randombytes_buf(docs.key, sizeof docs.key);
	memcpy(index.key, docs.key, sizeof docs.key);
	int64_t n_docs = 0, n_sizes = -1;

	int rc = xf_sql_exec_script(xf_db_sql(db),
	                            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.xf_search_check"
	                            " USING fts5vocab(main, search_fts, instance)");
	if (rc != XF_OK) {
		snprintf(problem, problem_size, "search index: cannot read it: %s",
		         xf_sql_error(xf_db_sql(db)));
		return xf_db_fail(db, rc);
	}
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT id, title, body FROM search_docs");
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		docs.rowid = xf_sql_column_int64(st, 0);
		n_docs++;
		for (int column = 0; column < 2 && rc == XF_SQL_ROW; column++) {
			const char *text = xf_sql_column_text(st, 1 + column);
			docs.column = column;
			docs.size = 0;
			if (text &&
			    tokenizer_tokenize(NULL, &docs, FTS5_TOKENIZE_DOCUMENT, text,
			                       (int)strlen(text), sum_document_token) != SQLITE_OK)
				rc = XF_ERR;
		}
	}
	xf_sql_reset(st);
	if (rc == XF_SQL_DONE) {
		st = xf_db_prepare(db, "SELECT term, doc, col, offset FROM temp.xf_search_check");
		while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
			const char *column = xf_sql_column_text(st, 2);
			size_t n;
			const void *term = xf_sql_column_blob(st, 0, &n);
			sum_entry(&index, xf_sql_column_int64(st, 1),
			          column && strcmp(column, "title") == 0 ? 0 : 1,
			          xf_sql_column_int64(st, 3), term, n);
		}
		xf_sql_reset(st);
	}
	if (rc == XF_SQL_DONE) {
		st = xf_db_prepare(db, "SELECT count(*) FROM search_fts_docsize");
		rc = xf_sql_step(st);
		if (rc == XF_SQL_ROW) {
			n_sizes = xf_sql_column_int64(st, 0);
			rc = XF_SQL_DONE;
		}
		xf_sql_reset(st);
	}
	if (rc != XF_SQL_DONE) {
		int result = xf_db_fail(db, rc);
		snprintf(problem, problem_size, "search index: cannot read it: %s",
		         xf_db_error(db));
		return result;
	}
	if (docs.count != index.count || docs.sum != index.sum) {
		snprintf(problem, problem_size,
		         "search index: it does not match the documents: %lld token positions"
		         " indexed, %lld in the documents%s",
		         (long long)index.count, (long long)docs.count,
		         docs.count == index.count ? " (but not the same ones)" : "");
		return XF_ERR;
	}
	if (n_sizes != n_docs) {
		snprintf(problem, problem_size,
		         "search index: it has %lld documents, search_docs %lld",
		         (long long)n_sizes, (long long)n_docs);
		return XF_ERR;
	}
	return XF_OK;
}

int xf_search_rebuild(xf_db *db)
{
	return xf_db_dialect(db) == XF_SQL_PG ? XF_OK : fts_command(db, "rebuild");
}

int xf_search_optimize(xf_db *db)
{
	return xf_db_dialect(db) == XF_SQL_PG ? XF_OK : fts_command(db, "optimize");
}

/* ---- querying ---- */

/* The hit of one ranked row. */
static int hit_json(xf_db *db, const xf_cjk_query *q, int64_t rowid, double score, json_t **out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT kind, object_id, incident_id, person_id, title,"
	                                    " body FROM search_docs WHERE id = ?1");
	xf_sql_bind_int64(st, 1, rowid);
	int rc = xf_sql_step(st);
	if (rc != XF_SQL_ROW) {
		rc = rc == XF_SQL_DONE ? XF_NOTFOUND : xf_db_fail(db, rc);
		xf_sql_reset(st);
		return rc;
	}
	xf_search_doc_row doc = {
	    .kind = xf_row_text(st, 0),
	    .object_id = xf_sql_column_int64(st, 1),
	    .incident_id = xf_sql_column_int64(st, 2),
	    .person_id = xf_sql_column_int64(st, 3),
	    .title = xf_row_text(st, 4),
	    .title_len = strlen(xf_row_text(st, 4)),
	    .body = xf_row_text(st, 5),
	    .body_len = strlen(xf_row_text(st, 5)),
	};
	*out = xf_search_hit_json(q, &doc, score);
	xf_sql_reset(st);
	return *out ? XF_OK : XF_ERR;
}

/* The documents matching an expression, counted up to max (-1: all). */
static int count_matches(xf_db *db, const char *match, int64_t max, int64_t *count)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT count(*) FROM (SELECT 1 FROM search_fts"
	                                    " WHERE search_fts MATCH ?1 LIMIT ?2)");
	xf_sql_bind_text(st, 1, match, -1);
	xf_sql_bind_int64(st, 2, max);
	int rc = xf_sql_step(st);
	*count = rc == XF_SQL_ROW ? xf_sql_column_int64(st, 0) : 0;
	rc = rc == XF_SQL_ROW ? XF_OK : xf_db_fail(db, rc);
	xf_sql_reset(st);
	return rc;
}

/* Collects (rowid, score) rows of a statement into out (room for max). */
static int collect_ranked(xf_db *db, xf_sql_stmt *st, xf_search_ranked *out, int64_t max,
                          int64_t *n)
{
	int rc;
	*n = 0;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW && *n < max) {
		out[*n].id = xf_sql_column_int64(st, 0);
		out[*n].score = xf_sql_column_double(st, 1);
		(*n)++;
	}
	rc = rc == XF_SQL_DONE || rc == XF_SQL_ROW ? XF_OK : xf_db_fail(db, rc);
	xf_sql_reset(st);
	return rc;
}

typedef struct query_work {
	xf_cjk_query q;
	char match[XF_CJK_QUERY_MATCH_MAX];
	int64_t df[XF_CJK_QUERY_MAX_PHRASES];
} query_work;

static int run_query(xf_db *db, query_work *w, int limit, json_t *hits)
{
	xf_cjk_query *q = &w->q;
	int64_t window = rank_window;
	bool all_common = window > 0;
	int rc;
	/* Each phrase's documents, counted up to the window: the counts weigh the phrases
	 * in the rank; a phrase counted to the window is common, and taken to be in that
	 * many documents. */
	for (size_t p = 0; p < q->n_phrases; p++) {
		xf_cjk_query_match(q, p, w->match);
		rc = count_matches(db, w->match, window > 0 ? window : -1, &w->df[p]);
		if (rc != XF_OK)
			return rc;
		if (w->df[p] == 0)
			return XF_OK; /* every phrase must occur */
		if (w->df[p] < window)
			all_common = false;
	}
	xf_cjk_query_match(q, XF_CJK_ALL_PHRASES, w->match);
	int df_bytes = (int)(q->n_phrases * sizeof w->df[0]);
	xf_sql_stmt *st;
	xf_search_ranked *best;
	int64_t n;
	if (all_common) {
		/* Only the newest `window` matches are scored (FTS5 walks the doclists newest
		 * first and stops), then sorted here: a common character costs what a rare one
		 * costs. */
		st = xf_db_prepare(
		    db,
		    "SELECT rowid, xf_bm25(search_fts, ?2, " SQL_NUMBER(
		        XF_SEARCH_TITLE_WEIGHT) ", " SQL_NUMBER(XF_SEARCH_BODY_WEIGHT) ") FROM "
		                                                                       "search_fts"
		                                                                       " WHERE "
		                                                                       "search_fts "
		                                                                       "MATCH ?1 "
		                                                                       "ORDER BY "
		                                                                       "rowid DESC "
		                                                                       "LIMIT ?3");
		xf_sql_bind_int64(st, 3, window);
		best = xf_malloc((size_t)window * sizeof *best);
	} else {
		/* A rare phrase bounds the matches: score them all, keep the best. */
		st = xf_db_prepare(
		    db,
		    "SELECT rowid, xf_bm25(search_fts, ?2, " SQL_NUMBER(
		        XF_SEARCH_TITLE_WEIGHT) ", " SQL_NUMBER(XF_SEARCH_BODY_WEIGHT) ") AS score "
		                                                                       "FROM "
		                                                                       "search_fts"
		                                                                       " WHERE "
		                                                                       "search_fts "
		                                                                       "MATCH ?1 "
		                                                                       "ORDER BY "
		                                                                       "score "
		                                                                       "DESC, "
		                                                                       "rowid "
		                                                                       "DESC LIMIT "
		                                                                       "?3");
		xf_sql_bind_int64(st, 3, limit);
		best = xf_malloc((size_t)limit * sizeof *best);
	}
	xf_sql_bind_text(st, 1, w->match, -1);
	xf_sql_bind_blob(st, 2, w->df, df_bytes);
	rc = collect_ranked(db, st, best, all_common ? window : limit, &n);
	if (rc == XF_OK && all_common)
		qsort(best, (size_t)n, sizeof *best, xf_search_best_first);
	for (int64_t i = 0; rc == XF_OK && i < n && i < limit; i++) {
		json_t *hit = NULL;
		rc = hit_json(db, q, best[i].id, best[i].score, &hit);
		if (rc == XF_OK)
			json_array_append_new(hits, hit);
	}
	free(best);
	return rc;
}

int xf_search_query(xf_db *db, const char *q, int limit, json_t **hits)
{
	if (xf_db_dialect(db) == XF_SQL_PG)
		return xf_search_pg_query(xf_db_sql(db), q, limit, hits);
	*hits = json_array();
	if (!q || limit <= 0)
		return XF_OK;
	query_work *w = xf_malloc(sizeof *w);
	xf_cjk_query_parse(&w->q, q, strlen(q));
	int rc = w->q.n_phrases > 0 ? run_query(db, w, limit, *hits) : XF_OK;
	free(w);
	if (rc != XF_OK) {
		json_decref(*hits);
		*hits = NULL;
	}
	return rc;
}
