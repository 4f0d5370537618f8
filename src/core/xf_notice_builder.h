/* The notice builder: written notices to a petitioner under 《信访工作条例》 —
 * 受理告知书 / 不予受理告知书 (Art. 22-23), 延期告知书 (Art. 34), 答复意见书 (Art. 32, 34),
 * 复查意见书 (Art. 35), 复核意见书 (Art. 36) — as docs/documents.md describes them: the
 * draft fields from a matter's facts (store/xf_store_notices.h, xf_store_notice_facts),
 * the rule of which notice fits a matter's stage, the document (doc/xf_document.h) the
 * PDF and DOCX writers print, and the query code printed on the 受理告知书. Pure: no
 * store, no HTTP, no randomness (the caller hands in random bytes).
 *
 * A notice's fields are a flat object of strings the office edits (see xf_notice_fields
 * for each kind's keys). What never appears: an ID number in full (any run of 15 to 18
 * digits is masked, as in reports), health data (no field takes it), and the content
 * of an accusation (检举控告) beyond what the accuser wrote themself: the draft summary
 * of an accusation names the category only. */
#ifndef XF_NOTICE_BUILDER_H
#define XF_NOTICE_BUILDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "doc/xf_document.h"

/* "acceptance", "non_acceptance", "extension", "answer", "review", "re_review". */
extern const char *const xf_notice_kind_ids[];
/* 受理告知书, 不予受理告知书, 延期告知书, 答复意见书, 复查意见书, 复核意见书; the id itself
 * when unknown. */
const char *xf_notice_kind_zh(const char *kind);
/* The keys a notice of kind takes in its fields, NULL-terminated; NULL for no kind. */
const char *const *xf_notice_fields(const char *kind);

/* Where a matter stands, for the rule of which notice may be issued. */
typedef struct xf_notice_stage {
	bool accepted;   /* the matter's own accepted stamp */
	bool concluded;  /* the matter's own concluded stamp */
	unsigned issued; /* bit (1u << i) for each xf_notice_kind_ids[i] issued */
} xf_notice_stage;

/* Why a notice may not be issued at a stage (docs/documents.md). */
typedef enum xf_notice_refusal_kind {
	XF_NOTICE_FITS,         /* it may be issued */
	XF_NOTICE_DECIDED,      /* acceptance decided by an issued notice already */
	XF_NOTICE_ACCEPTED,     /* a non-acceptance after the matter was accepted */
	XF_NOTICE_NOT_ACCEPTED, /* no issued acceptance notice yet */
	XF_NOTICE_ANSWERED,     /* answered already (extension, answer) */
	XF_NOTICE_EXTENDED,     /* Art. 34: extended once already */
	XF_NOTICE_NO_ANSWER,    /* a review needs an issued answer */
	XF_NOTICE_REVIEWED,     /* reviewed already */
	XF_NOTICE_NO_REVIEW,    /* a re-review needs an issued review */
	XF_NOTICE_RE_REVIEWED,  /* Art. 36: re-reviewed already, the same facts never again */
	XF_NOTICE_UNKNOWN,      /* no such kind */
} xf_notice_refusal_kind;
xf_notice_refusal_kind xf_notice_refusal(const char *kind, const xf_notice_stage *stage);
/* The index of kind in xf_notice_kind_ids, or -1. */
int xf_notice_kind_index(const char *kind);

/* The draft fields of kind from facts ({matter, person, issuer}, plus "matter_api", the
 * matter as the API shows it, and "issued", the matter's issued notices by kind).
 * Returns a new object. */
json_t *xf_notice_draft(const char *kind, const json_t *facts);

/* The query code alphabet: digits and capitals without 0, 1, I, L, O (never misread). */
#define XF_QUERY_CODE_LEN 10
/* The code of XF_QUERY_CODE_LEN characters from random bytes (one byte a character,
 * rejection-free: 256 is not a multiple of 31, the bias is under 1 %); out has room for
 * XF_QUERY_CODE_LEN + 2 bytes: "ABCDE-FGHJK". */
void xf_query_code_make(const unsigned char random[XF_QUERY_CODE_LEN], char *out);
/* The code as typed (spaces, dashes, lower case) made canonical without the dash; false
 * when it is not a code. out has room for XF_QUERY_CODE_LEN + 1 bytes. */
bool xf_query_code_normalise(const char *in, char *out);

/* The document of notice (its API shape: kind, fields, number, issued_at,
 * issued_by_name, version) with facts' issuer; query_code (may be NULL) is printed on a
 * 受理告知书; draft adds the 草稿 watermark. NULL with err on invalid text. */
xf_document *xf_notice_document(const json_t *notice, const json_t *facts, const char *query_code,
                                bool draft, char err[256]);

#endif
