/* The public lookup of a matter (《信访工作条例》 Art. 21, issue 13 item 6): with no
 * account, the query code printed on the 受理告知书 and the last 4 digits of the
 * petitioner's phone give the matter's number, stage, the due date of its next step and
 * whether it is answered; once answered, the petitioner may rate the handling themself
 * (stored with source "self"). Nothing else: no names, no content.
 *
 * A wrong code and wrong digits get the same 404, so the answer never tells which was
 * wrong. Failures are counted per client address under core/xf_throttle.h's policy in
 * the database (the login throttle's table, scope "lookup", so that every process
 * counts the same): 5 failures within 10 minutes, then 429 with Retry-After (1 minute,
 * doubling up to 10). Every lookup and rating, found or not, is logged with the time,
 * the matter (when found), the outcome and the SHA-256 of the client address. The
 * routes are public: no session, hence no CSRF token (there is no session to forge). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "api/xf_api.h"
#include "core/xf_notice_builder.h"
#include "core/xf_throttle.h"
#include "store/xf_store_matters.h"
#include "store/xf_store_notices.h"

#define SCOPE_LOOKUP      "lookup"
#define FREE_FAILURES     4 /* the fifth failure starts the wait */
#define FAILURE_WINDOW_MS (10 * XF_MINUTE_MS)
#define FIRST_WAIT_MS     (60 * 1000LL)
#define LONGEST_WAIT_MS   (10 * XF_MINUTE_MS)

static const char *const rating_ids[] = {"satisfied", "basically_satisfied", "unsatisfied", NULL};

static const xf_throttle *policy(void)
{
	static xf_throttle t = {
	    .free_failures = FREE_FAILURES,
	    .window_ms = FAILURE_WINDOW_MS,
	    .base_wait_ms = FIRST_WAIT_MS,
	    .max_wait_ms = LONGEST_WAIT_MS,
	};
	return &t;
}

static void sha256_hex(const char *text, char out[65])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)text, strlen(text));
	xf_hex_encode(digest, sizeof digest, out);
}

/* How long the client must still wait (XF_OK with *wait). */
static int client_wait(xf_db *db, const char *client, int64_t now, int64_t *wait)
{
	xf_throttle_row row;
	int rc = xf_store_throttle_get(db, SCOPE_LOOKUP, client, &row);
	*wait = 0;
	if (rc == XF_OK)
		*wait = xf_throttle_wait_of(policy(), row.failures, row.first_ms, row.last_ms, now);
	return rc == XF_NOTFOUND ? XF_OK : rc;
}

/* Counts a failure of the client, in the caller's write transaction. */
static int client_fail(xf_db *db, const char *client, int64_t now)
{
	xf_throttle_row row;
	int rc = xf_store_throttle_get(db, SCOPE_LOOKUP, client, &row);
	if (rc == XF_NOTFOUND ||
	    (rc == XF_OK && xf_throttle_lapsed(policy(), row.first_ms,
	                                       xf_throttle_wait_of(policy(), row.failures,
	                                                           row.first_ms, row.last_ms, now),
	                                       now))) {
		row.failures = 0;
		row.first_ms = now;
		rc = XF_OK;
	}
	if (rc != XF_OK)
		return rc;
	row.failures++;
	row.last_ms = now;
	return xf_store_throttle_put(db, SCOPE_LOOKUP, client, &row);
}

/* The matter of a code and phone digits: XF_OK with *matter_id, XF_NOTFOUND for a wrong
 * code or wrong digits alike. */
static int find_matter(xf_db *db, const char *code, const char *last4, int64_t *matter_id)
{
	char canonical[XF_QUERY_CODE_LEN + 1], sha[65], phone[64];
	if (!xf_query_code_normalise(code, canonical))
		return XF_NOTFOUND;
	sha256_hex(canonical, sha);
	int rc = xf_store_query_code_find(db, sha, matter_id, phone);
	if (rc != XF_OK)
		return rc;
	size_t len = strlen(phone);
	if (len < 4 || sodium_memcmp(phone + len - 4, last4, 4) != 0)
		return XF_NOTFOUND;
	return XF_OK;
}

/* What the lookup tells: {number, stage, next_due, answered}: the number of the
 * 受理告知书 the petitioner holds, the matter's stage and the due time of the clock running
 * now (store/xf_store_matters.h). */
static int lookup_answer(xf_db *db, int64_t matter_id, json_t **out, bool *answered)
{
	json_t *issued, *matter;
	int rc = xf_store_notices_issued(db, matter_id, &issued);
	if (rc != XF_OK)
		return rc;
	rc = xf_store_matter_full_json(db, matter_id, xf_now_ms(), &matter);
	if (rc != XF_OK) {
		json_decref(issued);
		return rc;
	}
	*answered = json_object_get(issued, "answer") != NULL;
	const char *number =
	    json_string_value(json_object_get(json_object_get(issued, "acceptance"), "number"));
	const char *stage = json_string_value(json_object_get(matter, "stage"));
	json_t *due = json_object_get(matter, "due_at");
	*out = json_pack("{s:s, s:s, s:O, s:b}", "number", number ? number : "", "stage",
	                 stage ? stage : "received", "next_due", due ? due : json_null(),
	                 "answered", *answered);
	json_decref(issued);
	json_decref(matter);
	return XF_OK;
}

