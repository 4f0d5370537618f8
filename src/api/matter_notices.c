/* Written notices of a matter (issue 13 item 4, docs/documents.md): 受理告知书 /
 * 不予受理告知书, 延期告知书, 答复意见书, 复查意见书, 复核意见书. A draft is made from the
 * matter (core/xf_notice_builder.h) and edited by the petition office; issuing it numbers
 * it (〔YEAR〕N号, one series a year for every kind), renders it once as PDF and DOCX into
 * the records' content store (hashes in the row), locks it, and tells the matter's
 * clocks (xf_store_matter_notice_issued) in the same transaction; a notice that does not
 * fit the matter's stage is refused with 409 saying why (this file's order of notices,
 * then the matter's own stage: a non-acceptance needs the recorded decision, an extension
 * notice the extension, a review the petitioner's request). A 受理告知书 carries the
 * matter's query code for the public lookup (lookup.c): made at issue, printed on the
 * document, answered once in the issue reply, stored only as its SHA-256. Delivery (in
 * person, post, SMS) is recorded after. Events name the matter, the notice's kind and
 * number: never an accusation's content. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/xf_api.h"
#include "api/xf_documents.h"
#include "api/xf_records.h"
#include "core/xf_notice_builder.h"
#include "store/xf_store_matters.h"
#include "store/xf_store_notices.h"

#define FIELD_MAX 2000

static const char *const delivery_ids[] = {"in_person", "post", "sms", NULL};

/* Tells the matter's clocks (store/xf_store_matters.h) that a notice of kind was issued;
 * a matter whose own stage refuses it (no recorded decision not to accept, no extension,
 * no review requested) answers 409 saying what to do first. False when it answered. */
static bool notice_issued(xf_req *req, xf_db *db, int64_t matter_id, const char *kind, int64_t now,
                          int *rc)
{
	*rc = xf_store_matter_notice_issued(db, matter_id, kind, now);
	if (*rc != XF_CONFLICT)
		return true;
	xf_tx_rollback(db);
	if (strcmp(kind, "non_acceptance") == 0)
		xf_reply_error(req, 409, "conflict", NULL,
		               "record the decision not to accept matter %lld first (POST "
		               "/matters/%lld/not-accept with the reason)",
		               (long long)matter_id, (long long)matter_id);
	else if (strcmp(kind, "extension") == 0)
		xf_reply_error(req, 409, "conflict", NULL,
		               "matter %lld is not extended: extend it first (POST "
		               "/matters/%lld/extend with days and reason)",
		               (long long)matter_id, (long long)matter_id);
	else if (strcmp(kind, "review") == 0 || strcmp(kind, "re_review") == 0)
		xf_reply_error(req, 409, "conflict", NULL,
		               "the petitioner of matter %lld has not requested a %s (POST "
		               "/matters/%lld/%s)",
		               (long long)matter_id, strcmp(kind, "review") == 0 ? "复查" : "复核",
		               (long long)matter_id,
		               strcmp(kind, "review") == 0 ? "review-request"
		                                           : "re-review-request");
	else
		xf_reply_error(req, 409, "conflict", NULL,
		               "the stage of matter %lld does not allow a %s", (long long)matter_id,
		               xf_notice_kind_zh(kind));
	return false;
}

