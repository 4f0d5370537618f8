/* Unit tests of the audit chain (core/xf_audit.h, and its store side in
 * store/xf_store.h): the row hash follows the encoding written in the header, a good
 * chain walks clean, and each kind of damage (a changed field, a wrong prev_hash, a
 * missing row, a non-hex hash) stops the walk at the row at fault. The store test
 * appends real events to a SQLite file, tampers with one row the way an attacker with
 * the file would (dropping the append-only trigger first) and expects both
 * xf_audit_verify and xf_store_integrity to notice. The head file: its one-line
 * format, its comparison with a walk, that commits write it and that a chain cut
 * short freezes it; a trigger of the right name with another body is refused; the
 * search index check reads while another connection holds the write lock, and finds
 * an index that disagrees with its documents; a statement that cannot be prepared is
 * XF_UNAVAILABLE, not an exit. */
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/xf_audit.h"
#include "core/xf_password.h"
#include "store/xf_search.h"
#include "store/xf_store.h"
#include "store/xf_store_db.h"
#include "util/xf_util.h"

enum { N_ROWS = 5 };

/* One stored row: the fields plus the two hash columns, as the store keeps them. */
typedef struct stored_row {
	xf_audit_row row;
	char data[64];
	char prev_hex[XF_HASH_HEX_LEN];
	char hash_hex[XF_HASH_HEX_LEN];
} stored_row;

static const unsigned char zero_hash[XF_HASH_LEN];

/* Builds a good chain of N_ROWS rows; seq starts at 1. */
static void build_chain(stored_row rows[N_ROWS])
{
	static const char *const actions[N_ROWS] = {"user.create", "unit.create", "session.login",
	                                            "user.update", "unit.move"};
	unsigned char prev[XF_HASH_LEN], hash[XF_HASH_LEN];
	memcpy(prev, zero_hash, XF_HASH_LEN);
	for (int i = 0; i < N_ROWS; i++) {
		stored_row *r = &rows[i];
		snprintf(r->data, sizeof r->data, "{\"n\":%d,\"name\":\"信访办\"}", i);
		r->row = (xf_audit_row){
		    .seq = i + 1,
		    .at = "2026-11-28T23:10:29.123Z",
		    .actor_id = i % 2 ? 0 : 10 + i,
		    .actor = i % 2 ? "system" : "zhang",
		    .action = actions[i],
		    .object_type = "user",
		    .object_id = i % 2 ? "" : "42",
		    .data = r->data,
		    .request_id = "req-1",
		};
		xf_audit_hash(prev, &r->row, hash);
		xf_hex_encode(prev, XF_HASH_LEN, r->prev_hex);
		xf_hex_encode(hash, XF_HASH_LEN, r->hash_hex);
		memcpy(prev, hash, XF_HASH_LEN);
	}
}

/* Walks rows[0..n) skipping index `skip` (-1: none); returns the walk's verdict. */
static bool walk_rows(const stored_row *rows, int n, int skip, xf_audit_walk *w)
{
	xf_audit_walk_init(w);
	for (int i = 0; i < n; i++) {
		if (i == skip)
			continue;
		if (!xf_audit_walk_step(w, &rows[i].row, rows[i].prev_hex, rows[i].hash_hex))
			return false;
	}
	return true;
}

static void assert_problem_mentions(const xf_audit_walk *w, const char *word)
{
	if (!strstr(w->problem, word))
		fail_msg("problem '%s' does not mention '%s'", w->problem, word);
}

/* Walks rows (skipping `skip`, -1: none), expecting the walk to fail at bad_seq with a
 * problem that mentions `word` (NULL: any). */
static void assert_walk_fails(const stored_row *rows, int skip, int64_t bad_seq, const char *word,
                              xf_audit_walk *w)
{
	assert_false(walk_rows(rows, N_ROWS, skip, w));
	assert_int_equal(w->bad_seq, bad_seq);
	if (word)
		assert_problem_mentions(w, word);
}

/* ---- the encoding ---- */

