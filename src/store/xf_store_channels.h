/* Notification channels and the sender's side of the outbox, in SQL (schema: migration
 * 17): the admin's channels (企业微信 and 钉钉 group robots, webhooks, SMTP, an SMS
 * gateway) with their kind-specific settings as JSON and their secrets sealed by the
 * caller (notify/xf_notify.h; the store never sees a secret in clear), the sender's claim
 * of due messages (a lease: a row is held by one sender at a time, across processes on
 * one database, since the claim runs in a write transaction), its marks, and the
 * delivery log. Queueing is store/xf_store_outbox.h. */
#ifndef XF_STORE_CHANNELS_H
#define XF_STORE_CHANNELS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/xf_store.h"

typedef struct xf_channel_row {
	int64_t id;
	char kind[16];
	char *name;
	bool enabled, mentions;
	char *url_shown; /* the URL with its secrets masked */
	char *events;    /* JSON array of event kinds */
	char *grades;    /* JSON array of grades 1..4 (empty: all) */
	char *settings;  /* JSON object: the kind's settings without secrets */
	char *sealed;    /* the sealed secrets (notify/), "" when none */
	int64_t created_ms, updated_ms;
} xf_channel_row;

void xf_channel_row_free(xf_channel_row *row);

/* Inserts a channel (row->id and the times are set). */
int xf_store_channel_insert(xf_db *db, xf_channel_row *row);
/* Writes every field of an existing channel but its kind; XF_NOTFOUND when none. */
int xf_store_channel_update(xf_db *db, const xf_channel_row *row);
/* A channel not deleted; XF_NOTFOUND when none. xf_channel_row_free() it. */
int xf_store_channel_get(xf_db *db, int64_t id, xf_channel_row *out);
/* Every channel not deleted, by id. Free each row and the array. */
int xf_store_channel_list(xf_db *db, xf_channel_row **rows, size_t *n);
/* Deletes a channel: its row stays for the delivery log, its queued messages give up.
 * XF_NOTFOUND when none. */
int xf_store_channel_delete(xf_db *db, int64_t id, int64_t now_ms);

/* A channel's delivery log, newest first: rows with id below before (0: from the
 * newest), at most limit, each {id, outbox_id, message_id, status, attempt,
 * http_status, answer, at, kind, text, to}. *next_before is the id to page on (0: no
 * more). */
int xf_store_channel_deliveries(xf_db *db, int64_t channel_id, int64_t before, int limit,
                                json_t **out, int64_t *next_before);

/* A message claimed by a sender, with what it needs to send it. */
typedef struct xf_outbox_item {
	int64_t id, channel_id, event_seq;
	char channel_kind[16];
	char *settings, *sealed;
	char *address, *kind, *text, *link;
	int grade, level, attempts;
} xf_outbox_item;

void xf_outbox_items_free(xf_outbox_item *items, size_t n);

/* Claims, for owner until now + lease_ms, at most limit queued messages that are due and
 * not held by another sender, on enabled channels, keeping each channel within its
 * settings' rate_per_min (the sends and failures logged in the last minute count). In
 * the caller's write transaction. */
int xf_store_outbox_claim(xf_db *db, const char *owner, int64_t now_ms, int64_t lease_ms, int limit,
                          xf_outbox_item **items, size_t *n);

/* The outcome of one attempt. */
typedef enum xf_outbox_outcome {
	XF_OUTBOX_SENT,
	XF_OUTBOX_FAILED,  /* queued again, due at next_ms */
	XF_OUTBOX_GAVE_UP, /* failed for the last time */
} xf_outbox_outcome;

/* Records an attempt: the message's state (only while owner holds it; attempts counts
 * up when count_attempt) and a row in the delivery log with the receiver's answer. In
 * the caller's write transaction. */
int xf_store_outbox_mark(xf_db *db, int64_t id, const char *owner, xf_outbox_outcome outcome,
                         bool count_attempt, int http_status, const char *answer, int64_t now_ms,
                         int64_t next_ms);

/* Queues a message of kind "test" on one channel (to address; "": the channel's own
 * recipients), outside the dedupe; *outbox_id is its row. In the caller's write
 * transaction. */
int xf_store_outbox_test(xf_db *db, int64_t channel_id, const char *address, const char *text,
                         int64_t *outbox_id);
/* A user's email address ("" when none) into out (size bytes); XF_NOTFOUND: no user. */
int xf_store_user_email(xf_db *db, int64_t user_id, char *out, size_t size);
int xf_store_user_set_email(xf_db *db, int64_t user_id, const char *email);

/* Counts of the outbox by state, for tests and benchmarks: queued and sent. */
int xf_store_outbox_counts(xf_db *db, int64_t *queued, int64_t *sent);
/* Deletes the messages done (sent or given up) before before_ms, with their delivery
 * log: the addresses and texts of messages are kept only as long as needed
 * (notify/xf_notify.c runs it from the sender, XINFANG_NOTIFY_KEEP_DAYS). *purged: how
 * many messages. One write transaction. */
int xf_store_outbox_purge(xf_db *db, int64_t before_ms, int *purged);

#endif
