/* Full-text search over incidents, petitioners, matters, notes and meeting minutes, for Chinese
 * text of any length: an FTS5 index with our own tokenizer (every CJK character one token, ASCII
 * words lower-cased), so that a query of one character and up matches as a phrase.
 *
 * The index holds one document per object. Owners of objects call xf_search_put()
 * in the same transaction as the change (it replaces the previous document of the
 * object) and xf_search_remove() when an object goes. Queries return ranked hits
 * with the matched text marked; the API filters them by what the user may see. */
#ifndef XF_SEARCH_H
#define XF_SEARCH_H

#include <jansson.h>
#include <stdint.h>

#include "store/xf_store.h"

/* The tokenizer is registered on every connection by xf_search_register
 * (store/xf_store_db.h). */

typedef struct xf_search_doc {
	const char *kind;    /* "incident", "person", "matter", "note", "meeting" */
	int64_t id;          /* the object's id (for notes: the event seq) */
	int64_t incident_id; /* 0 when none */
	int64_t person_id;   /* 0 when none */
	const char *title;   /* short: incident number and place, a person's name, ... */
	const char *body;    /* the text: demands, notes, matter content, ... */
} xf_search_doc;

int xf_search_put(xf_db *db, const xf_search_doc *doc);
int xf_search_remove(xf_db *db, const char *kind, int64_t id);

/* Ranked hits for q (any text; quotes and operators are taken literally), best
 * first, at most limit: [{kind, id, incident_id, person_id, title, highlight, rank}]
 * where highlight is [[text, is_match], ...] from the best-matching column. A query
 * with no searchable character gives no hits. */
int xf_search_query(xf_db *db, const char *q, int limit, json_t **hits);

/* How many matches a query ranks at most: when every phrase of a query occurs in at
 * least this many documents, only the newest XF_SEARCH_RANK_WINDOW matches (by the
 * time they were put) are ranked, so that a query for a very common character costs
 * about what one for a rare one costs (docs/search.md, "Ranking"). 0 ranks every
 * match; for benchmarks and tests. Not thread-safe: set it before serving. */
#define XF_SEARCH_RANK_WINDOW 1000
void xf_search_set_rank_window(int64_t window);

/* FTS5's own check of the index against search_docs; XF_ERR with the problem. */
int xf_search_check(xf_db *db, char *problem, size_t problem_size);
/* Rebuilds the index from search_docs (after a restore, or when the check fails). */
int xf_search_rebuild(xf_db *db);
/* Merges the index into one segment: smaller and faster; minutes for a big index. */
int xf_search_optimize(xf_db *db);

#endif
