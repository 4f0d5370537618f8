/* The escalation of an unacknowledged notification, as a pure decision (no clock, no
 * store): given where a chain stands, say whether to wait, climb one level, or stop;
 * and quiet hours: when a user's outbound messages may next leave.
 *
 * A chain starts at level 0 (the task's assignee, told when it became overdue). Level
 * i (1..n) is told wait_minutes[i-1] after level i-1 was; an acknowledgement by anyone
 * told, or the task no longer open, ends it; past the last level it is exhausted. */
#ifndef XF_ESCALATION_H
#define XF_ESCALATION_H

#include <stdbool.h>
#include <stdint.h>

typedef enum xf_escalation_step {
	XF_ESCALATION_WAIT,         /* nothing yet; look again at *next_ms */
	XF_ESCALATION_CLIMB,        /* tell the next level now */
	XF_ESCALATION_ACKNOWLEDGED, /* someone said 收到: stop */
	XF_ESCALATION_RESOLVED,     /* the task is done or skipped: stop */
	XF_ESCALATION_EXHAUSTED     /* the last level was told: stop */
} xf_escalation_step;

typedef struct xf_escalation_state {
	int level;               /* the level last told (0: the assignee) */
	int n_levels;            /* levels above 0 in the grade's chain */
	const int *wait_minutes; /* n_levels waits: before level 1, 2, ... */
	int64_t level_ms;        /* when the current level was told */
	bool acknowledged;
	bool open;         /* the task is still pending or in progress */
	int64_t minute_ms; /* the length of a minute (60000; tests shorten it) */
} xf_escalation_state;

/* What to do at now_ms; with WAIT, *next_ms is when the climb falls due. */
xf_escalation_step xf_escalation_decide(const xf_escalation_state *s, int64_t now_ms,
                                        int64_t *next_ms);

/* Beijing time (UTC+8, no daylight saving): the minute of the day of ms. */
int xf_beijing_minute(int64_t ms);

/* Quiet hours from from_min to to_min (minutes of Beijing time, 0..1439; from > to
 * spans midnight, from == to is no quiet hours): 0 when ms is outside them, else the
 * first ms after they end. */
int64_t xf_quiet_hours_end(int64_t ms, int from_min, int to_min);

#endif
