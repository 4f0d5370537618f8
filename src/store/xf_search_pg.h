/* Full-text search on PostgreSQL (issue 11, item 2): the same documents, queries, ranks
 * and highlights as store/xf_search.h on SQLite, through the statement layer
 * (store/xf_sql.h) on a PostgreSQL connection. Not wired into the store yet: the store
 * calls xf_search.h on SQLite; on PostgreSQL it will call these (see xf_search_pg.c,
 * "Wiring").
 *
 * The words of a document are cut by the tokenizer of core/xf_cjk.h (every CJK
 * character a token, a bigram beside every two characters in a row, ASCII words
 * lower-cased), exactly as FTS5 gets them on SQLite, and stored as a `tsvector`
 * (the `simple` configuration's type, no stemming, no stop words) under a GIN index.
 * A query is parsed by xf_cjk_query_parse, each phrase looked up by the same tokens as
 * on SQLite (xf_cjk_index_query) as a tsquery phrase (`<->`), and the matches ranked by
 * the same bm25 as xf_search.c (title five times the body, the rank window of
 * XF_SEARCH_RANK_WINDOW), computed here from the matched documents' text.
 *
 * The table is `search_docs` in the connection's search_path, made by
 * xf_search_pg_ddl (migration 6 of store/xf_migrations_pg.c runs it). */
#ifndef XF_SEARCH_PG_H
#define XF_SEARCH_PG_H

#include <jansson.h>
#include <stdint.h>

#include "store/xf_search.h"
#include "store/xf_sql.h"

/* The DDL a PostgreSQL migration needs for search (tables, indexes). */
extern const char xf_search_pg_ddl[];

/* As xf_search_put: replaces the document of (kind, id), in a savepoint of the
 * caller's transaction or in a transaction of its own. Bytes of title and body that
 * are not valid UTF-8 are stored as U+FFFD (PostgreSQL's text refuses them; the hits
 * are the same as SQLite's, which replaces them when it answers). */
int xf_search_pg_put(xf_sql *c, const xf_search_doc *doc);
int xf_search_pg_remove(xf_sql *c, const char *kind, int64_t id);

/* As xf_search_query: [{kind, id, incident_id, person_id, title, highlight, rank}],
 * best first, at most limit. */
int xf_search_pg_query(xf_sql *c, const char *q, int limit, json_t **hits);

/* As xf_search_set_rank_window (0 ranks every match). Not thread-safe. */
void xf_search_pg_set_rank_window(int64_t window);

#endif
