/* The outbox in SQL (store/xf_store_outbox.h): queueing a message on the channels that
 * take it, in the caller's write transaction, with a 'queued' row in the delivery log
 * (schema: migration 17). The sender's side (claim, mark, log) is in
 * xf_store_channels.c. */
#include "store/xf_store_outbox.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "store/xf_store_db.h"
#include "store/xf_store_rows.h"

/* Whether a channel's JSON list of events names kind. */
static bool events_include(const char *events, const char *kind)
{
	json_t *list = json_loads(events, 0, NULL);
	bool yes = false;
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		if (json_is_string(v) && kind && strcmp(json_string_value(v), kind) == 0)
			yes = true;
	}
	json_decref(list);
	return yes;
}

/* Whether a channel's JSON list of grades (1..4; empty: all) allows grade (0: any). */
static bool grades_allow(const char *grades, int grade)
{
	json_t *list = json_loads(grades, 0, NULL);
	bool yes = grade == 0 || json_array_size(list) == 0;
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		if (json_integer_value(v) == grade)
			yes = true;
	}
	json_decref(list);
	return yes;
}

/* Queues one row on a channel for an address (user_id 0: the channel's own
 * recipients); counts it in *queued unless it was there already. */
static int queue_one(xf_db *db, int64_t channel_id, int64_t user_id, const char *address,
                     const xf_outbox_message *m, int *queued)
{
	char dedupe[96];
	bool keyed = m->event_seq || m->notification_id;
	snprintf(dedupe, sizeof dedupe, "e%lld:n%lld:l%d:u%lld", (long long)m->event_seq,
	         (long long)m->notification_id, m->level, (long long)user_id);
	if (keyed) {
		xf_sql_stmt *st =
		    xf_db_prepare(db, "SELECT 1 FROM outbox WHERE channel_id = ?1 AND dedupe = ?2");
		xf_sql_bind_int64(st, 1, channel_id);
		xf_sql_bind_text(st, 2, dedupe, -1);
		int rc = xf_row_none(db, st);
		if (rc == XF_CONFLICT)
			return XF_OK;
		if (rc != XF_OK)
			return rc;
	}
	int64_t now = xf_now_ms();
	int64_t next = m->not_before_ms > now ? m->not_before_ms : now;
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO outbox (channel_id, user_id, address, kind, grade, event_seq,"
	        " notification_id, level, text, link, dedupe, next_ms, created_ms)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) RETURNING id");
	xf_sql_bind_int64(st, 1, channel_id);
	xf_bind_id(st, 2, user_id);
	xf_sql_bind_text(st, 3, address ? address : "", -1);
	xf_sql_bind_text(st, 4, m->kind ? m->kind : "", -1);
	xf_sql_bind_int64(st, 5, m->grade);
	xf_sql_bind_int64(st, 6, m->event_seq);
	xf_sql_bind_int64(st, 7, m->notification_id);
	xf_sql_bind_int64(st, 8, m->level);
	xf_sql_bind_text(st, 9, m->text ? m->text : "", -1);
	xf_sql_bind_text(st, 10, m->link ? m->link : "", -1);
	if (keyed)
		xf_sql_bind_text(st, 11, dedupe, -1);
	else
		xf_sql_bind_null(st, 11);
	xf_sql_bind_int64(st, 12, next);
	xf_sql_bind_int64(st, 13, now);
	int64_t id;
	int rc = xf_row_insert(db, st, &id);
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(db, "INSERT INTO deliveries (outbox_id, channel_id, at_ms, status)"
	                       " VALUES (?1, ?2, ?3, 'queued') RETURNING id");
	xf_sql_bind_int64(st, 1, id);
	xf_sql_bind_int64(st, 2, channel_id);
	xf_sql_bind_int64(st, 3, now);
	int64_t log_id;
	rc = xf_row_insert(db, st, &log_id);
	if (rc == XF_OK && queued)
		(*queued)++;
	return rc;
}

typedef struct candidate {
	int64_t id;
	char kind[16];
	bool mentions;
	char *events, *grades;
} candidate;

static void read_candidate(xf_sql_stmt *st, void *out)
{
	candidate *c = out;
	c->id = xf_sql_column_int64(st, 0);
	xf_row_copy(c->kind, sizeof c->kind, st, 1);
	c->mentions = xf_sql_column_int(st, 2) != 0;
	c->events = xf_strdup(xf_row_text(st, 3));
	c->grades = xf_strdup(xf_row_text(st, 4));
}

static int candidates(xf_db *db, candidate **out, size_t *n)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT id, kind, mentions, events, grades FROM channels"
	                      " WHERE enabled <> 0 AND deleted = 0 ORDER BY id");
	return xf_rows_read(db, st, sizeof(candidate), read_candidate, (void **)out, n);
}

static void candidates_free(candidate *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].events);
		free(c[i].grades);
	}
	free(c);
}

int xf_store_outbox_to_channels(xf_db *db, const xf_outbox_message *m, int *queued)
{
	candidate *c = NULL;
	size_t n = 0;
	if (queued)
		*queued = 0;
	int rc = candidates(db, &c, &n);
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		if (events_include(c[i].events, m->kind) && grades_allow(c[i].grades, m->grade))
			rc = queue_one(db, c[i].id, 0, "", m, queued);
	}
	candidates_free(c, n);
	return rc;
}

int xf_store_outbox_to_user(xf_db *db, int64_t user_id, const xf_outbox_message *m, int *queued)
{
	if (queued)
		*queued = 0;
	char phone[64] = "", email[256] = "";
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT phone, email FROM users WHERE id = ? AND disabled = 0");
	xf_sql_bind_int64(st, 1, user_id);
	int rc = xf_row_one(db, st);
	if (rc == XF_NOTFOUND)
		return XF_OK;
	if (rc != XF_OK)
		return rc;
	xf_row_copy(phone, sizeof phone, st, 0);
	xf_row_copy(email, sizeof email, st, 1);
	xf_sql_reset(st);
	candidate *c = NULL;
	size_t n = 0;
	rc = candidates(db, &c, &n);
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		const char *address = NULL;
		if (strcmp(c[i].kind, "smtp") == 0)
			address = email;
		else if (strcmp(c[i].kind, "sms") == 0 ||
		         (c[i].mentions &&
		          (strcmp(c[i].kind, "wecom") == 0 || strcmp(c[i].kind, "dingtalk") == 0)))
			address = phone;
		if (address && *address)
			rc = queue_one(db, c[i].id, user_id, address, m, queued);
	}
	candidates_free(c, n);
	return rc;
}
