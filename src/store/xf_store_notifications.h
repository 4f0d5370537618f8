/* In-app notifications in SQL (migration "18: in-app notifications"): one row per
 * recipient user, read and acknowledged (收到) by that user; the users' notification
 * preferences; the escalation of an overdue task's notification; and the reads that
 * say who a plan's recipient is (a leadership position, a role, the duty officer on
 * duty, a user's superior).
 *
 * Promises, beyond xf_store.h: functions run inside the caller's transaction; what a
 * user may see is the caller's to decide, except that the "mine" reads and writes take
 * the user's id and touch that user's rows only. Times are ms. */
#ifndef XF_STORE_NOTIFICATIONS_H
#define XF_STORE_NOTIFICATIONS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "store/xf_store.h"

typedef struct xf_notification_new {
	int64_t user_id;
	const char *kind, *grade;                               /* grade NULL when none */
	int64_t incident_id, task_id, matter_id, escalation_id; /* 0: none */
	int level;
	const char *text;
	const char *dedup; /* NULL, or a key that this user gets once only */
	int64_t created_ms, outbound_not_before_ms;
} xf_notification_new;

/* Inserts n and sets its link to "#/notifications/<id>"; XF_CONFLICT when the user
 * already has one with the same dedup key. */
int xf_store_notification_insert(xf_db *db, const xf_notification_new *n, int64_t *id);
/* The users of the notifications made after after_id, in id order (at most max; a user
 * may come twice), and the newest id read into *last_id (after_id when none): for the
 * live stream's per-user notice. after_id < 0: none, *last_id the newest of all. */
int xf_store_notification_users_after(xf_db *db, int64_t after_id, int64_t *users, size_t max,
                                      size_t *n, int64_t *last_id);
/* Records how many outbound messages were queued for it. */
int xf_store_notification_queued(xf_db *db, int64_t id, int queued);

typedef struct xf_notification_row {
	int64_t id, user_id, incident_id, task_id, escalation_id;
	int64_t created_ms, read_ms, acknowledged_ms;
	int level;
	char kind[32];
} xf_notification_row;

int xf_store_notification_get(xf_db *db, int64_t id, xf_notification_row *out);
/* The user's notifications with id < before_id (0: from the newest), newest first, at
 * most limit, each {"id","kind","grade","incident_id","task_id","matter_id","level",
 * "text","link","created_at","read_at","acknowledged_at"}; *unread counts the user's
 * unread ones. */
int xf_store_notifications_mine(xf_db *db, int64_t user_id, int64_t before_id, int limit,
                                json_t **out, int64_t *unread);
/* One notification in that shape. */
int xf_store_notification_json(xf_db *db, int64_t id, json_t **out);
/* Marks the user's notifications read: the ids given (n of them), or all when n is 0;
 * *changed counts those newly read. */
int xf_store_notifications_read(xf_db *db, int64_t user_id, const int64_t *ids, size_t n,
                                int64_t now_ms, int64_t *changed);
/* Acknowledges (收到) notification id for by_user (read too) and ends its escalation
 * when it has one still open; XF_CONFLICT when already acknowledged. */
int xf_store_notification_ack(xf_db *db, int64_t id, int64_t by_user, int64_t now_ms);
/* Who of the incident was told what and when, oldest first: {"id","user_id","name",
 * "kind","level","text","created_at","read_at","acknowledged_at","outbound_queued",
 * "outbound_not_before"}. */
int xf_store_incident_notifications(xf_db *db, int64_t incident_id, json_t **out);

/* ---- preferences ---- */

/* quiet_from, quiet_to: minutes of Beijing time, -1 when none; routes: a JSON object
 * kind -> ["app"] or ["app","outbound"] (new reference; {} when never set). */
int xf_store_notify_prefs_get(xf_db *db, int64_t user_id, int *quiet_from, int *quiet_to,
                              json_t **routes);
int xf_store_notify_prefs_put(xf_db *db, int64_t user_id, int quiet_from, int quiet_to,
                              const json_t *routes, int64_t now_ms);

/* ---- who a recipient is: active users' ids, each once, into *out (free()) ---- */

int xf_store_position_users(xf_db *db, const char *position, int64_t **out, size_t *n);
int xf_store_role_users(xf_db *db, const char *role, int64_t **out, size_t *n);
/* Users of the staff on duty at now_ms. */
int xf_store_duty_users(xf_db *db, int64_t now_ms, int64_t **out, size_t *n);
/* The user's superior: the active head of the user's unit, or when that is the user
 * or none, of the nearest unit above that has one; 0 when nobody. */
int xf_store_superior_of(xf_db *db, int64_t user_id, int64_t *out);

/* ---- escalations ---- */

/* Starts the escalation of kind for a task at level 0, told at now_ms, climbing at
 * next_ms (0: never); XF_CONFLICT when the task already has one of that kind. */
int xf_store_escalation_start(xf_db *db, const char *kind, int64_t incident_id, int64_t task_id,
                              const char *grade, int64_t now_ms, int64_t next_ms, int64_t *id);

typedef struct xf_escalation_row {
	int64_t id, incident_id, task_id, assignee_id, plan_id, level_ms;
	int level;
	char grade[8], task_status[16];
	bool acknowledged;
} xf_escalation_row;

/* Open escalations whose next_ms <= now_ms, at most max, into *rows (free()). */
int xf_store_escalations_due(xf_db *db, int64_t now_ms, size_t max, xf_escalation_row **rows,
                             size_t *n);
/* Moves an escalation: to level, told at level_ms, next climb at next_ms (0: none), or
 * ends it with state ("acknowledged", "resolved", "exhausted"; NULL keeps it open). */
int xf_store_escalation_set(xf_db *db, int64_t id, int level, int64_t level_ms, int64_t next_ms,
                            const char *state);

/* Open report-up tasks (report_oral, report_written) due within (now_ms, now_ms +
 * lead_ms] that nobody was yet told of: their ids into *out (free()). */
int xf_store_report_up_due(xf_db *db, int64_t now_ms, int64_t lead_ms, int64_t **out, size_t *n);

#endif
