/* Hashing and checking of the audit chain; the encoding is specified in xf_audit.h. */
#include "core/xf_audit.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/xf_util.h"

char *xf_json_canonical(const json_t *value)
{
	char *s = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	if (!s)
		xf_die("out of memory encoding json");
	return s;
}

static void put_field(crypto_hash_sha256_state *st, const char *name, const char *value)
{
	char head[64];
	size_t n = value ? strlen(value) : 0;
	int len = snprintf(head, sizeof head, "%s:%zu:", name, n);
	crypto_hash_sha256_update(st, (const unsigned char *)head, (unsigned long long)len);
	if (n)
		crypto_hash_sha256_update(st, (const unsigned char *)value, n);
	crypto_hash_sha256_update(st, (const unsigned char *)"\n", 1);
}

void xf_audit_hash(const unsigned char prev[XF_HASH_LEN], const xf_audit_row *row,
                   unsigned char out[XF_HASH_LEN])
{
	static const char magic[] = "xinfang-event-v1\n";
	char seq[24], actor_id[24] = "";
	crypto_hash_sha256_state st;

	snprintf(seq, sizeof seq, "%" PRId64, row->seq);
	if (row->actor_id)
		snprintf(actor_id, sizeof actor_id, "%" PRId64, row->actor_id);
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, prev, XF_HASH_LEN);
	crypto_hash_sha256_update(&st, (const unsigned char *)magic, sizeof magic - 1);
	put_field(&st, "seq", seq);
	put_field(&st, "at", row->at);
	put_field(&st, "actor_id", actor_id);
	put_field(&st, "actor", row->actor);
	put_field(&st, "action", row->action);
	put_field(&st, "object_type", row->object_type);
	put_field(&st, "object_id", row->object_id);
	put_field(&st, "data", row->data);
	put_field(&st, "request_id", row->request_id);
	crypto_hash_sha256_final(&st, out);
}

void xf_audit_walk_init(xf_audit_walk *w)
{
	memset(w, 0, sizeof *w);
}

static bool fail(xf_audit_walk *w, int64_t seq, const char *problem)
{
	w->bad_seq = seq;
	snprintf(w->problem, sizeof w->problem, "%s", problem);
	return false;
}

bool xf_audit_walk_step(xf_audit_walk *w, const xf_audit_row *row, const char *prev_hex,
                        const char *hash_hex)
{
	unsigned char stored_prev[XF_HASH_LEN], stored[XF_HASH_LEN], computed[XF_HASH_LEN];

	if (w->bad_seq)
		return false;
	if (row->seq != w->last_seq + 1)
		return fail(w, row->seq,
		            w->last_seq + 1 < row->seq ? "rows missing before this row"
		                                       : "sequence number out of order");
	if (!prev_hex || xf_hex_decode(prev_hex, stored_prev, XF_HASH_LEN) != XF_OK)
		return fail(w, row->seq, "prev_hash is not 64 hex digits");
	if (!hash_hex || xf_hex_decode(hash_hex, stored, XF_HASH_LEN) != XF_OK)
		return fail(w, row->seq, "hash is not 64 hex digits");
	if (sodium_memcmp(stored_prev, w->head, XF_HASH_LEN) != 0)
		return fail(w, row->seq, "prev_hash does not match the previous row's hash");
	xf_audit_hash(w->head, row, computed);
	if (sodium_memcmp(computed, stored, XF_HASH_LEN) != 0)
		return fail(w, row->seq, "hash does not match the row's contents");
	memcpy(w->head, computed, XF_HASH_LEN);
	if (row->seq == w->mark_seq) {
		memcpy(w->mark_hash, computed, XF_HASH_LEN);
		w->mark_found = true;
	}
	w->last_seq = row->seq;
	w->count++;
	return true;
}

static const char head_magic[] = "xinfang-head-v1 ";

void xf_audit_head_format(const xf_audit_head *head, char out[XF_AUDIT_HEAD_TEXT_LEN])
{
	char hex[XF_HASH_HEX_LEN];
	xf_hex_encode(head->hash, XF_HASH_LEN, hex);
	snprintf(out, XF_AUDIT_HEAD_TEXT_LEN, "%s%" PRId64 " %s\n", head_magic, head->seq, hex);
}

bool xf_audit_head_parse(const char *text, size_t n, xf_audit_head *out)
{
	size_t magic_len = sizeof head_magic - 1, i = magic_len;
	if (n < magic_len || memcmp(text, head_magic, magic_len) != 0)
		return false;
	int64_t seq = 0;
	size_t digits = 0;
	for (; i < n && text[i] >= '0' && text[i] <= '9'; i++, digits++) {
		if (digits == 18) /* beyond any sequence number we will reach */
			return false;
		seq = seq * 10 + (text[i] - '0');
	}
	if (digits == 0 || seq < 1 || (digits > 1 && text[magic_len] == '0'))
		return false;
	if (i >= n || text[i++] != ' ' || n - i != XF_HASH_HEX_LEN)
		return false;
	char hex[XF_HASH_HEX_LEN];
	memcpy(hex, text + i, XF_HASH_HEX_LEN - 1);
	hex[XF_HASH_HEX_LEN - 1] = '\0';
	if (text[n - 1] != '\n' || strspn(hex, "0123456789abcdef") != XF_HASH_HEX_LEN - 1 ||
	    xf_hex_decode(hex, out->hash, XF_HASH_LEN) != XF_OK)
		return false;
	out->seq = seq;
	return true;
}

bool xf_audit_head_matches(const xf_audit_walk *w, const xf_audit_head *recorded, char *problem,
                           size_t problem_size)
{
	if (w->last_seq < recorded->seq) {
		if (w->last_seq == 0)
			snprintf(problem, problem_size,
			         "the database has no events but the head file records seq=%" PRId64
			         ": every event was removed",
			         recorded->seq);
		else
			snprintf(problem, problem_size,
			         "the events end at seq=%" PRId64
			         " but the head file records seq=%" PRId64
			         ": the newest events were removed",
			         w->last_seq, recorded->seq);
		return false;
	}
	if (!w->mark_found || w->mark_seq != recorded->seq ||
	    sodium_memcmp(w->mark_hash, recorded->hash, XF_HASH_LEN) != 0) {
		snprintf(problem, problem_size,
		         "events row seq=%" PRId64
		         " is not the one the head file records: the chain"
		         " was rewritten at or before that row",
		         recorded->seq);
		return false;
	}
	return true;
}
