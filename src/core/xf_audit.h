/* The audit chain: how an event row is encoded and hashed, and how a chain is checked.
 *
 * hash(row) = SHA-256(prev_hash || canonical(row)), where prev_hash is the previous
 * row's hash (32 zero bytes for the first row) and canonical(row) is
 *
 *     "xinfang-event-v1\n" then, for each field in this order:
 *     seq, at, actor_id, actor, action, object_type, object_id, data, request_id,
 *     the line  NAME ":" LENGTH ":" VALUE "\n"   (LENGTH in bytes, decimal)
 *
 * with integers in decimal and an absent actor_id as the empty string. The encoding is
 * unambiguous, so no two different rows share it. This module is pure: it hashes and
 * compares; store/ reads and writes the rows. */
#ifndef XF_AUDIT_H
#define XF_AUDIT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XF_HASH_LEN     32
#define XF_HASH_HEX_LEN 65

typedef struct xf_audit_row {
	int64_t seq;
	const char *at;
	int64_t actor_id; /* 0: no user (system, command line) */
	const char *actor;
	const char *action;
	const char *object_type;
	const char *object_id;
	const char *data; /* canonical JSON text */
	const char *request_id;
} xf_audit_row;

/* The canonical JSON text of a value (an event's data, a seal's snapshot): compact,
 * keys sorted, so equal values have equal text. The caller frees the text. */
char *xf_json_canonical(const json_t *value);

/* Computes the row's hash from the previous row's hash. */
void xf_audit_hash(const unsigned char prev[XF_HASH_LEN], const xf_audit_row *row,
                   unsigned char out[XF_HASH_LEN]);

/* A chain walk: feed rows in seq order; the first bad row stops the walk. */
typedef struct xf_audit_walk {
	unsigned char head[XF_HASH_LEN];
	int64_t last_seq;
	int64_t count;
	int64_t bad_seq;   /* 0 while good */
	char problem[160]; /* why bad_seq is bad */
	/* Set mark_seq after init to have the walk keep the chain's hash at that row. */
	int64_t mark_seq;
	bool mark_found;
	unsigned char mark_hash[XF_HASH_LEN];
} xf_audit_walk;

void xf_audit_walk_init(xf_audit_walk *w);
/* Checks one stored row against the chain so far. prev_hex and hash_hex are the
 * stored columns. Returns false (and records the problem) at the first bad row. */
bool xf_audit_walk_step(xf_audit_walk *w, const xf_audit_row *row, const char *prev_hex,
                        const char *hash_hex);

/* The chain head kept outside the database (docs/audit.md, "The head file"): the
 * sequence number and hash of the newest event a commit appended, as one line
 *
 *     xinfang-head-v1 SEQ HASH\n
 *
 * with SEQ in decimal and HASH 64 lower-case hex digits. A SQL edit can rewind the
 * events table and recompute every hash (the chain has no secret), but it cannot
 * rewind this file; comparing the two finds a chain cut short or rewritten. */
typedef struct xf_audit_head {
	int64_t seq; /* >= 1 */
	unsigned char hash[XF_HASH_LEN];
} xf_audit_head;

#define XF_AUDIT_HEAD_TEXT_LEN 112
void xf_audit_head_format(const xf_audit_head *head, char out[XF_AUDIT_HEAD_TEXT_LEN]);
/* Parses the text of a head file (n bytes, not NUL-terminated); false when it is
 * not exactly one line in the format above. */
bool xf_audit_head_parse(const char *text, size_t n, xf_audit_head *out);

/* Compares a finished clean walk, made with mark_seq = recorded->seq, with the head
 * recorded outside the database. Returns true when the chain still contains the
 * recorded head (it may have grown since); otherwise false with the problem. */
bool xf_audit_head_matches(const xf_audit_walk *w, const xf_audit_head *recorded, char *problem,
                           size_t problem_size);

#endif