/* Answers 404 for a matter the user may not see (or the store error); true when seen. */
static bool matter_seen(xf_req *req, xf_db *db, int64_t matter_id)
{
	xf_viewer viewer = xf_api_viewer(req);
	int rc = xf_store_matter_visible(db, &viewer, matter_id);
	if (rc == XF_OK)
		return true;
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 404, "not_found", NULL, "there is no matter %lld you may see",
		               (long long)matter_id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

/* Begins a transaction and loads a notice of a matter the user may see; on failure
 * rolls back, answers and returns false. */
static bool begin_notice(xf_req *req, xf_db *db, int64_t id, bool write, xf_notice_row *row)
{
	int rc = xf_tx_begin(db, write);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return false;
	}
	rc = xf_store_notice_get(db, id, row);
	if (rc == XF_OK) {
		xf_viewer viewer = xf_api_viewer(req);
		rc = xf_store_matter_visible(db, &viewer, row->matter_id);
	}
	if (rc == XF_OK)
		return true;
	xf_tx_rollback(db);
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 404, "not_found", NULL, "there is no notice %lld you may see",
		               (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

/* The facts a notice of the matter is built from, with the matter as the API shows it
 * and its issued notices by kind. */
static int notice_facts(xf_db *db, int64_t matter_id, json_t **out)
{
	json_t *facts = NULL, *api = NULL, *issued = NULL;
	int rc = xf_store_notice_facts(db, matter_id, &facts);
	if (rc == XF_OK)
		rc = xf_store_matter_full_json(db, matter_id, xf_now_ms(), &api);
	if (rc == XF_OK)
		json_object_set_new(facts, "matter_api", api);
	if (rc == XF_OK)
		rc = xf_store_notices_issued(db, matter_id, &issued);
	if (rc == XF_OK)
		json_object_set_new(facts, "issued", issued);
	if (rc != XF_OK) {
		json_decref(facts);
		return rc;
	}
	*out = facts;
	return XF_OK;
}

/* Copies the fields of kind given in body over fields, answering 400 naming a bad one. */
static bool fields_from(xf_req *req, json_t *body, const char *kind, json_t *fields)
{
	const char *const *keys = xf_notice_fields(kind);
	for (size_t i = 0; keys[i]; i++) {
		xf_field_error err;
		const char *v;
		if (xf_json_string(body, keys[i], false, 0, FIELD_MAX, &v, &err) == XF_ERR) {
			xf_reply_field_error(req, &err);
			return false;
		}
		if (json_object_get(body, keys[i]))
			json_object_set_new(fields, keys[i], json_string(v));
	}
	return true;
}

/* Refuses members other than allowed and the fields of kind. */
static bool only_fields(xf_req *req, json_t *body, const char *kind, const char *allowed)
{
	const char *const *keys = xf_notice_fields(kind);
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		bool ok = allowed && strcmp(key, allowed) == 0;
		for (size_t i = 0; !ok && keys[i]; i++)
			ok = strcmp(keys[i], key) == 0;
		if (!ok) {
			xf_reply_error(req, 400, "invalid_field", key,
			               "'%s' is not a field of a %s notice", key, kind);
			return false;
		}
	}
	return true;
}

static json_t *event_data(xf_req *req, int64_t notice_id, const char *kind, const char *what)
{
	return json_pack("{s:I, s:s, s:s}", "notice_id", (json_int_t)notice_id, "kind", kind,
	                 "summary",
	                 xf_arena_printf(&req->arena, "%s%s", what, xf_notice_kind_zh(kind)));
}

static void xf_api_notices_create(xf_req *req)
{
	int64_t matter_id, id;
	const char *kind;
	xf_field_error err;
	if (!xf_api_path_id(req, "id", &matter_id))
		return;
	json_t *body = xf_req_json(req);
	if (!body)
		return;
	if (xf_json_choice(body, "kind", true, xf_notice_kind_ids, &kind, &err) != XF_OK) {
		xf_reply_error(
		    req, 400, "invalid_field", "kind",
		    "'kind' must be one of acceptance, non_acceptance, extension, answer, "
		    "review, re_review");
		return;
	}
	if (!only_fields(req, body, kind, "kind"))
		return;
	xf_db *db = xf_db_get();
	if (!xf_api_begin(req, db))
		return;
	if (!matter_seen(req, db, matter_id)) {
		xf_tx_rollback(db);
		return;
	}
	json_t *facts;
	int rc = notice_facts(db, matter_id, &facts);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_api_store_error(req, db, rc);
		return;
	}
	json_t *fields = xf_notice_draft(kind, facts);
	json_decref(facts);
	if (!fields_from(req, body, kind, fields)) {
		json_decref(fields);
		xf_tx_rollback(db);
		return;
	}
	char *text = json_dumps(fields, JSON_COMPACT);
	json_decref(fields);
	rc = xf_store_notice_insert(db, matter_id, kind, text, req->user.id, xf_now_ms(), &id);
	free(text);
	xf_actor actor = xf_api_actor(req);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "notice.create", "matter",
		                     xf_api_id_text(req, matter_id),
		                     event_data(req, id, kind, "起草"));
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_notice_json, id, NULL, 201);
}

