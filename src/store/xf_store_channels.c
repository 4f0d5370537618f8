/* Notification channels and the sender's side of the outbox in SQL: see
 * xf_store_channels.h. */
#include "store/xf_store_channels.h"

#include <stdio.h>
#include <string.h>

#include "store/xf_store_db.h"
#include "store/xf_store_rows.h"

void xf_channel_row_free(xf_channel_row *row)
{
	if (!row)
		return;
	free(row->name);
	free(row->url_shown);
	free(row->events);
	free(row->grades);
	free(row->settings);
	free(row->sealed);
	memset(row, 0, sizeof *row);
}

#define CHANNEL_COLUMNS                                                                            \
	"id, kind, name, enabled, mentions, url_shown, events, grades, settings, sealed,"          \
	" created_ms, updated_ms"

static void read_channel(xf_sql_stmt *st, void *out)
{
	xf_channel_row *c = out;
	c->id = xf_sql_column_int64(st, 0);
	xf_row_copy(c->kind, sizeof c->kind, st, 1);
	c->name = xf_strdup(xf_row_text(st, 2));
	c->enabled = xf_sql_column_int(st, 3) != 0;
	c->mentions = xf_sql_column_int(st, 4) != 0;
	c->url_shown = xf_strdup(xf_row_text(st, 5));
	c->events = xf_strdup(xf_row_text(st, 6));
	c->grades = xf_strdup(xf_row_text(st, 7));
	c->settings = xf_strdup(xf_row_text(st, 8));
	c->sealed = xf_strdup(xf_row_text(st, 9));
	c->created_ms = xf_sql_column_int64(st, 10);
	c->updated_ms = xf_sql_column_int64(st, 11);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

int xf_store_channel_insert(xf_db *db, xf_channel_row *row)
{
	row->created_ms = row->updated_ms = xf_now_ms();
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO channels (kind, name, enabled, mentions, url_shown, events, grades,"
	        " settings, sealed, created_ms, updated_ms)"
	        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10) RETURNING id");
	xf_sql_bind_text(st, 1, row->kind, -1);
	xf_sql_bind_text(st, 2, or_empty(row->name), -1);
	xf_sql_bind_int64(st, 3, row->enabled);
	xf_sql_bind_int64(st, 4, row->mentions);
	xf_sql_bind_text(st, 5, or_empty(row->url_shown), -1);
	xf_sql_bind_text(st, 6, row->events ? row->events : "[]", -1);
	xf_sql_bind_text(st, 7, row->grades ? row->grades : "[]", -1);
	xf_sql_bind_text(st, 8, row->settings ? row->settings : "{}", -1);
	xf_sql_bind_text(st, 9, or_empty(row->sealed), -1);
	xf_sql_bind_int64(st, 10, row->created_ms);
	return xf_row_insert(db, st, &row->id);
}

int xf_store_channel_update(xf_db *db, const xf_channel_row *row)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE channels SET name = ?2, enabled = ?3, mentions = ?4, url_shown = ?5,"
	        " events = ?6, grades = ?7, settings = ?8, sealed = ?9, updated_ms = ?10"
	        " WHERE id = ?1 AND deleted = 0");
	xf_sql_bind_int64(st, 1, row->id);
	xf_sql_bind_text(st, 2, or_empty(row->name), -1);
	xf_sql_bind_int64(st, 3, row->enabled);
	xf_sql_bind_int64(st, 4, row->mentions);
	xf_sql_bind_text(st, 5, or_empty(row->url_shown), -1);
	xf_sql_bind_text(st, 6, row->events ? row->events : "[]", -1);
	xf_sql_bind_text(st, 7, row->grades ? row->grades : "[]", -1);
	xf_sql_bind_text(st, 8, row->settings ? row->settings : "{}", -1);
	xf_sql_bind_text(st, 9, or_empty(row->sealed), -1);
	xf_sql_bind_int64(st, 10, xf_now_ms());
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_channel_get(xf_db *db, int64_t id, xf_channel_row *out)
{
	memset(out, 0, sizeof *out);
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " CHANNEL_COLUMNS
	                                    " FROM channels WHERE id = ? AND deleted = 0");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_get(db, st, read_channel, out);
}

int xf_store_channel_list(xf_db *db, xf_channel_row **rows, size_t *n)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " CHANNEL_COLUMNS
	                                    " FROM channels WHERE deleted = 0 ORDER BY id");
	return xf_rows_read(db, st, sizeof **rows, read_channel, (void **)rows, n);
}

