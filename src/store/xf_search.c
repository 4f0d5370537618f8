/* Full-text search: see xf_search.h. Not built yet: the index keeps nothing and
 * every query finds nothing. */
#include "store/xf_search.h"

const char xf_migration_search[] = "SELECT 1;";

int xf_search_register(sqlite3 *sql)
{
	(void)sql;
	return XF_OK;
}

int xf_search_put(xf_db *db, const xf_search_doc *doc)
{
	(void)db;
	(void)doc;
	return XF_OK;
}

int xf_search_remove(xf_db *db, const char *kind, int64_t id)
{
	(void)db;
	(void)kind;
	(void)id;
	return XF_OK;
}

int xf_search_query(xf_db *db, const char *q, int limit, json_t **hits)
{
	(void)db;
	(void)q;
	(void)limit;
	*hits = json_array();
	return XF_OK;
}