static void xf_api_notices_update(xf_req *req)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	json_t *body = xf_req_json(req);
	if (!body)
		return;
	xf_db *db = xf_db_get();
	xf_notice_row row;
	if (!begin_notice(req, db, id, true, &row))
		return;
	if (strcmp(row.status, "draft") != 0) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL,
		               "notice %lld is issued (%s) and never changes", (long long)id,
		               row.number);
		return;
	}
	json_t *notice = NULL;
	int rc = xf_store_notice_json(db, id, &notice);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_api_store_error(req, db, rc);
		return;
	}
	json_t *fields = json_incref(json_object_get(notice, "fields"));
	json_decref(notice);
	if (!only_fields(req, body, row.kind, NULL) || !fields_from(req, body, row.kind, fields)) {
		json_decref(fields);
		xf_tx_rollback(db);
		return;
	}
	char *text = json_dumps(fields, JSON_COMPACT);
	json_decref(fields);
	rc = xf_store_notice_update(db, id, text, xf_now_ms());
	free(text);
	xf_actor actor = xf_api_actor(req);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "notice.edit", "matter",
		                     xf_api_id_text(req, row.matter_id),
		                     event_data(req, id, row.kind, "修改"));
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_notice_json, id, NULL, 200);
}

static void xf_api_notices_get(xf_req *req)
{
	int64_t id;
	xf_db *db = xf_db_get();
	xf_notice_row row;
	if (!xf_api_path_id(req, "id", &id) || !begin_notice(req, db, id, false, &row))
		return;
	xf_tx_rollback(db);
	xf_api_reply_read(req, db, xf_store_notice_json, id, NULL, 200);
}

static void xf_api_notices_list(xf_req *req)
{
	int64_t matter_id;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &matter_id))
		return;
	int rc = xf_tx_begin(db, false);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	if (!matter_seen(req, db, matter_id)) {
		xf_tx_rollback(db);
		return;
	}
	json_t *list = NULL;
	rc = xf_store_notice_list(db, matter_id, &list);
	xf_tx_rollback(db);
	xf_api_reply_list(req, db, rc, "notices", list);
}

/* Renders a notice into pdf and docx (either may be NULL); false when it answered. */
static bool render(xf_req *req, const json_t *notice, const json_t *facts, const char *code,
                   bool draft, xf_buf *pdf, xf_buf *docx)
{
	char err[256] = "";
	if (xf_api_document_write(xf_notice_document(notice, facts, code, draft, err), pdf, docx,
	                          err) != XF_OK) {
		xf_log("req=%s cannot render notice: %s", req->request_id, err);
		xf_reply_error(req, 500, "render_failed", NULL,
		               "the notice could not be rendered: %s", err);
		return false;
	}
	return true;
}

/* The stage of a matter from its facts (core/xf_notice_builder.h). */
static xf_notice_stage stage_of(const json_t *facts)
{
	const json_t *m = json_object_get(facts, "matter");
	xf_notice_stage s = {
	    .accepted = json_integer_value(json_object_get(m, "accepted_ms")) != 0,
	    .concluded = json_integer_value(json_object_get(m, "concluded_ms")) != 0,
	};
	const char *kind;
	json_t *v;
	json_object_foreach((json_t *)json_object_get(facts, "issued"), kind, v)
	{
		int i = xf_notice_kind_index(kind);
		if (i >= 0)
			s.issued |= 1u << i;
	}
	return s;
}

/* A notice being issued: what it was rendered with. */
typedef struct issuing {
	xf_notice_row row;
	int64_t now, seq;
	int year;
	char number[40];
	char code[XF_QUERY_CODE_LEN + 2], code_sha[65];
	char pdf_sha[65], docx_sha[65];
} issuing;

