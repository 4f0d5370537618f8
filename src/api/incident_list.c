/* GET /incidents (the list, with its short-lived cache of recent answers) and
 * GET /incidents/{id}. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/xf_incident_json.h"
#include "api/xf_incidents.h"
#include "util/xf_jsonw.h"

/* Incident lists as recently answered, per scope and query: the list most asked for is
 * served without reading the store while nothing has changed since (the data
 * generation), and for at most LIST_TRUST_MS (elapsed times, changes from the command
 * line). */
#define LIST_SLOTS    64
#define LIST_TRUST_MS 1000

static struct {
	pthread_mutex_t lock;
	struct {
		char key[160];
		char *text;
		size_t len;
		uint64_t generation;
		int64_t at_ms;
	} slot[LIST_SLOTS];
} lists = {.lock = PTHREAD_MUTEX_INITIALIZER};

static size_t list_slot(const char *key)
{
	size_t h = 5381;
	for (; *key; key++)
		h = h * 33 + (unsigned char)*key;
	return h % LIST_SLOTS;
}

static bool list_cache_get(const char *key, xf_buf *out)
{
	bool hit = false;
	pthread_mutex_lock(&lists.lock);
	size_t i = list_slot(key);
	if (lists.slot[i].text && strcmp(lists.slot[i].key, key) == 0 &&
	    lists.slot[i].generation == xf_store_data_generation() &&
	    xf_now_ms() - lists.slot[i].at_ms < LIST_TRUST_MS) {
		xf_buf_append(out, lists.slot[i].text, lists.slot[i].len);
		hit = true;
	}
	pthread_mutex_unlock(&lists.lock);
	return hit;
}

static void list_cache_put(const char *key, const xf_buf *out, uint64_t generation)
{
	pthread_mutex_lock(&lists.lock);
	size_t i = list_slot(key);
	free(lists.slot[i].text);
	snprintf(lists.slot[i].key, sizeof lists.slot[i].key, "%s", key);
	lists.slot[i].text = xf_malloc(out->len);
	memcpy(lists.slot[i].text, out->data, out->len);
	lists.slot[i].len = out->len;
	lists.slot[i].generation = generation;
	lists.slot[i].at_ms = xf_now_ms();
	pthread_mutex_unlock(&lists.lock);
}

void xf_api_incidents_forget(void)
{
	pthread_mutex_lock(&lists.lock);
	for (size_t i = 0; i < LIST_SLOTS; i++) {
		free(lists.slot[i].text);
		lists.slot[i].text = NULL;
	}
	pthread_mutex_unlock(&lists.lock);
}

/* The parameters of the list and the key of its cached answer. False after answering
 * a bad parameter. */
typedef struct list_query {
	int64_t limit, before;
	const char *status;
	bool active_only;
	xf_scope scope;
	char key[160];
} list_query;

static bool list_query_parse(xf_req *req, list_query *q)
{
	q->status = xf_req_query(req, "status");
	const char *active = xf_req_query(req, "active");
	if (!xf_api_query_int(req, "limit", 1, 200, 25, &q->limit) ||
	    !xf_api_query_int(req, "after_id", 0, INT64_MAX, 0, &q->before))
		return false;
	if (q->status && xf_status_parse(q->status) < 0) {
		xf_reply_error(req, 400, "bad_request", "status", "'%s' is not a status",
		               q->status);
		return false;
	}
	q->scope = xf_api_scope(req);
	q->active_only = active && strcmp(active, "1") == 0;
	snprintf(q->key, sizeof q->key, "%d/%lld/%lld/%lld/%s/%d/%lld/%lld", q->scope.all,
	         (long long)q->scope.mine_id, (long long)q->scope.unit_id,
	         (long long)q->scope.user_id, q->status ? q->status : "", q->active_only,
	         (long long)q->before, (long long)q->limit);
	return true;
}

void xf_api_incidents_list(xf_req *req)
{
	list_query q;
	int64_t next;
	if (!list_query_parse(req, &q))
		return;
	xf_buf *out = xf_reply_json_text(req, 200);
	if (list_cache_get(q.key, out))
		return;
	if (req->memory_only) {
		req->status = 0; /* not in memory: ask again on the read pool */
		return;
	}
	xf_db *db = xf_db_get();
	/* Read the generation first: a change committed meanwhile leaves the entry stale. */
	uint64_t generation = xf_store_data_generation();
	xf_buf_puts(out, "{\"incidents\":");
	int rc = xf_api_incident_list_text(db, &q.scope, q.status, q.active_only, q.before,
	                                   (int)q.limit, out, &next);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_buf_puts(out, ",\"next_after_id\":");
	if (next)
		xf_jw_int(out, next);
	else
		xf_buf_puts(out, "null");
	xf_buf_puts(out, "}");
	list_cache_put(q.key, out, generation);
}

void xf_api_incidents_get(xf_req *req)
{
	xf_api_incident_get(req, xf_api_incident_reply);
}
