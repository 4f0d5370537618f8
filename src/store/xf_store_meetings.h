/* Meetings (会议) of an incident with their attendees and decisions, reply venues
 * (答复场所) and their bookings, in SQL (migration 5 in xf_store_meetings.c).
 *
 * Promises as in xf_store.h: XF_OK or a negative XF_* code; XF_NOTFOUND when the row
 * asked for is absent; XF_CONFLICT when a uniqueness rule refuses a change (a venue
 * name in use). A decision's task lives in the tasks table; a meeting decision only
 * points at it. Times are milliseconds since the epoch (UTC). */
#ifndef XF_STORE_MEETINGS_H
#define XF_STORE_MEETINGS_H

#include "store/xf_store.h"

/* ---- meetings ---- */

typedef struct xf_meeting_new {
	int64_t incident_id;
	const char *kind; /* xf_meeting_kind_ids */
	int64_t starts_ms;
	const char *place, *minutes;
	int64_t task_id; /* the plan step it fulfils, 0 for none */
	int64_t created_by;
	int64_t now_ms;
} xf_meeting_new;

typedef struct xf_meeting_row {
	int64_t id, incident_id, task_id, starts_ms;
	char kind[16];
	bool has_minutes;
} xf_meeting_row;

int xf_store_meeting_insert(xf_db *db, const xf_meeting_new *in, int64_t *id);
int xf_store_meeting_get(xf_db *db, int64_t id, xf_meeting_row *out);
/* Sets what is given: place and minutes non-NULL, starts_ms and task_id non-zero. */
int xf_store_meeting_update(xf_db *db, int64_t id, const char *place, const char *minutes,
                            int64_t starts_ms, int64_t task_id, int64_t now_ms);
/* Attendees: a user (user_id > 0, name as it was at the meeting) or a person without
 * an account (user_id 0, name given). */
int xf_store_meeting_attendees_clear(xf_db *db, int64_t meeting_id);
int xf_store_meeting_attendee_add(xf_db *db, int64_t meeting_id, int64_t user_id, const char *name);
/* Records a decision made at the meeting and the task that carries it out. */
int xf_store_meeting_decision_add(xf_db *db, int64_t meeting_id, const char *text, int64_t task_id,
                                  int64_t now_ms, int64_t *id);
/* The API shape (docs/meetings.md), decisions with their tasks. */
int xf_store_meeting_json(xf_db *db, int64_t id, json_t **out);
/* The meetings of an incident, oldest first. */
int xf_store_meeting_list(xf_db *db, int64_t incident_id, json_t **out);

/* ---- venues ---- */

typedef struct xf_venue_row {
	int64_t id;
	int capacity;
	bool active;
	char name[256];
	char plan_venue_id[64]; /* "" when not a plan venue */
} xf_venue_row;

/* The venue made from the plan venue plan_venue_id; XF_NOTFOUND when there is none. */
int xf_store_venue_by_plan_id(xf_db *db, const char *plan_venue_id, int64_t *id);
/* Gives an existing venue without a plan venue, named name, to plan_venue_id;
 * XF_NOTFOUND when there is no such venue. */
int xf_store_venue_adopt(xf_db *db, const char *plan_venue_id, const char *name, int64_t now_ms,
                         int64_t *id);
int xf_store_venue_insert(xf_db *db, const char *name, int capacity, const char *plan_venue_id,
                          const char *note, int64_t now_ms, int64_t *id);
/* Sets what is given: name and note non-NULL, capacity > 0, active 0 or 1 (-1 keeps). */
int xf_store_venue_update(xf_db *db, int64_t id, const char *name, int capacity, const char *note,
                          int active, int64_t now_ms);
int xf_store_venue_get(xf_db *db, int64_t id, xf_venue_row *out);
/* The API shape: {id, name, capacity, plan_venue_id, note, active, created_at,
 * updated_at}. */
int xf_store_venue_json(xf_db *db, int64_t id, json_t **out);
/* All venues (active only unless all) in their API shape, by capacity then id. */
int xf_store_venue_list(xf_db *db, bool all, json_t **out);

/* ---- bookings ---- */

typedef struct xf_booking_new {
	int64_t venue_id, incident_id;
	int64_t starts_ms, ends_ms;
	int headcount;
	const char *purpose, *note;
	int64_t created_by;
	int64_t now_ms;
} xf_booking_new;

typedef struct xf_booking_row {
	int64_t id, venue_id, incident_id, starts_ms, ends_ms, cancelled_ms;
	int headcount;
	char number[24]; /* the incident's number */
	char purpose[16];
	char venue_name[256];
} xf_booking_row;

/* The first live booking of the venue that shares time with [starts_ms, ends_ms);
 * XF_NOTFOUND when the slot is free. */
int xf_store_booking_conflict(xf_db *db, int64_t venue_id, int64_t starts_ms, int64_t ends_ms,
                              xf_booking_row *out);
int xf_store_booking_insert(xf_db *db, const xf_booking_new *in, int64_t *id);
int xf_store_booking_get(xf_db *db, int64_t id, xf_booking_row *out);
/* Cancels a live booking; XF_NOTFOUND when it is absent or already cancelled. */
int xf_store_booking_cancel(xf_db *db, int64_t id, int64_t by_user_id, int64_t now_ms);
/* The API shape (docs/meetings.md). */
int xf_store_booking_json(xf_db *db, int64_t id, json_t **out);
/* The bookings of an incident, cancelled ones included, by start time. */
int xf_store_booking_list(xf_db *db, int64_t incident_id, json_t **out);

#endif