/* 409 when the notice does not fit the matter's stage, saying why; true when it fits. */
static bool fits(xf_req *req, const json_t *facts, const char *kind)
{
	xf_notice_stage stage = stage_of(facts);
	const char *zh = xf_notice_kind_zh(kind);
	switch (xf_notice_refusal(kind, &stage)) {
	case XF_NOTICE_FITS:
		return true;
	case XF_NOTICE_DECIDED:
		xf_reply_error(req, 409, "conflict", NULL,
		               "a %s does not fit: the matter's acceptance is decided by an issued "
		               "notice already",
		               zh);
		break;
	case XF_NOTICE_ACCEPTED:
		xf_reply_error(req, 409, "conflict", NULL,
		               "a %s does not fit: the matter is accepted", zh);
		break;
	case XF_NOTICE_NOT_ACCEPTED:
		xf_reply_error(req, 409, "conflict", NULL,
		               "a %s does not fit: the matter has no issued acceptance notice yet",
		               zh);
		break;
	case XF_NOTICE_ANSWERED:
		xf_reply_error(req, 409, "conflict", NULL,
		               "a %s does not fit: the matter is answered already", zh);
		break;
	case XF_NOTICE_EXTENDED:
		xf_reply_error(
		    req, 409, "conflict", NULL,
		    "a %s does not fit: the conclusion may be extended once only (Art. 34)", zh);
		break;
	case XF_NOTICE_NO_ANSWER:
		xf_reply_error(req, 409, "conflict", NULL,
		               "a %s does not fit: the matter has no issued answer to review", zh);
		break;
	case XF_NOTICE_REVIEWED:
		xf_reply_error(req, 409, "conflict", NULL,
		               "a %s does not fit: the matter is reviewed already", zh);
		break;
	case XF_NOTICE_NO_REVIEW:
		xf_reply_error(req, 409, "conflict", NULL,
		               "a %s does not fit: the matter has no issued review to re-review",
		               zh);
		break;
	case XF_NOTICE_RE_REVIEWED:
	case XF_NOTICE_UNKNOWN:
		xf_reply_error(req, 409, "conflict", NULL,
		               "a %s does not fit: the matter is re-reviewed already and the same "
		               "facts are not accepted again (Art. 36)",
		               zh);
		break;
	}
	return false;
}

/* Reads the draft, its facts and the number it would get in one read snapshot, then
 * (outside any lock) makes its files; false when it answered. */
static bool issue_prepare(xf_req *req, xf_db *db, int64_t id, issuing *is)
{
	if (!begin_notice(req, db, id, false, &is->row))
		return false;
	if (strcmp(is->row.status, "draft") != 0) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL, "notice %lld is issued already (%s)",
		               (long long)id, is->row.number);
		return false;
	}
	is->now = xf_now_ms();
	is->year = xf_api_shanghai_year(is->now);
	json_t *notice = NULL, *facts = NULL;
	int rc = xf_store_notice_next_seq(db, is->year, &is->seq);
	if (rc == XF_OK)
		rc = xf_store_notice_json(db, id, &notice);
	if (rc == XF_OK)
		rc = notice_facts(db, is->row.matter_id, &facts);
	xf_tx_rollback(db);
	if (rc != XF_OK) {
		json_decref(notice);
		xf_api_store_error(req, db, rc);
		return false;
	}
	bool ok = fits(req, facts, is->row.kind);
	snprintf(is->number, sizeof is->number, "〔%04d〕%lld号", is->year % 10000,
	         (long long)is->seq);
	is->code[0] = is->code_sha[0] = '\0';
	if (ok && strcmp(is->row.kind, "acceptance") == 0) {
		unsigned char random[XF_QUERY_CODE_LEN], digest[crypto_hash_sha256_BYTES];
		char canonical[XF_QUERY_CODE_LEN + 1];
		randombytes_buf(random, sizeof random);
		xf_query_code_make(random, is->code);
		xf_query_code_normalise(is->code, canonical);
		crypto_hash_sha256(digest, (const unsigned char *)canonical, strlen(canonical));
		xf_hex_encode(digest, sizeof digest, is->code_sha);
	}
	if (ok) {
		char when[XF_TIME_LEN];
		xf_time_format(is->now, when);
		json_object_set_new(notice, "status", json_string("issued"));
		json_object_set_new(notice, "number", json_string(is->number));
		json_object_set_new(notice, "issued_at", json_string(when));
		json_object_set_new(notice, "issued_by_name", json_string(req->user.name));
		xf_buf pdf = XF_BUF_INIT, docx = XF_BUF_INIT;
		ok = render(req, notice, facts, is->code[0] ? is->code : NULL, false, &pdf, &docx);
		if (ok && xf_api_document_store(&pdf, &docx, is->pdf_sha, is->docx_sha) != XF_OK) {
			xf_reply_error(req, 507, "storage", NULL,
			               "the notice's files could not be stored");
			ok = false;
		}
		xf_buf_release(&pdf);
		xf_buf_release(&docx);
	}
	json_decref(notice);
	json_decref(facts);
	return ok;
}

