/* The seal of an archived incident (issue 9 item 8, docs/audit.md "Seals") and the
 * retention of records past their time, in SQL (the seals table of migration 14).
 *
 * A seal is SHA-256 over the canonical JSON (xf_json_canonical) of a snapshot of the
 * incident row, its units, tasks (but 包保 follow-up tasks, which belong to the person
 * and go on after archiving), notes (their events' hashes), records (their file
 * hashes and a hash of each row), reports (file hashes and a hash of each row), its
 * evaluation and the audit chain's head when it was sealed. xf_seal_compute() is the
 * one place that builds it: archiving and `xinfang check` both call it, so they cannot
 * disagree. Records removed by retention are taken back into the snapshot from the
 * retention.apply events that removed them (those keep the hashes, never the data).
 * Promises as in xf_store.h. */
#ifndef XF_STORE_SEAL_H
#define XF_STORE_SEAL_H

#include <stdio.h>

#include "store/xf_store.h"

#define XF_SEAL_FORMAT "xinfang-seal-v1"

/* The snapshot of an incident with the audit head (seq, 64 hex digits) it is sealed
 * at: its canonical text (*canonical, caller frees; may be NULL), its hash and the
 * hash of each part (*parts, caller owns; may be NULL). */
int xf_seal_compute(xf_db *db, int64_t incident_id, int64_t audit_seq, const char *audit_head,
                    char **canonical, char hash[XF_HASH_HEX_LEN], json_t **parts);

/* Seals an incident inside the caller's write transaction (the archiving one): takes
 * the audit head now, stores the seal and appends the incident.seal event. From then
 * on triggers refuse changes to its rows ("sealed: ..."). hash may be NULL. */
int xf_seal_incident(xf_db *db, const xf_actor *actor, int64_t incident_id,
                     char hash[XF_HASH_HEX_LEN]);

/* XF_OK with *sealed set; the seal's hash when sealed (hash may be NULL). */
int xf_seal_get(xf_db *db, int64_t incident_id, bool *sealed, char hash[XF_HASH_HEX_LEN],
                int64_t *sealed_ms);

/* For xinfang check: recomputes every seal; names on err each incident whose rows
 * changed after sealing, and which parts. Returns the number of broken seals, or -1
 * when the store cannot be read. *n_sealed (may be NULL) receives the seals checked. */
int xf_seal_check_all(xf_db *db, FILE *err, int64_t *n_sealed);

/* The seal's API shape {hash, sealed_at, format, audit_seq, audit_head}; XF_NOTFOUND
 * when the incident is not sealed. */
int xf_seal_json(xf_db *db, int64_t incident_id, json_t **out);

/* What the archive download holds: the incident's records [{id, kind, title, filename,
 * sha256, size, mime, captured_ms, added_ms, place, note, interview (JSON text)}] and
 * issued reports [{id, kind, version, number, title, issued_ms, pdf_sha256, docx_sha256}]
 * (caller owns both). */
int xf_archive_contents(xf_db *db, int64_t incident_id, json_t **records, json_t **reports);

/* ---- retention ---- */

/* One record past its retention. */
typedef struct xf_retention_item {
	int64_t record_id, incident_id, size, closed_ms;
	char number[24], kind[16], sha256[65], thumb_sha256[65];
} xf_retention_item;

/* The records of closed incidents (archived, withdrawn, not activated) whose kind has
 * a retention (days[k] > 0 for kind kinds[k]) and whose incident closed at least that
 * many days before as_of_ms; by incident then record. The caller frees *items. */
int xf_retention_due(xf_db *db, const char *const *kinds, const int *days, size_t n_kinds,
                     int64_t as_of_ms, xf_retention_item **items, size_t *n);

/* Deletes the rows of items[0..n) (one incident at a time, n > 0, all of incident_id)
 * inside the caller's write transaction, lifting the seal's triggers for the deletion
 * only, and appends retention.apply for the incident: the records' ids, kinds, file
 * hashes and row hashes (what the seal covered), counts per kind; never their data. */
int xf_retention_remove(xf_db *db, const xf_actor *actor, int64_t incident_id,
                        const xf_retention_item *items, size_t n);

/* Whether any record or report still points at a stored file (after a removal). */
int xf_retention_file_used(xf_db *db, const char *sha256, bool *used);

#endif
