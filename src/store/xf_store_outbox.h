/* The outbox of outbound notifications: a message to send on a channel (企业微信 or 钉钉
 * group robot, webhook, SMTP, SMS gateway), written in the caller's write transaction
 * beside the event that causes it, and delivered later, with retries, by the sender
 * (notify/): a server stopped between commit and delivery delivers after restart.
 *
 * Two ways in: to the group channels subscribed to an event kind, and to one user on
 * the channels that reach a person (an SMS gateway to the user's phone, email to the
 * user's address, a group robot that @mentions the user's mobile). Deciding who gets
 * what (rules, escalation, quiet hours) is the caller's; this file only queues. */
#ifndef XF_STORE_OUTBOX_H
#define XF_STORE_OUTBOX_H

#include <stdint.h>

#include "store/xf_store.h"

typedef struct xf_outbox_message {
	const char *kind;        /* event kind: "incident.register", "task.overdue", ... */
	int grade;               /* 1..4 (I..IV), or 0 when the event has none */
	int64_t event_seq;       /* the audit event that causes it (0: none) */
	int64_t notification_id; /* the in-app notification it carries out (0: none) */
	int level;               /* escalation level (0: first message) */
	const char *text;        /* Chinese, short enough for an SMS; never an ID number,
	                          * health data or an accusation's content */
	const char *link;        /* a path of the web UI ("#/incidents/7"), or "" */
	int64_t not_before_ms;   /* deliver no earlier (quiet hours); 0: at once */
} xf_outbox_message;

/* Queues m on every enabled group channel whose events include m->kind and whose grade
 * filter allows m->grade; *queued (may be NULL) counts the rows. A message already
 * queued for the same channel and (event_seq, notification_id, level) is not queued
 * again. In the caller's write transaction. */
int xf_store_outbox_to_channels(xf_db *db, const xf_outbox_message *m, int *queued);

/* Queues m for one user on every enabled channel that reaches a person, as above. */
int xf_store_outbox_to_user(xf_db *db, int64_t user_id, const xf_outbox_message *m, int *queued);

#endif
