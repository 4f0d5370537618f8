/* The pure rules of meetings (会议), reply venues (答复场所) and their bookings: which
 * incidents may hold meetings and book rooms, when two bookings collide, whether a
 * room seats the people coming, the order in which venues are offered, and the ISO
 * 8601 times these requests carry. No SQL and no HTTP here; api/meetings.c and
 * api/venues.c apply these rules and store/xf_store_meetings.c keeps the rows. */
#ifndef XF_VENUE_H
#define XF_VENUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/xf_incident.h"

#define XF_VENUE_CAPACITY_MAX 100000
/* The longest booking: a reply session (答复) lasts hours, not weeks. */
#define XF_BOOKING_MAX_MS (7 * 24 * 60 * 60 * 1000LL)

/* Meeting kinds in API order, NULL-terminated: "leadership" (信访领导小组会议) and
 * "unit_leaders" (信访人员单位主要领导会议). */
extern const char *const xf_meeting_kind_ids[];
/* The Chinese name of a kind, "会议" when unknown. */
const char *xf_meeting_kind_zh(const char *kind);

/* Booking purposes in API order, NULL-terminated: reply (答复), meeting (会议),
 * interview (谈话), other (其他). */
extern const char *const xf_booking_purpose_ids[];
const char *xf_booking_purpose_zh(const char *purpose);

/* Whether an incident is being handled (activated, on_site, replying, resolving): only
 * then are meetings held, minuted and venues booked for it. */
bool xf_incident_in_handling(xf_status status);

/* Whether the half-open intervals [a_start, a_end) and [b_start, b_end) share time.
 * One booking ending when the next starts is no collision. */
bool xf_interval_overlaps(int64_t a_start, int64_t a_end, int64_t b_start, int64_t b_end);

/* Whether a room of capacity seats headcount people. */
bool xf_venue_fits(int capacity, int headcount);

/* What is wrong with a booking's times, or NULL when they are fine: the end must come
 * after the start, and a booking lasts at most XF_BOOKING_MAX_MS. */
const char *xf_booking_times_problem(int64_t starts_ms, int64_t ends_ms);

/* The order venues are offered in: the current plan's venues first, in the plan's
 * order (plan_index >= 0), then the others by capacity, smallest first, then by id. */
typedef struct xf_venue_key {
	int plan_index; /* position in the current plan's venues, -1 when not a plan venue */
	int capacity;
	int64_t id;
	size_t at; /* the caller's index, carried along */
} xf_venue_key;

void xf_venue_sort(xf_venue_key *keys, size_t n);

/* Parses an ISO 8601 time with a zone ("2026-11-28T23:10:29.123Z",
 * "2026-11-29T07:10+08:00"; seconds and fractions optional) into milliseconds since
 * the epoch. A time without a zone is refused: the server cannot know whose clock it
 * means. Returns XF_OK or XF_ERR. */
int xf_iso_time_parse(const char *text, int64_t *ms);

/* Formats ms as "2026-11-29 07:10" in Asia/Shanghai (UTC+8, no daylight saving), for
 * the Chinese summaries of events. */
#define XF_LOCAL_TIME_LEN 32
void xf_local_time_format(int64_t ms, char out[XF_LOCAL_TIME_LEN]);

/* The byte length of at most max_chars UTF-8 characters at the start of s, so a
 * shortened text never ends inside a character. */
size_t xf_utf8_prefix(const char *s, size_t max_chars);

#endif
