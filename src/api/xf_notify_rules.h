/* Who gets what (issue 12 item 3): the plan's "notifications" rules applied to an event.
 * Each recipient gets an in-app notification (store/xf_store_notifications.h) and the
 * outbound messages the outbox queues for them (store/xf_store_outbox.h), all in the
 * caller's write transaction, beside the event that causes them; the group channels
 * subscribed to the kind get one message. Quiet hours delay a user's outbound
 * messages (not the in-app one) unless the grade is exempt. The overdue scan
 * (overdue.c) starts and climbs the escalations here. */
#ifndef XF_NOTIFY_RULES_H
#define XF_NOTIFY_RULES_H

#include "core/xf_plan_notify.h"
#include "store/xf_store.h"

typedef struct xf_notice_event {
	xf_notify_kind kind;
	int64_t incident_id;   /* 0: none (matter.due) */
	int64_t task_id;       /* task kinds, report_up.due */
	int64_t matter_id;     /* matter.due */
	int64_t handler_id;    /* matter.due: the handler */
	int64_t escalation_id; /* the escalation the notification belongs to (0: none) */
	int level;             /* task.escalate: the level told */
	int64_t actor_id;      /* not told of their own act (0: nobody is left out) */
	const char *dedup;     /* each recipient once for this key (NULL: no key) */
	const char *title;     /* {title} when no task gives it (a matter's: never its content) */
	int64_t due_ms;        /* {due} when no task gives it (a matter's legal deadline) */
} xf_notice_event;

/* Applies plan's rules (nothing when the plan has none) to e at now_ms; *told (may be
 * NULL) counts the users told. In the caller's write transaction, after the event
 * that causes it was appended. */
int xf_notify_event(xf_db *db, const xf_plan *plan, const xf_notice_event *e, int64_t now_ms,
                    int *told);

/* A matter's legal deadline near (matter.due): its handler is told once per matter and
 * deadline. For the matters' clock scan (matter_clocks.c) to call beside its
 * matter.due_soon event: {.kind = XF_NOTIFY_MATTER_DUE, .matter_id, .handler_id,
 * .incident_id (0 when none), .title = "信访事项" or a clock's name, .due_ms,
 * .dedup = "matter.due:<id>:<clock>"}. */

/* The overdue scan's part, in its transaction: a task just marked overdue tells its
 * assignee and starts the escalation of the incident's grade. */
int xf_notify_task_overdue(xf_db *db, int64_t task_id, int64_t now_ms);

/* One pass of the escalations due and the report-up limits about to pass, in a write
 * transaction of its own when something is due; returns the users told, or -1. Run by
 * the overdue thread under its lease. */
int xf_notify_scan(xf_db *db);

/* The length of a minute for escalation waits: 60000, or XINFANG_NOTIFY_MINUTE_MS
 * (tests shorten it). */
int64_t xf_notify_minute_ms(void);

#endif