int xf_store_channel_delete(xf_db *db, int64_t id, int64_t now_ms)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "UPDATE channels SET deleted = 1, enabled = 0, updated_ms = ?2"
	                      " WHERE id = ?1 AND deleted = 0");
	xf_sql_bind_int64(st, 1, id);
	xf_sql_bind_int64(st, 2, now_ms);
	int rc = xf_row_changed(db, xf_db_exec(db, st));
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(db, "INSERT INTO deliveries (outbox_id, channel_id, at_ms, status,"
	                       " attempt, answer) SELECT id, channel_id, ?2, 'gave_up', attempts,"
	                       " 'channel deleted' FROM outbox WHERE channel_id = ?1"
	                       " AND state = 'queued'");
	xf_sql_bind_int64(st, 1, id);
	xf_sql_bind_int64(st, 2, now_ms);
	if ((rc = xf_db_exec(db, st)) != XF_OK)
		return rc;
	st = xf_db_prepare(db, "UPDATE outbox SET state = 'gave_up', done_ms = ?2"
	                       " WHERE channel_id = ?1 AND state = 'queued'");
	xf_sql_bind_int64(st, 1, id);
	xf_sql_bind_int64(st, 2, now_ms);
	return xf_db_exec(db, st);
}

static json_t *read_delivery(xf_sql_stmt *st)
{
	char message_id[32];
	snprintf(message_id, sizeof message_id, "xf-%lld", (long long)xf_sql_column_int64(st, 1));
	return json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:s, s:o, s:s, s:s, s:s}", "id",
	                 (json_int_t)xf_sql_column_int64(st, 0), "outbox_id",
	                 (json_int_t)xf_sql_column_int64(st, 1), "message_id", message_id, "status",
	                 xf_row_text(st, 2), "attempt", (json_int_t)xf_sql_column_int64(st, 3),
	                 "http_status", (json_int_t)xf_sql_column_int64(st, 4), "answer",
	                 xf_row_text(st, 5), "at", xf_row_time(st, 6), "kind", xf_row_text(st, 7),
	                 "text", xf_row_text(st, 8), "to", xf_row_text(st, 9));
}

int xf_store_channel_deliveries(xf_db *db, int64_t channel_id, int64_t before, int limit,
                                json_t **out, int64_t *next_before)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT d.id, d.outbox_id, d.status, d.attempt, d.http_status, d.answer, d.at_ms,"
	        " o.kind, o.text, o.address FROM deliveries d JOIN outbox o ON o.id = d.outbox_id"
	        " WHERE d.channel_id = ?1 AND (?2 = 0 OR d.id < ?2) ORDER BY d.id DESC LIMIT ?3");
	xf_sql_bind_int64(st, 1, channel_id);
	xf_sql_bind_int64(st, 2, before);
	xf_sql_bind_int64(st, 3, limit + 1);
	int rc = xf_rows_json(db, st, read_delivery, out);
	*next_before = 0;
	if (rc == XF_OK && json_array_size(*out) > (size_t)limit) {
		json_array_remove(*out, (size_t)limit);
		*next_before = json_integer_value(
		    json_object_get(json_array_get(*out, (size_t)limit - 1), "id"));
	}
	return rc;
}

void xf_outbox_items_free(xf_outbox_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].settings);
		free(items[i].sealed);
		free(items[i].address);
		free(items[i].kind);
		free(items[i].text);
		free(items[i].link);
	}
	free(items);
}

static void read_item(xf_sql_stmt *st, void *out)
{
	xf_outbox_item *it = out;
	it->id = xf_sql_column_int64(st, 0);
	it->channel_id = xf_sql_column_int64(st, 1);
	it->event_seq = xf_sql_column_int64(st, 2);
	xf_row_copy(it->channel_kind, sizeof it->channel_kind, st, 3);
	it->settings = xf_strdup(xf_row_text(st, 4));
	it->sealed = xf_strdup(xf_row_text(st, 5));
	it->address = xf_strdup(xf_row_text(st, 6));
	it->kind = xf_strdup(xf_row_text(st, 7));
	it->text = xf_strdup(xf_row_text(st, 8));
	it->link = xf_strdup(xf_row_text(st, 9));
	it->grade = xf_sql_column_int(st, 10);
	it->level = xf_sql_column_int(st, 11);
	it->attempts = xf_sql_column_int(st, 12);
}

typedef struct due_channel {
	int64_t id;
	char *settings;
} due_channel;

static void read_due_channel(xf_sql_stmt *st, void *out)
{
	due_channel *d = out;
	d->id = xf_sql_column_int64(st, 0);
	d->settings = xf_strdup(xf_row_text(st, 1));
}