/* In a write transaction: issues the notice under the number its files carry, checks
 * the stage again, stores the query code, moves the matter's clocks, writes the event
 * and answers. False, answering nothing, when another notice took the number. */
static bool issue_commit(xf_req *req, xf_db *db, int64_t id, const issuing *is)
{
	if (!xf_api_begin(req, db))
		return true;
	json_t *facts = NULL;
	int rc = notice_facts(db, is->row.matter_id, &facts);
	if (rc == XF_OK && !fits(req, facts, is->row.kind)) {
		json_decref(facts);
		xf_tx_rollback(db);
		return true;
	}
	json_decref(facts);
	if (rc == XF_OK)
		rc = xf_store_notice_issue(db, id, is->year, is->seq, is->number, is->now,
		                           req->user.id, is->pdf_sha, is->docx_sha);
	if (rc == XF_CONFLICT) {
		xf_tx_rollback(db);
		return false;
	}
	if (rc == XF_NOTFOUND) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL, "notice %lld is issued already",
		               (long long)id);
		return true;
	}
	if (rc == XF_OK && is->code[0])
		rc = xf_store_query_code_put(db, is->row.matter_id, is->code_sha, id, is->now);
	if (rc == XF_OK && !notice_issued(req, db, is->row.matter_id, is->row.kind, is->now, &rc))
		return true;
	xf_actor actor = xf_api_actor(req);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "notice.issue", "matter", xf_api_id_text(req, is->row.matter_id),
		    json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "notice_id", (json_int_t)id, "kind",
		              is->row.kind, "number", is->number, "pdf_sha256", is->pdf_sha,
		              "docx_sha256", is->docx_sha, "summary",
		              xf_arena_printf(&req->arena, "签发%s%s",
		                              xf_notice_kind_zh(is->row.kind), is->number)));
	if (!xf_api_finish(req, db, rc))
		return true;
	json_t *notice;
	rc = xf_store_notice_json(db, id, &notice);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return true;
	}
	if (is->code[0]) /* the one time the code is shown outside its document */
		json_object_set_new(notice, "query_code", json_string(is->code));
	xf_reply_json(req, 200, notice);
	return true;
}

static void xf_api_notices_issue(xf_req *req)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	for (int attempt = 0; attempt < 4; attempt++) {
		issuing is;
		if (!issue_prepare(req, db, id, &is) || issue_commit(req, db, id, &is))
			return;
	}
	xf_reply_error(req, 503, "unavailable", NULL,
	               "too many notices are being issued; try again");
}

