/* The statutory clocks of a matter (诉求) under 《信访工作条例》 and the rules of its
 * stages: when each clock starts, when it falls due, what stops it, whether a matter is
 * near or past it, whether an extension or a review request is allowed, and when a new
 * matter repeats an earlier one. Pure: no SQL, no HTTP; the store hands in the stamps
 * of a row.
 *
 * Days are counted as the Civil Code counts periods (core/xf_calendar.h: the start day
 * not counted, the period ends 24:00 Beijing time of its last day, moved past rest days
 * by the calendar file). The clocks (../shared/LAW.md "Clocks"):
 * - acceptance, Art. 22-23: 15 days from receipt; stops when the acceptance or
 *   non-acceptance notice is issued (not at the decision alone);
 * - conclusion, Art. 34: 60 days from acceptance, plus the one extension of 1..30 days;
 *   stops when the answer is issued;
 * - review_request, Art. 35: the petitioner's 30 days from the answer to ask for 复查;
 * - review, Art. 35: 30 days from the request; stops when the review is issued;
 * - re_review_request, Art. 36: 30 days from the review to ask for 复核;
 * - re_review, Art. 36: 30 days from the request; stops when the re-review is issued.
 * The office's duties (acceptance, conclusion, review, re_review) raise alarms; the
 * petitioner's windows do not. */
#ifndef XF_MATTER_H
#define XF_MATTER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/xf_calendar.h"
#include "util/xf_util.h" /* XF_DAY_MS */

#define XF_ACCEPTANCE_DAYS    15
#define XF_CONCLUSION_DAYS    60
#define XF_EXTENSION_MAX_DAYS 30
#define XF_REVIEW_DAYS        30
/* "near a deadline": within this many days (the alarm and the due list) */
#define XF_DUE_SOON_DAYS 3
/* Repeat detection (重复访): an earlier matter of the same person and category with
 * similar content received within this many days. */
#define XF_REPEAT_DAYS 180

/* The stamps of one matter, in milliseconds since the epoch; 0: not happened. */
typedef struct xf_matter_clock {
	int64_t received_ms;
	bool accepted; /* the decision to accept (POST /accept or the acceptance notice) */
	int64_t accepted_ms;
	bool concluded;
	int64_t acceptance_notice_ms; /* acceptance or non-acceptance notice issued */
	bool not_accepted;
	int extension_days;
	int64_t answered_ms, review_requested_ms, reviewed_ms, re_review_requested_ms,
	    re_reviewed_ms;
	const xf_calendar *cal; /* NULL: xf_calendar_default() */
} xf_matter_clock;

typedef enum xf_clock_id {
	XF_CLOCK_ACCEPTANCE,
	XF_CLOCK_CONCLUSION,
	XF_CLOCK_REVIEW_REQUEST,
	XF_CLOCK_REVIEW,
	XF_CLOCK_RE_REVIEW_REQUEST,
	XF_CLOCK_RE_REVIEW,
	XF_CLOCK_COUNT
} xf_clock_id;

/* One clock of a matter: started (its start stamp exists), running (not stopped and
 * the matter not concluded), its due time, and when it stopped (0: not). */
typedef struct xf_clock_state {
	bool started, running;
	int64_t start_ms, due_ms, stopped_ms;
} xf_clock_state;

xf_clock_state xf_matter_clock_state(const xf_matter_clock *c, xf_clock_id id);
/* "acceptance", "conclusion", "review_request", "review", "re_review_request",
 * "re_review". */
const char *xf_clock_name(xf_clock_id id);
/* "22-23", "34", "35", "35", "36", "36". */
const char *xf_clock_article(xf_clock_id id);
/* The office's duty (alarms), not the petitioner's window. */
bool xf_clock_is_duty(xf_clock_id id);

/* Compatibility with the callers of the first version: the acceptance and conclusion
 * clocks while they run. */
bool xf_matter_acceptance_due(const xf_matter_clock *c, int64_t *due_ms);
bool xf_matter_conclusion_due(const xf_matter_clock *c, int64_t *due_ms);

typedef enum xf_due_kind {
	XF_DUE_NONE,       /* no office clock runs */
	XF_DUE_ACCEPTANCE, /* Art. 22-23 */
	XF_DUE_CONCLUSION, /* Art. 34 */
	XF_DUE_REVIEW,     /* Art. 35 */
	XF_DUE_RE_REVIEW,  /* Art. 36 */
} xf_due_kind;

/* The running office clock that falls due first and its due time (0 for NONE). */
xf_due_kind xf_matter_next_due(const xf_matter_clock *c, int64_t *due_ms);
/* The clock's name, or NULL for XF_DUE_NONE. */
const char *xf_due_kind_id(xf_due_kind kind);
/* Overdue: the period has ended (24:00 of its last day is not after now). */
bool xf_matter_overdue(int64_t due_ms, int64_t now_ms);
/* The latest due time a list of matters due "soon" (within within_days calendar days
 * of today, or already past) or only "overdue" (soon false) takes in. */
int64_t xf_matter_due_until(int64_t now_ms, bool soon, int within_days);

/* Art. 34: an extension of days is allowed: accepted, not answered, none before, and
 * 1..30 days. XF_OK, XF_ERR (days out of range), XF_CONFLICT (the rest). */
int xf_matter_can_extend(const xf_matter_clock *c, int days);
/* Art. 35 (re_review false) / 36: a request at at_ms is allowed: the answer (review)
 * issued, no request before, and at_ms not after the window's end (*due_ms, set when
 * the window exists). XF_OK or XF_CONFLICT. satisfied: the petitioner declared
 * themselves satisfied with the answer (no 复查 then). */
int xf_matter_can_request_review(const xf_matter_clock *c, bool re_review, bool satisfied,
                                 int64_t at_ms, int64_t *due_ms);
/* Issue 13 item 5: a matter may be concluded (办结) once accepted, with an outcome and the
 * answer issued. XF_OK, or XF_CONFLICT with *why "not_accepted", "no_outcome" or
 * "no_answer". */
int xf_matter_can_conclude(const xf_matter_clock *c, bool has_outcome, const char **why);
/* Whether two contents are similar enough to be the same matter (重复访): equal after
 * dropping white space and punctuation, or one contains the other and is at least 4
 * characters. */
bool xf_matter_similar(const char *a, const char *b);

#endif
