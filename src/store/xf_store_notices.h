/* Written notices to a petitioner (受理告知书, 不予受理告知书, 延期告知书, 答复意见书,
 * 复查意见书, 复核意见书) and the public lookup of a matter by its query code, in SQL (the
 * tables of migration 23 in xf_migrations.c): drafts whose fields the office edits,
 * issued notices numbered 〔YEAR〕N号 in one series a year and locked (a trigger refuses
 * any change but the delivery), the query code kept as its SHA-256, the lookup log and
 * the ratings petitioners give themselves. Promises as in xf_store.h; times are
 * milliseconds since the epoch (UTC). */
#ifndef XF_STORE_NOTICES_H
#define XF_STORE_NOTICES_H

#include "store/xf_store.h"

typedef struct xf_notice_row {
	int64_t id, matter_id, seq, issued_ms, issued_by;
	char kind[16], status[8], number[40];
	char pdf_sha256[65], docx_sha256[65];
	char delivery_method[16];
} xf_notice_row;

int xf_store_notice_insert(xf_db *db, int64_t matter_id, const char *kind, const char *fields,
                           int64_t user_id, int64_t now_ms, int64_t *id);
int xf_store_notice_get(xf_db *db, int64_t id, xf_notice_row *out);
/* Replaces a draft's fields (JSON text); XF_NOTFOUND when it is not a draft. */
int xf_store_notice_update(xf_db *db, int64_t id, const char *fields, int64_t now_ms);
/* The next number of the year: one series for every kind of notice. */
int xf_store_notice_next_seq(xf_db *db, int year, int64_t *seq);
/* Locks a draft under its number; XF_NOTFOUND when it is no draft any more,
 * XF_CONFLICT when another notice took the number. */
int xf_store_notice_issue(xf_db *db, int64_t id, int year, int64_t seq, const char *number,
                          int64_t issued_ms, int64_t issued_by, const char *pdf_sha256,
                          const char *docx_sha256);
/* Records how and when an issued notice reached the petitioner (a later record
 * replaces an earlier one); XF_NOTFOUND when it is not issued. */
int xf_store_notice_deliver(xf_db *db, int64_t id, const char *method, const char *date,
                            const char *reference, int64_t user_id, int64_t now_ms);
/* The API shape of a notice: fields parsed, names of the people. */
int xf_store_notice_json(xf_db *db, int64_t id, json_t **out);
/* The notices of a matter, oldest first. */
int xf_store_notice_list(xf_db *db, int64_t matter_id, json_t **out);
/* The kinds of the matter's issued notices as {kind: {number, issued_ms, fields}}. */
int xf_store_notices_issued(xf_db *db, int64_t matter_id, json_t **out);

/* What a notice is built from: {matter:{id, category, content, received_ms,
 * accepted_ms, concluded_ms, outcome, unit}, person:{name, phone_last4}, issuer}. */
int xf_store_notice_facts(xf_db *db, int64_t matter_id, json_t **out);

/* The query code of a matter (its SHA-256), set once with the 受理告知书 that carries
 * it; XF_CONFLICT when the matter has one. */
int xf_store_query_code_put(xf_db *db, int64_t matter_id, const char *code_sha256,
                            int64_t notice_id, int64_t now_ms);
/* The matter of a code's SHA-256 and its petitioner's phone; XF_NOTFOUND when none. */
int xf_store_query_code_find(xf_db *db, const char *code_sha256, int64_t *matter_id,
                             char phone[64]);
/* Logs a public lookup: action "lookup"|"rating", outcome "found"|"not_found"|
 * "throttled"|"refused"|"rated"; matter_id 0 when unknown. */
int xf_store_lookup_log(xf_db *db, int64_t matter_id, const char *action, const char *outcome,
                        const char *client_sha256, int64_t now_ms);
/* A rating the petitioner gave themself (source "self"). */
int xf_store_rating_add(xf_db *db, int64_t matter_id, const char *rating, int64_t now_ms);
/* The latest self-given rating of a matter ("" when none). */
int xf_store_rating_last(xf_db *db, int64_t matter_id, char rating[24]);

#endif
