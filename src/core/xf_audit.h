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

#include <stdbool.h>
#include <stdint.h>

#define XF_HASH_LEN 32
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

/* Computes the row's hash from the previous row's hash. */
void xf_audit_hash(const unsigned char prev[XF_HASH_LEN], const xf_audit_row *row,
                   unsigned char out[XF_HASH_LEN]);

/* A chain walk: feed rows in seq order; the first bad row stops the walk. */
typedef struct xf_audit_walk {
	unsigned char head[XF_HASH_LEN];
	int64_t last_seq;
	int64_t count;
	int64_t bad_seq;     /* 0 while good */
	char problem[160];   /* why bad_seq is bad */
} xf_audit_walk;

void xf_audit_walk_init(xf_audit_walk *w);
/* Checks one stored row against the chain so far. prev_hex and hash_hex are the
 * stored columns. Returns false (and records the problem) at the first bad row. */
bool xf_audit_walk_step(xf_audit_walk *w, const xf_audit_row *row, const char *prev_hex,
                        const char *hash_hex);

#endif
