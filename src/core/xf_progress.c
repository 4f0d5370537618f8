/* The cadence of recurring progress reports before an expected visit (xf_progress.h). */
#include "core/xf_progress.h"

#include "util/xf_util.h"

#define CST_OFFSET_MS (XF_CST_OFFSET_S * 1000LL)

int64_t xf_progress_switch_ms(const xf_plan_procedure *proc, int64_t expected_ms)
{
	if (!proc || !proc->progress_interval_before_minutes || expected_ms <= 0)
		return 0;
	int64_t local = expected_ms + CST_OFFSET_MS;
	int64_t midnight = local - ((local % XF_DAY_MS) + XF_DAY_MS) % XF_DAY_MS - CST_OFFSET_MS;
	return midnight - (int64_t)proc->progress_days_before * XF_DAY_MS;
}

int xf_progress_interval_minutes(const xf_plan_procedure *proc, const xf_plan_grade *grade,
                                 int64_t expected_ms, int64_t at_ms)
{
	int64_t switch_ms = xf_progress_switch_ms(proc, expected_ms);
	if (switch_ms && at_ms < switch_ms)
		return proc->progress_interval_before_minutes;
	return grade->progress_interval_minutes;
}

int64_t xf_progress_next_due(const xf_plan_procedure *proc, const xf_plan_grade *grade,
                             int64_t expected_ms, int64_t base_ms)
{
	int64_t switch_ms = xf_progress_switch_ms(proc, expected_ms);
	int minutes = xf_progress_interval_minutes(proc, grade, expected_ms, base_ms);
	int64_t due = base_ms + minutes * XF_MINUTE_MS;
	if (switch_ms && base_ms < switch_ms && due > switch_ms)
		due = switch_ms;
	return due;
}
