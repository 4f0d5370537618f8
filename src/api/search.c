/* The search resource: GET /search?q=...&limit=N, full-text search over incidents,
 * notes, petitioners and matters (docs/search.md). The index (store/xf_search.h) ranks
 * every document; this file keeps the hits the user may see, checking each one with
 * the same rules as the resource it points to: incident.read and the incident scope
 * for incidents and notes, person.read and the person and matter rules (a 检举控告
 * accusation follows xf_matter_visible_to(): hidden from the accused unit) for persons
 * and matters. */
#include <string.h>

#include "api/xf_api.h"
#include "core/xf_cjk.h"
#include "store/xf_search.h"
#include "store/xf_store_people.h"

#define QUERY_MAX_CHARS 100
#define LIMIT_DEFAULT   20
#define LIMIT_MAX       50
/* Hits asked of the index per hit answered, to leave room for the filter. */
#define OVERFETCH 5

/* Visibility answers of one request: the notes of one incident cost one check. */
typedef struct visibility_cache {
	size_t n;
	struct {
		char what; /* 'i' incident, 'p' person, 'm' matter */
		int64_t id;
		bool visible;
	} e[LIMIT_MAX * OVERFETCH];
} visibility_cache;

typedef struct search_ctx {
	xf_req *req;
	xf_db *db;
	xf_scope scope;
	xf_viewer viewer;
	visibility_cache cache;
} search_ctx;

/* Whether an object is visible, asking the store once per object. */
static int visible(search_ctx *s, char what, int64_t id, bool *out)
{
	for (size_t i = 0; i < s->cache.n; i++) {
		if (s->cache.e[i].what == what && s->cache.e[i].id == id) {
			*out = s->cache.e[i].visible;
			return XF_OK;
		}
	}
	int rc;
	if (id <= 0)
		rc = XF_NOTFOUND;
	else if (what == 'i')
		rc = xf_store_incident_visible(s->db, &s->scope, id);
	else if (what == 'p')
		rc = xf_store_person_visible(s->db, &s->viewer, id);
	else
		rc = xf_store_matter_visible(s->db, &s->viewer, id);
	if (rc != XF_OK && rc != XF_NOTFOUND)
		return rc;
	*out = rc == XF_OK;
	if (s->cache.n < XF_ARRAY_LEN(s->cache.e)) {
		s->cache.e[s->cache.n].what = what;
		s->cache.e[s->cache.n].id = id;
		s->cache.e[s->cache.n].visible = *out;
		s->cache.n++;
	}
	return XF_OK;
}

static int64_t hit_id(const json_t *hit, const char *key)
{
	return json_integer_value(json_object_get(hit, key)); /* null: 0 */
}

/* Whether the user may see a hit; unknown kinds are never shown. */
static int hit_visible(search_ctx *s, const json_t *hit, bool *out)
{
	const char *kind = json_string_value(json_object_get(hit, "kind"));
	xf_roles roles = s->req->user.roles;
	int64_t id = hit_id(hit, "id");
	*out = false;
	if (!kind)
		return XF_OK;
	if (strcmp(kind, "incident") == 0 || strcmp(kind, "note") == 0 ||
	    strcmp(kind, "meeting") == 0) {
		if (!xf_perm_allows(roles, XF_PERM_INCIDENT_READ))
			return XF_OK;
		int64_t incident_id = hit_id(hit, "incident_id");
		if (incident_id == 0 && strcmp(kind, "incident") == 0)
			incident_id = id;
		return visible(s, 'i', incident_id, out);
	}
	if (strcmp(kind, "person") == 0) {
		if (!xf_perm_allows(roles, XF_PERM_PERSON_READ))
			return XF_OK;
		int64_t person_id = hit_id(hit, "person_id");
		return visible(s, 'p', person_id ? person_id : id, out);
	}
	if (strcmp(kind, "matter") == 0) {
		if (!xf_perm_allows(roles, XF_PERM_PERSON_READ))
			return XF_OK;
		return visible(s, 'm', id, out);
	}
	return XF_OK;
}

/* The characters of q, or -1 when it is not UTF-8. */
static long utf8_chars(const char *q)
{
	size_t len = strlen(q);
	long n = 0;
	for (size_t i = 0; i < len; n++)
		if (xf_cjk_decode(q, len, &i) < 0)
			return -1;
	return n;
}

static void xf_api_search_get(xf_req *req)
{
	int64_t started = xf_mono_us();
	const char *q = xf_req_query(req, "q");
	int64_t limit;
	if (!q || !q[0]) {
		xf_reply_error(req, 400, "bad_request", "q", "query parameter 'q' is required");
		return;
	}
	long chars = utf8_chars(q);
	if (chars < 0) {
		xf_reply_error(req, 400, "bad_request", "q", "query parameter 'q' is not UTF-8");
		return;
	}
	if (chars > QUERY_MAX_CHARS) {
		xf_reply_error(req, 400, "bad_request", "q",
		               "query parameter 'q' must be at most %d characters",
		               QUERY_MAX_CHARS);
		return;
	}
	if (!xf_api_query_int(req, "limit", 1, LIMIT_MAX, LIMIT_DEFAULT, &limit))
		return;

	search_ctx *s = xf_arena_alloc(&req->arena, sizeof *s);
	s->req = req;
	s->db = xf_db_get();
	s->scope = xf_api_scope(req);
	s->viewer = xf_api_viewer(req);
	json_t *found = NULL, *hits = json_array();
	/* one snapshot for the index and the visibility checks */
	int rc = xf_tx_begin(s->db, false);
	if (rc == XF_OK)
		rc = xf_search_query(s->db, q, (int)limit * OVERFETCH, &found);
	size_t i;
	json_t *hit;
	json_array_foreach(found, i, hit)
	{
		if (rc != XF_OK || json_array_size(hits) == (size_t)limit)
			break;
		bool ok;
		rc = hit_visible(s, hit, &ok);
		if (rc == XF_OK && ok)
			json_array_append(hits, hit);
	}
	json_decref(found);
	xf_tx_rollback(s->db);
	if (rc != XF_OK) {
		json_decref(hits);
		xf_api_store_error(req, s->db, rc);
		return;
	}
	double took_ms = (double)((xf_mono_us() - started + 5) / 10) / 100.0;
	xf_reply_json(req, 200,
	              json_pack("{s:s, s:o, s:f}", "q", q, "hits", hits, "took_ms", took_ms));
}

static const xf_route routes[] = {
    {"GET", "/search", XF_PERM_SIGNED_IN, 0, xf_api_search_get},
};

const xf_route_list xf_routes_search = {routes, XF_ARRAY_LEN(routes)};