/* The channel's rate_per_min setting (0: no limit). */
static int64_t rate_per_min(const char *settings)
{
	json_t *s = json_loads(settings, 0, NULL);
	int64_t rate = json_integer_value(json_object_get(s, "rate_per_min"));
	json_decref(s);
	return rate > 0 ? rate : 0;
}

int xf_store_outbox_claim(xf_db *db, const char *owner, int64_t now_ms, int64_t lease_ms, int limit,
                          xf_outbox_item **items, size_t *n)
{
	*items = NULL;
	*n = 0;
	due_channel *due = NULL;
	size_t n_due = 0;
	xf_sql_stmt *st = xf_db_prepare(
	    db, "SELECT c.id, c.settings FROM channels c WHERE c.enabled <> 0 AND c.deleted = 0"
	        " AND EXISTS (SELECT 1 FROM outbox o WHERE o.channel_id = c.id"
	        " AND o.state = 'queued' AND o.next_ms <= ?1 AND o.lease_until_ms <= ?1)"
	        " ORDER BY c.id");
	xf_sql_bind_int64(st, 1, now_ms);
	int rc = xf_rows_read(db, st, sizeof *due, read_due_channel, (void **)&due, &n_due);
	xf_outbox_item *all = NULL;
	size_t n_all = 0;
	for (size_t i = 0; rc == XF_OK && i < n_due && (int)n_all < limit; i++) {
		int64_t take = limit - (int64_t)n_all, rate = rate_per_min(due[i].settings);
		if (rate) {
			int64_t recent = 0;
			st = xf_db_prepare(db,
			                   "SELECT count(*) FROM deliveries WHERE channel_id = ?1"
			                   " AND at_ms > ?2 AND status IN ('sent','failed')");
			xf_sql_bind_int64(st, 1, due[i].id);
			xf_sql_bind_int64(st, 2, now_ms - 60000);
			if ((rc = xf_row_int64(db, st, &recent)) != XF_OK)
				break;
			if (rate - recent < take)
				take = rate - recent;
		}
		if (take <= 0)
			continue;
		st = xf_db_prepare(
		    db,
		    "SELECT o.id, o.channel_id, o.event_seq, c.kind, c.settings, c.sealed,"
		    " o.address, o.kind, o.text, o.link, o.grade, o.level, o.attempts"
		    " FROM outbox o JOIN channels c ON c.id = o.channel_id WHERE o.channel_id = ?1"
		    " AND o.state = 'queued' AND o.next_ms <= ?2 AND o.lease_until_ms <= ?2"
		    " ORDER BY o.id LIMIT ?3");
		xf_sql_bind_int64(st, 1, due[i].id);
		xf_sql_bind_int64(st, 2, now_ms);
		xf_sql_bind_int64(st, 3, take);
		xf_outbox_item *some = NULL;
		size_t n_some = 0;
		rc = xf_rows_read(db, st, sizeof *some, read_item, (void **)&some, &n_some);
		if (rc != XF_OK)
			break;
		all = xf_realloc(all, (n_all + n_some + 1) * sizeof *all);
		if (n_some)
			memcpy(all + n_all, some, n_some * sizeof *some);
		n_all += n_some;
		free(some);
	}
	for (size_t i = 0; i < n_due; i++)
		free(due[i].settings);
	free(due);
	for (size_t i = 0; rc == XF_OK && i < n_all; i++) {
		st = xf_db_prepare(db, "UPDATE outbox SET lease_owner = ?2, lease_until_ms = ?3"
		                       " WHERE id = ?1");
		xf_sql_bind_int64(st, 1, all[i].id);
		xf_sql_bind_text(st, 2, owner, -1);
		xf_sql_bind_int64(st, 3, now_ms + lease_ms);
		rc = xf_db_exec(db, st);
	}
	if (rc != XF_OK) {
		xf_outbox_items_free(all, n_all);
		return rc;
	}
	*items = all;
	*n = n_all;
	return XF_OK;
}

