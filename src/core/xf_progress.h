/* When the next round of a recurring progress report (及时调度、及时汇报) falls due.
 * Under a procedure with advance information the visit is expected at a known time
 * (the incident's expected_at): while it is far off, rounds run at the procedure's
 * slower interval (daily in the coal-mine plan); from 00:00 Asia/Shanghai of the day(s)
 * before the expected day on, at the grade's progress interval. Pure rules: api/
 * applies them when it creates, completes or re-plans a round. */
#ifndef XF_PROGRESS_H
#define XF_PROGRESS_H

#include <stdint.h>

#include "core/xf_plan.h"

/* The moment the grade's interval takes over: 00:00 Asia/Shanghai, the procedure's
 * progress_days_before days before the day of expected_ms. 0 when the procedure has
 * no slower interval or expected_ms is 0 (the grade's interval throughout). */
int64_t xf_progress_switch_ms(const xf_plan_procedure *proc, int64_t expected_ms);

/* The interval (minutes) that applies to a round starting at at_ms. */
int xf_progress_interval_minutes(const xf_plan_procedure *proc, const xf_plan_grade *grade,
                                 int64_t expected_ms, int64_t at_ms);

/* The due time of the round after one due (or started) at base_ms: one interval later,
 * the slower interval never reaching past the switch to the grade's interval. proc
 * NULL or expected_ms 0: one grade interval. */
int64_t xf_progress_next_due(const xf_plan_procedure *proc, const xf_plan_grade *grade,
                             int64_t expected_ms, int64_t base_ms);

#endif