static void add_field(crypto_hash_sha256_state *st, const char *name, const char *value)
{
	char line[512];
	int n = snprintf(line, sizeof line, "%s:%zu:%s\n", name, strlen(value), value);
	assert_true(n > 0 && (size_t)n < sizeof line);
	crypto_hash_sha256_update(st, (const unsigned char *)line, (unsigned long long)n);
}

/* The hash of row after prev as the header specifies it, with actor_id written as given
 * (the row's seq is 12). */
static void spec_hash(const unsigned char *prev, const xf_audit_row *row, const char *actor_id,
                      unsigned char *want)
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, prev, XF_HASH_LEN);
	crypto_hash_sha256_update(&st, (const unsigned char *)"xinfang-event-v1\n", 17);
	add_field(&st, "seq", "12");
	add_field(&st, "at", row->at);
	add_field(&st, "actor_id", actor_id);
	add_field(&st, "actor", row->actor);
	add_field(&st, "action", row->action);
	add_field(&st, "object_type", row->object_type);
	add_field(&st, "object_id", row->object_id);
	add_field(&st, "data", row->data);
	add_field(&st, "request_id", row->request_id);
	crypto_hash_sha256_final(&st, want);
}

/* The header's specification, written out independently: a change to the encoding
 * must be deliberate, since it breaks every stored chain. */
static void test_hash_follows_the_specification(void **state)
{
	unsigned char prev[XF_HASH_LEN], got[XF_HASH_LEN], want[XF_HASH_LEN];
	for (int i = 0; i < XF_HASH_LEN; i++)
		prev[i] = (unsigned char)(i * 7 + 1);
	xf_audit_row row = {
	    .seq = 12,
	    .at = "2026-01-02T03:04:05.678Z",
	    .actor_id = 3,
	    .actor = "李四",
	    .action = "unit.create",
	    .object_type = "unit",
	    .object_id = "9",
	    .data = "{\"name\":\"一号井\"}",
	    .request_id = "r-77",
	};
	xf_audit_hash(prev, &row, got);

	/* the actor is 6 bytes, 2 characters: LENGTH is in bytes */
	spec_hash(prev, &row, "3", want);
	assert_memory_equal(got, want, XF_HASH_LEN);

	/* an absent actor is the empty string, not "0" */
	row.actor_id = 0;
	xf_audit_hash(prev, &row, got);
	spec_hash(prev, &row, "", want);
	assert_memory_equal(got, want, XF_HASH_LEN);
}

static void test_hash_is_sensitive_to_every_field(void **state)
{
	unsigned char base[XF_HASH_LEN], h[XF_HASH_LEN];
	xf_audit_row row = {1, "t", 5, "a", "b", "c", "d", "{}", "r"};
	xf_audit_hash(zero_hash, &row, base);

	xf_audit_row changed[] = {
	    {2, "t", 5, "a", "b", "c", "d", "{}", "r"},
	    {1, "T", 5, "a", "b", "c", "d", "{}", "r"},
	    {1, "t", 6, "a", "b", "c", "d", "{}", "r"},
	    {1, "t", 0, "a", "b", "c", "d", "{}", "r"},
	    {1, "t", 5, "A", "b", "c", "d", "{}", "r"},
	    {1, "t", 5, "a", "B", "c", "d", "{}", "r"},
	    {1, "t", 5, "a", "b", "C", "d", "{}", "r"},
	    {1, "t", 5, "a", "b", "c", "D", "{}", "r"},
	    {1, "t", 5, "a", "b", "c", "d", "{ }", "r"},
	    {1, "t", 5, "a", "b", "c", "d", "{}", "R"},
	    /* moving a byte from one field to the next must change the hash */
	    {1, "t", 5, "ab", "", "c", "d", "{}", "r"},
	    {1, "t", 5, "", "ab", "c", "d", "{}", "r"},
	};
	for (size_t i = 0; i < XF_ARRAY_LEN(changed); i++) {
		xf_audit_hash(zero_hash, &changed[i], h);
		if (memcmp(h, base, XF_HASH_LEN) == 0)
			fail_msg("change %zu does not change the hash", i);
	}
	/* the previous hash is part of it */
	unsigned char other_prev[XF_HASH_LEN] = {1};
	xf_audit_hash(other_prev, &row, h);
	assert_memory_not_equal(h, base, XF_HASH_LEN);
	/* and it is deterministic */
	xf_audit_hash(zero_hash, &row, h);
	assert_memory_equal(h, base, XF_HASH_LEN);
}