int xf_store_outbox_mark(xf_db *db, int64_t id, const char *owner, xf_outbox_outcome outcome,
                         bool count_attempt, int http_status, const char *answer, int64_t now_ms,
                         int64_t next_ms)
{
	static const char *const status[] = {"sent", "failed", "gave_up"};
	xf_sql_stmt *st = xf_db_prepare(
	    db, "UPDATE outbox SET state = ?3, attempts = attempts + ?4, next_ms = ?5,"
	        " done_ms = ?6, lease_owner = '', lease_until_ms = 0"
	        " WHERE id = ?1 AND lease_owner = ?2 AND state = 'queued'");
	xf_sql_bind_int64(st, 1, id);
	xf_sql_bind_text(st, 2, owner, -1);
	xf_sql_bind_text(st, 3, outcome == XF_OUTBOX_FAILED ? "queued" : status[outcome], -1);
	xf_sql_bind_int64(st, 4, count_attempt ? 1 : 0);
	xf_sql_bind_int64(st, 5, next_ms);
	xf_sql_bind_int64(st, 6, outcome == XF_OUTBOX_FAILED ? 0 : now_ms);
	int rc = xf_db_exec(db, st);
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(db,
	                   "INSERT INTO deliveries (outbox_id, channel_id, at_ms, status, attempt,"
	                   " http_status, answer) SELECT id, channel_id, ?2, ?3, attempts, ?4, ?5"
	                   " FROM outbox WHERE id = ?1 RETURNING id");
	xf_sql_bind_int64(st, 1, id);
	xf_sql_bind_int64(st, 2, now_ms);
	xf_sql_bind_text(st, 3, status[outcome], -1);
	xf_sql_bind_int64(st, 4, http_status);
	xf_sql_bind_text(st, 5, answer ? answer : "", -1);
	int64_t log_id;
	return xf_row_insert(db, st, &log_id);
}

int xf_store_outbox_counts(xf_db *db, int64_t *queued, int64_t *sent)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT count(*) FROM outbox WHERE state = 'queued'");
	int rc = xf_row_int64(db, st, queued);
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(db, "SELECT count(*) FROM outbox WHERE state = 'sent'");
	return xf_row_int64(db, st, sent);
}

int xf_store_outbox_test(xf_db *db, int64_t channel_id, const char *address, const char *text,
                         int64_t *outbox_id)
{
	int64_t now = xf_now_ms();
	xf_sql_stmt *st = xf_db_prepare(
	    db, "INSERT INTO outbox (channel_id, address, kind, text, next_ms, created_ms)"
	        " VALUES (?1, ?2, 'test', ?3, ?4, ?4) RETURNING id");
	xf_sql_bind_int64(st, 1, channel_id);
	xf_sql_bind_text(st, 2, address ? address : "", -1);
	xf_sql_bind_text(st, 3, text, -1);
	xf_sql_bind_int64(st, 4, now);
	int rc = xf_row_insert(db, st, outbox_id);
	if (rc != XF_OK)
		return rc;
	st = xf_db_prepare(db, "INSERT INTO deliveries (outbox_id, channel_id, at_ms, status)"
	                       " VALUES (?1, ?2, ?3, 'queued') RETURNING id");
	xf_sql_bind_int64(st, 1, *outbox_id);
	xf_sql_bind_int64(st, 2, channel_id);
	xf_sql_bind_int64(st, 3, now);
	int64_t log_id;
	return xf_row_insert(db, st, &log_id);
}

int xf_store_user_email(xf_db *db, int64_t user_id, char *out, size_t size)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT email FROM users WHERE id = ?");
	xf_sql_bind_int64(st, 1, user_id);
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	xf_row_copy(out, size, st, 0);
	xf_sql_reset(st);
	return XF_OK;
}

int xf_store_user_set_email(xf_db *db, int64_t user_id, const char *email)
{
	xf_sql_stmt *st = xf_db_prepare(db, "UPDATE users SET email = ?2 WHERE id = ?1");
	xf_sql_bind_int64(st, 1, user_id);
	xf_sql_bind_text(st, 2, email, -1);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_outbox_purge(xf_db *db, int64_t before_ms, int *purged)
{
	static const char *const steps[] = {
	    "DELETE FROM deliveries WHERE outbox_id IN (SELECT id FROM outbox"
	    " WHERE state IN ('sent', 'gave_up') AND done_ms > 0 AND done_ms < ?1)",
	    "DELETE FROM outbox WHERE state IN ('sent', 'gave_up') AND done_ms > 0 AND done_ms < "
	    "?1",
	};
	*purged = 0;
	int rc = xf_tx_begin(db, true);
	for (size_t i = 0; rc == XF_OK && i < XF_ARRAY_LEN(steps); i++) {
		xf_sql_stmt *st = xf_db_prepare(db, steps[i]);
		xf_sql_bind_int64(st, 1, before_ms);
		rc = xf_db_exec(db, st);
		if (rc == XF_OK && i == 1)
			*purged = (int)xf_db_changes(db);
	}
	if (rc == XF_OK)
		return xf_tx_commit(db);
	xf_tx_rollback(db);
	return rc;
}
