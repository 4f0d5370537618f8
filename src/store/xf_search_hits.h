/* What the two search engines (xf_search.c on SQLite FTS5, xf_search_pg.c on a
 * PostgreSQL tsvector) share, so that a query answers the same on both: the bm25
 * weights, the order of ranked matches, and a hit's JSON with its highlight.
 * Internal to src/store/. */
#ifndef XF_SEARCH_HITS_H
#define XF_SEARCH_HITS_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "core/xf_cjk.h"

/* bm25 (FTS5's constants), the title weighing five times the body. */
#define XF_SEARCH_BM25_K1      1.2
#define XF_SEARCH_BM25_B       0.75
#define XF_SEARCH_TITLE_WEIGHT 5.0
#define XF_SEARCH_BODY_WEIGHT  1.0
/* Characters of a highlight at most. */
#define XF_SEARCH_HIGHLIGHT_CHARS 120

/* A phrase's inverse document frequency, as FTS5 weighs it: ln((rows - df + 0.5) /
 * (df + 0.5)), almost nothing (1e-6) for a phrase in over half the rows; df is clipped
 * to [0, rows]. */
double xf_search_idf(int64_t rows, int64_t df);

/* One phrase's part of a document's bm25 score: freq its weighted occurrences, size the
 * document's length in tokens, avgdl the average length. */
double xf_search_bm25_term(double idf, double freq, double size, double avgdl);

/* A matching document (its search_docs id) and its score. */
typedef struct xf_search_ranked {
	int64_t id;
	double score;
} xf_search_ranked;

/* qsort order of ranked matches: best score first, then the newest (highest id). */
int xf_search_best_first(const void *a, const void *b);

/* A JSON string of text[0..n), with every byte that is not valid UTF-8, and NUL,
 * replaced by U+FFFD: the index takes any bytes, JSON does not. */
json_t *xf_search_text_json(const char *text, size_t n);

/* The hit of one document: kind, id, incident_id, person_id (null when 0), title, the
 * highlight of the column matching q best, and rank. */
typedef struct xf_search_doc_row {
	const char *kind;
	int64_t object_id, incident_id, person_id;
	const char *title, *body;
	size_t title_len, body_len;
} xf_search_doc_row;
json_t *xf_search_hit_json(const xf_cjk_query *q, const xf_search_doc_row *doc, double score);

#endif