/* ---- walking a chain ---- */

static void test_walk_good_chain(void **state)
{
	stored_row rows[N_ROWS];
	build_chain(rows);
	assert_string_equal(rows[0].prev_hex,
	                    "0000000000000000000000000000000000000000000000000000000000000000");
	xf_audit_walk w;
	assert_true(walk_rows(rows, N_ROWS, -1, &w));
	assert_int_equal(w.bad_seq, 0);
	assert_int_equal(w.count, N_ROWS);
	assert_int_equal(w.last_seq, N_ROWS);
	char head[XF_HASH_HEX_LEN];
	xf_hex_encode(w.head, XF_HASH_LEN, head);
	assert_string_equal(head, rows[N_ROWS - 1].hash_hex);

	/* upper-case hex in the stored columns is still the same hash */
	for (char *c = rows[2].hash_hex; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	for (char *c = rows[3].prev_hex; *c; c++)
		if (*c >= 'a' && *c <= 'f')
			*c = (char)(*c - 'a' + 'A');
	assert_true(walk_rows(rows, N_ROWS, -1, &w));
	assert_int_equal(w.count, N_ROWS);

	/* the empty chain is good and its head is all zeros */
	xf_audit_walk_init(&w);
	assert_int_equal(w.count, 0);
	assert_memory_equal(w.head, zero_hash, XF_HASH_LEN);
}

static void test_walk_tampered_field(void **state)
{
	stored_row rows[N_ROWS];
	xf_audit_walk w;

	build_chain(rows);
	rows[2].data[5] = '9'; /* {"n":2 -> {"n":9 */
	assert_walk_fails(rows, -1, 3, NULL, &w);
	assert_int_equal(w.count, 2);
	assert_int_equal(w.last_seq, 2);
	assert_problem_mentions(&w, "hash");
	char head[XF_HASH_HEX_LEN];
	xf_hex_encode(w.head, XF_HASH_LEN, head);
	assert_string_equal(head, rows[1].hash_hex); /* the head of the good part */

	build_chain(rows);
	rows[2].row.actor = "mallory";
	assert_walk_fails(rows, -1, 3, "hash", &w);

	build_chain(rows);
	rows[2].row.actor_id = 1;
	assert_walk_fails(rows, -1, 3, NULL, &w);

	/* a forged row whose hash is recomputed still breaks the next row's prev_hash */
	build_chain(rows);
	rows[2].row.actor = "mallory";
	unsigned char prev[XF_HASH_LEN], hash[XF_HASH_LEN];
	assert_int_equal(xf_hex_decode(rows[2].prev_hex, prev, XF_HASH_LEN), XF_OK);
	xf_audit_hash(prev, &rows[2].row, hash);
	xf_hex_encode(hash, XF_HASH_LEN, rows[2].hash_hex);
	assert_walk_fails(rows, -1, 4, "prev_hash", &w);

	/* once bad, the walk stays bad and keeps the first problem */
	assert_false(xf_audit_walk_step(&w, &rows[4].row, rows[4].prev_hex, rows[4].hash_hex));
	assert_int_equal(w.bad_seq, 4);
	assert_int_equal(w.count, 3);
}

static void test_walk_wrong_prev_hash(void **state)
{
	stored_row rows[N_ROWS];
	xf_audit_walk w;
	build_chain(rows);
	memcpy(rows[2].prev_hex, rows[0].hash_hex, XF_HASH_HEX_LEN);
	assert_walk_fails(rows, -1, 3, "prev_hash", &w);

	/* the first row must start from zeros */
	build_chain(rows);
	rows[0].prev_hex[63] = '1';
	assert_walk_fails(rows, -1, 1, NULL, &w);
	assert_int_equal(w.count, 0);
	assert_problem_mentions(&w, "prev_hash");
}

static void test_walk_missing_and_misordered_rows(void **state)
{
	stored_row rows[N_ROWS];
	xf_audit_walk w;
	build_chain(rows);

	assert_walk_fails(rows, 2, 4, NULL, &w); /* seq 3 missing */
	assert_int_equal(w.count, 2);
	assert_problem_mentions(&w, "missing");

	assert_walk_fails(rows, 0, 2, NULL, &w); /* the first row missing */
	assert_int_equal(w.count, 0);

	/* a repeated row */
	xf_audit_walk_init(&w);
	assert_true(xf_audit_walk_step(&w, &rows[0].row, rows[0].prev_hex, rows[0].hash_hex));
	assert_true(xf_audit_walk_step(&w, &rows[1].row, rows[1].prev_hex, rows[1].hash_hex));
	assert_false(xf_audit_walk_step(&w, &rows[1].row, rows[1].prev_hex, rows[1].hash_hex));
	assert_int_equal(w.bad_seq, 2);
	assert_problem_mentions(&w, "order");

	/* dropping the tail is not detectable by a walk alone: what remains is good */
	assert_true(walk_rows(rows, N_ROWS - 1, -1, &w));
	assert_int_equal(w.count, N_ROWS - 1);
}

static void test_walk_non_hex_hash(void **state)
{
	stored_row rows[N_ROWS];
	xf_audit_walk w;

	build_chain(rows);
	rows[3].hash_hex[10] = 'z';
	assert_walk_fails(rows, -1, 4, "hash is not 64 hex digits", &w);

	build_chain(rows);
	rows[3].hash_hex[63] = '\0'; /* 63 digits */
	assert_walk_fails(rows, -1, 4, "hex", &w);

	build_chain(rows);
	rows[1].prev_hex[0] = 'g';
	assert_walk_fails(rows, -1, 2, "prev_hash is not 64 hex digits", &w);

	build_chain(rows);
	xf_audit_walk_init(&w);
	assert_false(xf_audit_walk_step(&w, &rows[0].row, rows[0].prev_hex, NULL));
	assert_int_equal(w.bad_seq, 1);
	xf_audit_walk_init(&w);
	assert_false(xf_audit_walk_step(&w, &rows[0].row, NULL, rows[0].hash_hex));
	assert_int_equal(w.bad_seq, 1);
	xf_audit_walk_init(&w);
	assert_false(xf_audit_walk_step(&w, &rows[0].row, rows[0].prev_hex, ""));
	assert_int_equal(w.bad_seq, 1);
}

/* ---- the head file ---- */

static void test_head_format_and_parse(void **state)
{
	(void)state;
	xf_audit_head head = {.seq = 1234567}, back;
	for (int i = 0; i < XF_HASH_LEN; i++)
		head.hash[i] = (unsigned char)(0xa0 + i);
	char text[XF_AUDIT_HEAD_TEXT_LEN];
	xf_audit_head_format(&head, text);
	assert_string_equal(text,
	                    "xinfang-head-v1 1234567 "
	                    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n");
	assert_true(xf_audit_head_parse(text, strlen(text), &back));
	assert_int_equal(back.seq, head.seq);
	assert_memory_equal(back.hash, head.hash, XF_HASH_LEN);

	static const char *const bad[] = {
	    "",
	    "xinfang-head-v1 1234567 "
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf",
	    "xinfang-head-v1 1234567 "
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n\n",
	    "xinfang-head-v1 1234567 "
	    "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF\n",
	    "xinfang-head-v1 0 a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n",
	    "xinfang-head-v1 012 "
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n",
	    "xinfang-head-v1 -5 a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n",
	    "xinfang-head-v1 99999999999999999999 "
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n",
	    "xinfang-head-v2 12 a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n",
	    "xinfang-head-v1 12  "
	    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n",
	    "xinfang-head-v1 12 a0a1\n",
	    "xinfang-head-v1 12 g0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\n",
	};
	for (size_t i = 0; i < XF_ARRAY_LEN(bad); i++)
		if (xf_audit_head_parse(bad[i], strlen(bad[i]), &back))
			fail_msg("parsed '%s'", bad[i]);
}

static void test_head_against_the_walk(void **state)
{
	(void)state;
	stored_row rows[N_ROWS];
	build_chain(rows);
	xf_audit_head recorded = {.seq = 3};
	assert_int_equal(xf_hex_decode(rows[2].hash_hex, recorded.hash, XF_HASH_LEN), XF_OK);
	char problem[256];

	/* the chain holds the recorded head and has grown since: fine */
	xf_audit_walk w;
	xf_audit_walk_init(&w);
	w.mark_seq = recorded.seq;
	for (int i = 0; i < N_ROWS; i++)
		assert_true(
		    xf_audit_walk_step(&w, &rows[i].row, rows[i].prev_hex, rows[i].hash_hex));
	assert_true(w.mark_found);
	assert_true(xf_audit_head_matches(&w, &recorded, problem, sizeof problem));

	/* cut short before the recorded head */
	xf_audit_walk_init(&w);
	w.mark_seq = recorded.seq;
	for (int i = 0; i < 2; i++)
		assert_true(
		    xf_audit_walk_step(&w, &rows[i].row, rows[i].prev_hex, rows[i].hash_hex));
	assert_false(xf_audit_head_matches(&w, &recorded, problem, sizeof problem));
	if (!strstr(problem, "end at seq=2 but the head file records seq=3"))
		fail_msg("problem: %s", problem);

	/* no events at all */
	xf_audit_walk_init(&w);
	w.mark_seq = recorded.seq;
	assert_false(xf_audit_head_matches(&w, &recorded, problem, sizeof problem));
	if (!strstr(problem, "every event was removed"))
		fail_msg("problem: %s", problem);

	/* the same length, another history (the chain recomputed after an edit) */
	recorded.hash[0] ^= 1;
	xf_audit_walk_init(&w);
	w.mark_seq = recorded.seq;
	for (int i = 0; i < N_ROWS; i++)
		assert_true(
		    xf_audit_walk_step(&w, &rows[i].row, rows[i].prev_hex, rows[i].hash_hex));
	assert_false(xf_audit_head_matches(&w, &recorded, problem, sizeof problem));
	if (!strstr(problem, "events row seq=3 is not the one the head file records"))
		fail_msg("problem: %s", problem);
}

/* ---- the chain in the store ---- */

typedef struct temp_store {
	char dir[64];
	char path[128];
} temp_store;

static void remove_store_files(const temp_store *t)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal", ".head"};
	char name[160];
	for (size_t i = 0; i < XF_ARRAY_LEN(suffixes); i++) {
		snprintf(name, sizeof name, "%s%s", t->path, suffixes[i]);
		unlink(name);
	}
	rmdir(t->dir);
}

static void append_events(xf_db *db, int n)
{
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	for (int i = 0; i < n; i++) {
		xf_actor actor = {.id = i == 0 ? 0 : i,
		                  .name = i == 0 ? NULL : "zhang",
		                  .request_id = "req-test"};
		json_t *data = i == 1 ? NULL : json_pack("{s:i, s:s}", "n", i, "名称", "一号井");
		char object_id[16];
		snprintf(object_id, sizeof object_id, "%d", 100 + i);
		/* xf_audit_append takes the reference to data */
		assert_int_equal(
		    xf_audit_append(db, &actor, "unit.create", "unit", object_id, data), XF_OK);
	}
	assert_int_equal(xf_tx_commit(db), XF_OK);
}

/* Each store test gets a fresh database in a directory of its own, removed again by
 * the teardown even when an assertion fails half-way. */
static int store_setup(void **state)
{
	temp_store *t = xf_calloc(1, sizeof *t);
	snprintf(t->dir, sizeof t->dir, "/tmp/xf-test-audit-XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->path, sizeof t->path, "%s/xinfang.db", t->dir);
	*state = t;
	char error[256] = "";
	if (xf_store_open(t->path, error, sizeof error) != XF_OK) {
		fprintf(stderr, "xf_store_open: %s\n", error);
		return -1;
	}
	return 0;
}

static int store_teardown(void **state)
{
	temp_store *t = *state;
	xf_store_close();
	if (t) {
		remove_store_files(t);
		free(t);
	}
	return 0;
}

static void test_store_chain_and_tampering(void **state)
{
	xf_db *db = xf_db_get();
	sqlite3 *sql = xf_db_sqlite(db);

	xf_audit_walk w;
	assert_int_equal(xf_audit_verify(db, &w), XF_OK);
	assert_int_equal(w.bad_seq, 0);
	assert_int_equal(w.count, 0);

	append_events(db, 3);
	append_events(db, 2);
	assert_int_equal(xf_audit_verify(db, &w), XF_OK);
	assert_int_equal(w.bad_seq, 0);
	assert_int_equal(w.count, 5);
	assert_int_equal(w.last_seq, 5);

	/* the walk's head is the stored hash of the last event */
	json_t *events = NULL;
	int64_t next_after = -1;
	assert_int_equal(xf_audit_page(db, 0, 100, &events, &next_after), XF_OK);
	assert_int_equal(json_array_size(events), 5);
	assert_int_equal(next_after, 0);
	char head[XF_HASH_HEX_LEN];
	xf_hex_encode(w.head, XF_HASH_LEN, head);
	json_t *last = json_array_get(events, 4);
	assert_string_equal(json_string_value(json_object_get(last, "hash")), head);
	assert_true(json_is_null(json_object_get(json_array_get(events, 0), "actor_id")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(events, 0), "actor")),
	                    "system");
	json_decref(events);

	/* paging: 2 at a time */
	assert_int_equal(xf_audit_page(db, 0, 2, &events, &next_after), XF_OK);
	assert_int_equal(json_array_size(events), 2);
	assert_int_equal(next_after, 2);
	json_decref(events);

	char problem[256] = "";
	assert_int_equal(xf_store_integrity(db, problem, sizeof problem), XF_OK);

	/* The triggers refuse changes and deletions. */
	assert_int_not_equal(
	    sqlite3_exec(sql, "UPDATE events SET actor='mallory' WHERE seq=2", NULL, NULL, NULL),
	    SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(sql, "DELETE FROM events WHERE seq=5", NULL, NULL, NULL),
	                     SQLITE_OK);
	assert_int_equal(xf_audit_verify(db, &w), XF_OK);
	assert_int_equal(w.bad_seq, 0);
	assert_int_equal(w.count, 5);

	/* With the file in hand, an attacker drops the trigger and rewrites a row. */
	char *msg = NULL;
	int rc = sqlite3_exec(sql,
	                      "DROP TRIGGER events_append_only_update;"
	                      " UPDATE events SET actor='mallory' WHERE seq=2",
	                      NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		fail_msg("tampering failed: %s", msg ? msg : "?");
	}
	assert_int_equal(xf_audit_verify(db, &w), XF_OK);
	assert_int_equal(w.bad_seq, 2);
	assert_int_equal(w.count, 1);
	if (!strstr(w.problem, "hash"))
		fail_msg("problem '%s' does not mention the hash", w.problem);

	assert_int_equal(xf_store_integrity(db, problem, sizeof problem), XF_ERR);
	if (!strstr(problem, "events_append_only_update"))
		fail_msg("integrity problem '%s' does not name the trigger", problem);
}

static void exec_sql(sqlite3 *sql, const char *text)
{
	char *msg = NULL;
	if (sqlite3_exec(sql, text, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("'%s': %s", text, msg ? msg : "?");
}

static void read_head(xf_audit_head *head)
{
	char error[256];
	assert_non_null(xf_store_head_path());
	if (xf_audit_head_read(xf_store_head_path(), head, error, sizeof error) != XF_OK)
		fail_msg("head file: %s", error);
}

static void test_store_head_file(void **state)
{
	(void)state;
	xf_db *db = xf_db_get();
	xf_audit_head head;
	char error[256];
	/* no events, no head file */
	assert_int_equal(xf_audit_head_read(xf_store_head_path(), &head, error, sizeof error),
	                 XF_NOTFOUND);

	append_events(db, 3);
	read_head(&head);
	assert_int_equal(head.seq, 3);
	xf_audit_walk w;
	assert_int_equal(xf_audit_verify(db, &w), XF_OK);
	assert_memory_equal(head.hash, w.head, XF_HASH_LEN);

	/* a rolled-back append leaves the head where it was */
	xf_actor actor = {.id = 0, .name = "test", .request_id = "r"};
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	assert_int_equal(xf_audit_append(db, &actor, "unit.create", "unit", "9", NULL), XF_OK);
	xf_tx_rollback(db);
	read_head(&head);
	assert_int_equal(head.seq, 3);

	append_events(db, 2);
	read_head(&head);
	assert_int_equal(head.seq, 5);
	xf_audit_head at5 = head;

	/* cut the chain short behind the store's back, then write again: the head file
	 * keeps seq 5 as evidence instead of following the new rows */
	exec_sql(xf_db_sqlite(db), "DROP TRIGGER events_append_only_delete;"
	                           " DELETE FROM events WHERE seq >= 4");
	append_events(db, 4);
	read_head(&head);
	assert_int_equal(head.seq, 5);
	assert_memory_equal(head.hash, at5.hash, XF_HASH_LEN);
	assert_int_equal(xf_audit_verify_marked(db, 5, &w), XF_OK);
	assert_int_equal(w.bad_seq, 0);
	assert_int_equal(w.last_seq, 7);
	char problem[256];
	assert_false(xf_audit_head_matches(&w, &head, problem, sizeof problem));
}

static void test_store_trigger_bodies(void **state)
{
	(void)state;
	xf_db *db = xf_db_get();
	sqlite3 *sql = xf_db_sqlite(db);
	char problem[256] = "";
	assert_int_equal(xf_store_integrity(db, problem, sizeof problem), XF_OK);

	/* recreated with the same body (other white space): still the trigger */
	exec_sql(sql, "DROP TRIGGER events_append_only_update;"
	              " CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events\n"
	              "   BEGIN\n SELECT RAISE(ABORT, 'events are append-only');\n END;");
	assert_int_equal(xf_store_integrity(db, problem, sizeof problem), XF_OK);

	/* a no-op of the same name */
	exec_sql(sql, "DROP TRIGGER events_append_only_update;"
	              " CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
	              " BEGIN SELECT 1; END;");
	assert_int_equal(xf_store_integrity(db, problem, sizeof problem), XF_ERR);
	if (!strstr(problem, "events_append_only_update") || !strstr(problem, "replaced"))
		fail_msg("problem: %s", problem);
	exec_sql(sql, "DROP TRIGGER events_append_only_update;"
	              " CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events"
	              " BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;");
	assert_int_equal(xf_store_integrity(db, problem, sizeof problem), XF_OK);

	/* an extra trigger that swallows new events: refused by the check, and an append
	 * that stores no row fails */
	exec_sql(sql, "CREATE TRIGGER events_quiet BEFORE INSERT ON events"
	              " BEGIN SELECT RAISE(IGNORE); END;");
	assert_int_equal(xf_store_integrity(db, problem, sizeof problem), XF_ERR);
	if (!strstr(problem, "unexpected trigger 'events_quiet'"))
		fail_msg("problem: %s", problem);
	xf_actor actor = {.id = 0, .name = "test", .request_id = "r"};
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	assert_int_equal(xf_audit_append(db, &actor, "unit.create", "unit", "9", NULL), XF_ERR);
	xf_tx_rollback(db);
}

static void test_store_search_check_reads_only(void **state)
{
	temp_store *t = *state;
	xf_db *db = xf_db_get();
	xf_search_doc doc = {"incident", 1, 1, 0, "XF-2026-0001 主井口", "井下工资拖欠 wages owed"};
	assert_int_equal(xf_search_put(db, &doc), XF_OK);
	doc = (xf_search_doc){"person", 2, 0, 2, "王五", "副井"};
	assert_int_equal(xf_search_put(db, &doc), XF_OK);
	char problem[256] = "";

	/* another process holds the write lock: the check does not wait for it */
	sqlite3 *other;
	assert_int_equal(sqlite3_open(t->path, &other), SQLITE_OK);
	exec_sql(other, "BEGIN IMMEDIATE; INSERT INTO units (parent_id, name, kind, created_at)"
	                " VALUES (NULL, '锁', 'mine', '2026-01-01T00:00:00.000Z')");
	int64_t started = xf_mono_us();
	assert_int_equal(xf_tx_begin(db, false), XF_OK);
	int rc = xf_search_check(db, problem, sizeof problem);
	xf_tx_rollback(db);
	if (rc != XF_OK)
		fail_msg("check: %s", problem);
	assert_true(xf_mono_us() - started < 1000000);
	exec_sql(other, "ROLLBACK");
	sqlite3_close(other);

	/* a document changed without its index */
	exec_sql(xf_db_sqlite(db), "UPDATE search_docs SET body = '别的' WHERE object_id = 2");
	assert_int_equal(xf_search_check(db, problem, sizeof problem), XF_ERR);
	if (!strstr(problem, "does not match the documents"))
		fail_msg("problem: %s", problem);
	exec_sql(xf_db_sqlite(db), "UPDATE search_docs SET body = '副井' WHERE object_id = 2");
	assert_int_equal(xf_search_check(db, problem, sizeof problem), XF_OK);
	/* a document gone from under the index */
	exec_sql(xf_db_sqlite(db), "DELETE FROM search_docs WHERE object_id = 2");
	assert_int_equal(xf_search_check(db, problem, sizeof problem), XF_ERR);
}

static void test_store_unpreparable_statement_is_unavailable(void **state)
{
	(void)state;
	xf_db *db = xf_db_get();
	/* the state a dropped table leaves: a statement that no longer prepares */
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT * FROM no_such_table WHERE id = ?");
	assert_non_null(st);
	xf_sql_bind_int64(st, 1, 7);
	assert_int_equal(xf_db_exec(db, st), XF_UNAVAILABLE);
	if (!strstr(xf_db_error(db), "no such table: no_such_table"))
		fail_msg("error: %s", xf_db_error(db));
	/* the connection goes on working */
	int64_t count = -1;
	assert_int_equal(xf_store_unit_count(db, &count), XF_OK);
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	assert_int_equal(xf_db_exec(db, xf_db_prepare(db, "SELECT * FROM no_such_table")),
	                 XF_UNAVAILABLE);
	xf_tx_rollback(db);
}

static int setup(void **state)
{
	xf_crypto_init();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hash_follows_the_specification),
	    cmocka_unit_test(test_hash_is_sensitive_to_every_field),
	    cmocka_unit_test(test_walk_good_chain),
	    cmocka_unit_test(test_walk_tampered_field),
	    cmocka_unit_test(test_walk_wrong_prev_hash),
	    cmocka_unit_test(test_walk_missing_and_misordered_rows),
	    cmocka_unit_test(test_walk_non_hex_hash),
	    cmocka_unit_test(test_head_format_and_parse),
	    cmocka_unit_test(test_head_against_the_walk),
	    cmocka_unit_test_setup_teardown(test_store_chain_and_tampering, store_setup,
	                                    store_teardown),
	    cmocka_unit_test_setup_teardown(test_store_head_file, store_setup, store_teardown),
	    cmocka_unit_test_setup_teardown(test_store_trigger_bodies, store_setup, store_teardown),
	    cmocka_unit_test_setup_teardown(test_store_search_check_reads_only, store_setup,
	                                    store_teardown),
	    cmocka_unit_test_setup_teardown(test_store_unpreparable_statement_is_unavailable,
	                                    store_setup, store_teardown),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