static bool valid_date(const char *s)
{
	int y, m, d;
	char extra;
	return strlen(s) == 10 && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) == 3 &&
	       y >= 2000 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static void xf_api_notices_delivery(xf_req *req)
{
	static const char *const fields[] = {"method", "date", "reference", NULL};
	xf_field_error err;
	const char *method, *date, *reference = NULL;
	int64_t id;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	if (xf_json_choice(body, "method", true, delivery_ids, &method, &err) != XF_OK) {
		xf_reply_error(req, 400, "invalid_field", "method",
		               "'method' must be one of in_person, post, sms");
		return;
	}
	if (xf_json_string(body, "date", true, 10, 10, &date, &err) != XF_OK || !valid_date(date)) {
		xf_reply_error(req, 400, "invalid_field", "date",
		               "'date' must be a date YYYY-MM-DD");
		return;
	}
	if (xf_json_string(body, "reference", false, 1, 100, &reference, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (strcmp(method, "post") == 0 && !reference) {
		xf_reply_error(req, 400, "invalid_field", "reference",
		               "a notice sent by post needs its tracking number in 'reference'");
		return;
	}
	xf_db *db = xf_db_get();
	xf_notice_row row;
	if (!begin_notice(req, db, id, true, &row))
		return;
	int rc =
	    xf_store_notice_deliver(db, id, method, date, reference, req->user.id, xf_now_ms());
	if (rc == XF_NOTFOUND) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL,
		               "notice %lld is a draft: issue it before recording its delivery",
		               (long long)id);
		return;
	}
	xf_actor actor = xf_api_actor(req);
	if (rc == XF_OK) {
		json_t *data = event_data(req, id, row.kind, "送达");
		json_object_set_new(data, "method", json_string(method));
		json_object_set_new(data, "date", json_string(date));
		rc = xf_audit_append(db, &actor, "notice.deliver", "matter",
		                     xf_api_id_text(req, row.matter_id), data);
	}
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_notice_json, id, NULL, 200);
}

/* A notice's PDF or DOCX: an issued one as stored, a draft rendered now with its
 * watermark; either download is an event. */
static void download(xf_req *req, bool pdf)
{
	const char *ext = pdf ? "pdf" : "docx";
	int64_t id;
	xf_notice_row row;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &id) || !begin_notice(req, db, id, true, &row))
		return;
	bool draft = strcmp(row.status, "draft") == 0;
	json_t *notice = NULL, *facts = NULL;
	int rc = XF_OK;
	if (draft) {
		rc = xf_store_notice_json(db, id, &notice);
		if (rc == XF_OK)
			rc = notice_facts(db, row.matter_id, &facts);
	}
	xf_actor actor = xf_api_actor(req);
	if (rc == XF_OK) {
		json_t *data = event_data(req, id, row.kind, "下载");
		json_object_set_new(data, "format", json_string(ext));
		rc = xf_audit_append(db, &actor, "notice.download", "matter",
		                     xf_api_id_text(req, row.matter_id), data);
	}
	xf_buf out = XF_BUF_INIT;
	bool ok = xf_api_finish(req, db, rc) &&
	          (!draft ||
	           render(req, notice, facts, NULL, true, pdf ? &out : NULL, pdf ? NULL : &out));
	json_decref(notice);
	json_decref(facts);
	if (ok)
		xf_api_send_document(req, pdf,
		                     draft ? NULL
		                     : pdf ? row.pdf_sha256
		                           : row.docx_sha256,
		                     &out,
		                     xf_arena_printf(&req->arena, "%s%s",
		                                     xf_notice_kind_zh(row.kind),
		                                     draft ? "" : row.number),
		                     xf_arena_printf(&req->arena, "notice-%lld", (long long)id));
	xf_buf_release(&out);
}

static void xf_api_notices_pdf(xf_req *req)
{
	download(req, true);
}

static void xf_api_notices_docx(xf_req *req)
{
	download(req, false);
}

static const xf_route routes[] = {
    {"POST", "/matters/{id}/notices", XF_PERM_PERSON_WRITE, 0, xf_api_notices_create},
    {"GET", "/matters/{id}/notices", XF_PERM_PERSON_READ, 0, xf_api_notices_list},
    {"GET", "/notices/{id}", XF_PERM_PERSON_READ, 0, xf_api_notices_get},
    {"PATCH", "/notices/{id}", XF_PERM_PERSON_WRITE, 0, xf_api_notices_update},
    {"POST", "/notices/{id}/issue", XF_PERM_PERSON_WRITE, XF_ROUTE_SLOW, xf_api_notices_issue},
    {"POST", "/notices/{id}/delivery", XF_PERM_PERSON_WRITE, 0, xf_api_notices_delivery},
    {"GET", "/notices/{id}/pdf", XF_PERM_PERSON_READ, XF_ROUTE_SLOW, xf_api_notices_pdf},
    {"GET", "/notices/{id}/docx", XF_PERM_PERSON_READ, XF_ROUTE_SLOW, xf_api_notices_docx},
};

const xf_route_list xf_routes_matter_notices = {routes, XF_ARRAY_LEN(routes)};
