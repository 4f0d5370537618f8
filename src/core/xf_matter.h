/* The statutory clocks of a matter (诉求) under 《信访工作条例》: when its acceptance and
 * its conclusion fall due, which of the two is the one running, and whether a matter
 * is near or past it. Pure: no SQL, no HTTP; the store hands in the stamps of a row.
 *
 * Days are counted as elapsed time: a period of n days ends n × 24 hours after the
 * stamp it runs from (what the API has always shown). The Civil Code's counting
 * (../shared/LAW.md: the start day not counted, ends 24:00 Beijing time, moved past
 * statutory holidays by a calendar) would change every due time shown and is not done
 * here yet; when it comes, it comes in this file only. */
#ifndef XF_MATTER_H
#define XF_MATTER_H

#include <stdbool.h>
#include <stdint.h>

#include "util/xf_util.h" /* XF_DAY_MS */

/* Art. 22: the decision to accept is due 15 days after receipt; Art. 34: the
 * conclusion 60 days after acceptance. */
#define XF_ACCEPTANCE_DAYS 15
#define XF_CONCLUSION_DAYS 60

/* The stamps of one matter, in milliseconds since the epoch; accepted_ms and
 * concluded_ms count only when the flag beside them is set. */
typedef struct xf_matter_clock {
	int64_t received_ms;
	bool accepted;
	int64_t accepted_ms;
	bool concluded;
} xf_matter_clock;

typedef enum xf_due_kind {
	XF_DUE_NONE,       /* concluded: no clock runs */
	XF_DUE_ACCEPTANCE, /* Art. 22: not yet accepted */
	XF_DUE_CONCLUSION, /* Art. 34: accepted, not yet concluded */
} xf_due_kind;

/* Art. 22: true and *due_ms set while the matter waits for acceptance. */
bool xf_matter_acceptance_due(const xf_matter_clock *c, int64_t *due_ms);
/* Art. 34: true and *due_ms set once accepted and until concluded. */
bool xf_matter_conclusion_due(const xf_matter_clock *c, int64_t *due_ms);
/* The clock running now and its due time (0 for XF_DUE_NONE). */
xf_due_kind xf_matter_next_due(const xf_matter_clock *c, int64_t *due_ms);
/* "acceptance", "conclusion", or NULL for XF_DUE_NONE. */
const char *xf_due_kind_id(xf_due_kind kind);
/* Overdue: the due time lies before now. */
bool xf_matter_overdue(int64_t due_ms, int64_t now_ms);
/* The latest due time a list of matters due "soon" (within within_days of now, or
 * already past) or only "overdue" (soon false: past now) takes in. */
int64_t xf_matter_due_until(int64_t now_ms, bool soon, int within_days);

#endif
