/* Incident statuses and transitions, task actions and due times: see xf_incident.h. */
#include "core/xf_incident.h"

#include <string.h>
#include <time.h>

const char *const xf_status_ids[XF_STATUS_COUNT + 1] = {
    "registered", "not_activated", "activated", "on_site",   "replying", "resolving",
    "evaluating", "reported",      "archived",  "withdrawn", NULL,
};

static const char *const status_zh[XF_STATUS_COUNT] = {
    "登记",     "不启动",   "启动",   "现场处置", "答复",
    "稳控化解", "总结评价", "已上报", "已归档",   "已作废",
};

const char *xf_status_zh(xf_status s)
{
	return s < XF_STATUS_COUNT ? status_zh[s] : "?";
}

static int parse_id(const char *const *ids, const char *id)
{
	for (int i = 0; id && ids[i]; i++)
		if (strcmp(ids[i], id) == 0)
			return i;
	return -1;
}

int xf_status_parse(const char *id)
{
	return parse_id(xf_status_ids, id);
}

bool xf_status_can(xf_status from, xf_status to, char procedure)
{
	switch (from) {
	case XF_STATUS_REGISTERED:
		return to == XF_STATUS_NOT_ACTIVATED || to == XF_STATUS_WITHDRAWN;
	case XF_STATUS_NOT_ACTIVATED:
		return to == XF_STATUS_REGISTERED;
	case XF_STATUS_ACTIVATED:
		/* With advance information the people may never gather: procedure A can go
		 * straight to resolving. */
		return to == XF_STATUS_ON_SITE || (to == XF_STATUS_RESOLVING && procedure == 'A');
	case XF_STATUS_ON_SITE:
		return to == XF_STATUS_REPLYING;
	case XF_STATUS_REPLYING:
		return to == XF_STATUS_RESOLVING;
	case XF_STATUS_RESOLVING:
		return to == XF_STATUS_EVALUATING;
	case XF_STATUS_EVALUATING:
		return to == XF_STATUS_REPORTED;
	case XF_STATUS_REPORTED:
		return to == XF_STATUS_ARCHIVED;
	default:
		return false;
	}
}

int xf_status_allowed(xf_status from, char procedure, xf_status out[XF_STATUS_COUNT])
{
	int n = 0;
	for (int to = 0; to < XF_STATUS_COUNT; to++)
		if (xf_status_can(from, (xf_status)to, procedure))
			out[n++] = (xf_status)to;
	return n;
}

bool xf_status_active(xf_status s)
{
	return s != XF_STATUS_NOT_ACTIVATED && s != XF_STATUS_ARCHIVED && s != XF_STATUS_WITHDRAWN;
}

bool xf_status_reports_progress(xf_status s)
{
	return s == XF_STATUS_ACTIVATED || s == XF_STATUS_ON_SITE || s == XF_STATUS_REPLYING ||
	       s == XF_STATUS_RESOLVING;
}

bool xf_status_before_activation(xf_status s)
{
	return s == XF_STATUS_REGISTERED || s == XF_STATUS_NOT_ACTIVATED;
}

bool xf_status_closed(xf_status s)
{
	return s == XF_STATUS_ARCHIVED || s == XF_STATUS_WITHDRAWN;
}

xf_status xf_status_for_scope(xf_status s, bool in_scope)
{
	if (!in_scope && s == XF_STATUS_REGISTERED)
		return XF_STATUS_NOT_ACTIVATED;
	if (in_scope && s == XF_STATUS_NOT_ACTIVATED)
		return XF_STATUS_REGISTERED;
	return s;
}

const char *const xf_task_status_ids[XF_TASK_STATUS_COUNT + 1] = {
    "pending", "in_progress", "done", "skipped", NULL,
};

int xf_task_status_parse(const char *id)
{
	return parse_id(xf_task_status_ids, id);
}

const char *const xf_task_action_ids[XF_TASK_ACTION_COUNT + 1] = {
    "claim", "assign", "start", "complete", "skip", NULL,
};

int xf_task_apply(xf_task_status from, xf_task_action action)
{
	bool open = from == XF_TASK_PENDING || from == XF_TASK_IN_PROGRESS;
	if (!open)
		return -1;
	switch (action) {
	case XF_TASK_CLAIM:
	case XF_TASK_ASSIGN:
		return (int)from;
	case XF_TASK_START:
		return from == XF_TASK_PENDING ? XF_TASK_IN_PROGRESS : -1;
	case XF_TASK_COMPLETE:
		return XF_TASK_DONE;
	case XF_TASK_SKIP:
		return XF_TASK_SKIPPED;
	default:
		return -1;
	}
}

const char *const xf_task_kind_ids[XF_KIND_COUNT + 1] = {
    "step",   "closing",  "recurring", "report_oral", "report_written",
    "manual", "decision", "followup",  NULL,
};

int xf_task_kind_parse(const char *id)
{
	return parse_id(xf_task_kind_ids, id);
}

int64_t xf_task_due(const xf_plan_grade *grade, xf_task_kind kind, int64_t base_ms, int due_minutes)
{
	const int64_t minute = 60 * 1000;
	switch (kind) {
	case XF_KIND_STEP:
	case XF_KIND_CLOSING:
		return base_ms + (int64_t)due_minutes * grade->due_percent * minute / 100;
	case XF_KIND_RECURRING:
		return base_ms + (int64_t)grade->progress_interval_minutes * minute;
	case XF_KIND_REPORT_ORAL:
		return grade->report_oral_minutes ? base_ms + grade->report_oral_minutes * minute
		                                  : 0;
	case XF_KIND_REPORT_WRITTEN:
		return grade->report_written_minutes
		           ? base_ms + grade->report_written_minutes * minute
		           : 0;
	case XF_KIND_MANUAL:
	default:
		return base_ms + (int64_t)due_minutes * minute;
	}
}

int xf_shanghai_year(int64_t ms)
{
	time_t secs = (time_t)(ms / 1000) + 8 * 3600; /* China has kept UTC+8 without DST */
	struct tm tm;
	gmtime_r(&secs, &tm);
	return tm.tm_year + 1900;
}