/* The shared part of both routes: parses {code, phone_last4} (and the rating when
 * rating is not NULL), checks the throttle, finds the matter. Returns false when it
 * answered; on true a write transaction is open and *matter_id set. */
static bool lookup_begin(xf_req *req, xf_db *db, const char *action, const char **rating,
                         int64_t *matter_id, char client[65])
{
	static const char *const fields[] = {"code", "phone_last4", "rating", NULL};
	xf_field_error err;
	const char *code, *last4;
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return false;
	if (xf_json_string(body, "code", true, 1, 40, &code, &err) != XF_OK ||
	    xf_json_string(body, "phone_last4", true, 4, 4, &last4, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return false;
	}
	if (rating && xf_json_choice(body, "rating", true, rating_ids, rating, &err) != XF_OK) {
		xf_reply_error(
		    req, 400, "invalid_field", "rating",
		    "'rating' must be one of satisfied, basically_satisfied, unsatisfied");
		return false;
	}
	if (!rating && json_object_get(body, "rating")) {
		xf_reply_error(req, 400, "invalid_field", "rating", "unknown field '%s'", "rating");
		return false;
	}
	sha256_hex(req->client_addr, client);
	int64_t now = xf_now_ms(), wait;
	if (!xf_api_begin(req, db))
		return false;
	int rc = client_wait(db, client, now, &wait);
	if (rc == XF_OK && wait > 0) {
		rc = xf_store_lookup_log(db, 0, action, "throttled", client, now);
		if (xf_api_finish(req, db, rc)) {
			char seconds[24];
			snprintf(seconds, sizeof seconds, "%lld", (long long)((wait + 999) / 1000));
			xf_reply_header(req, "Retry-After", seconds);
			xf_reply_error(req, 429, "throttled", NULL,
			               "too many failed lookups; try again in %s seconds", seconds);
		}
		return false;
	}
	if (rc == XF_OK)
		rc = find_matter(db, code, last4, matter_id);
	if (rc == XF_NOTFOUND) {
		rc = client_fail(db, client, now);
		if (rc == XF_OK)
			rc = xf_store_lookup_log(db, 0, action, "not_found", client, now);
		if (xf_api_finish(req, db, rc))
			xf_reply_error(req, 404, "not_found", NULL,
			               "no matter has this query code and these phone digits");
		return false;
	}
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_api_store_error(req, db, rc);
		return false;
	}
	return true;
}

static void xf_api_lookup(xf_req *req)
{
	xf_db *db = xf_db_get();
	int64_t matter_id;
	char client[65];
	if (!lookup_begin(req, db, "lookup", NULL, &matter_id, client))
		return;
	json_t *answer = NULL;
	bool answered;
	int rc = lookup_answer(db, matter_id, &answer, &answered);
	if (rc == XF_OK)
		rc = xf_store_lookup_log(db, matter_id, "lookup", "found", client, xf_now_ms());
	if (xf_api_finish(req, db, rc))
		xf_reply_json(req, 200, answer);
	else
		json_decref(answer);
}

static void xf_api_lookup_rating(xf_req *req)
{
	xf_db *db = xf_db_get();
	int64_t matter_id;
	char client[65];
	const char *rating;
	if (!lookup_begin(req, db, "rating", &rating, &matter_id, client))
		return;
	json_t *answer = NULL;
	bool answered = false;
	int64_t now = xf_now_ms();
	int rc = lookup_answer(db, matter_id, &answer, &answered);
	if (rc == XF_OK && !answered) {
		json_decref(answer);
		rc = xf_store_lookup_log(db, matter_id, "rating", "refused", client, now);
		if (xf_api_finish(req, db, rc))
			xf_reply_error(
			    req, 409, "conflict", NULL,
			    "the matter is not answered yet: it can be rated once it is");
		return;
	}
	if (rc == XF_OK)
		rc = xf_store_rating_add(db, matter_id, rating, now);
	if (rc == XF_OK)
		rc = xf_store_matter_satisfaction(db, matter_id, rating, "self", now);
	if (rc == XF_OK)
		rc = xf_store_lookup_log(db, matter_id, "rating", "rated", client, now);
	if (rc == XF_OK)
		json_object_set_new(answer, "rating", json_string(rating));
	if (xf_api_finish(req, db, rc))
		xf_reply_json(req, 200, answer);
	else
		json_decref(answer);
}

static const xf_route routes[] = {
    {"POST", "/lookup", XF_PERM_PUBLIC, XF_ROUTE_NO_CSRF, xf_api_lookup},
    {"POST", "/lookup/rating", XF_PERM_PUBLIC, XF_ROUTE_NO_CSRF, xf_api_lookup_rating},
};

const xf_route_list xf_routes_lookup = {routes, XF_ARRAY_LEN(routes)};
