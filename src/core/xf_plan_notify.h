/* The plan's "notifications" section (docs/plan-format.md): who is told of what, the
 * escalation chain of each grade with each level's wait, the grades whose messages
 * ignore quiet hours, and the Chinese message templates. Loaded with the rest of the
 * plan (xf_plan.c calls xf_plan_notify_load); a plan without the section tells nobody
 * (plan->notify is NULL).
 *
 * A recipient is a leadership position (组长, from organisation.command.positions), a
 * role (petition_office), or a relation to what the message is about: the duty
 * officer on duty now, a task's assignee, the assignee's superior (the head of the
 * assignee's unit, or of the nearest unit above that has one), a matter's handler. */
#ifndef XF_PLAN_NOTIFY_H
#define XF_PLAN_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/xf_plan.h"

/* The kinds of message, in the order of xf_notify_kind_ids. */
typedef enum xf_notify_kind {
	XF_NOTIFY_INCIDENT_REGISTER, /* "incident.register" */
	XF_NOTIFY_INCIDENT_UPGRADE,  /* "incident.upgrade": the grade rose */
	XF_NOTIFY_TASK_ASSIGN,       /* "task.assign" */
	XF_NOTIFY_TASK_OVERDUE,      /* "task.overdue": level 0 of the escalation */
	XF_NOTIFY_TASK_ESCALATE,     /* "task.escalate": levels 1.. */
	XF_NOTIFY_REPORT_UP_DUE,     /* "report_up.due": a report-up limit about to pass */
	XF_NOTIFY_MATTER_DUE,        /* "matter.due": a matter's legal deadline near */
	XF_NOTIFY_KIND_COUNT
} xf_notify_kind;

extern const char *const xf_notify_kind_ids[XF_NOTIFY_KIND_COUNT + 1];
int xf_notify_kind_parse(const char *id); /* -1 when unknown */

typedef enum xf_recipient_kind {
	XF_RECIPIENT_POSITION, /* value: 组长 */
	XF_RECIPIENT_ROLE,     /* value: a role id */
	XF_RECIPIENT_RELATION  /* value: one of xf_recipient_relation_ids */
} xf_recipient_kind;

/* "duty_officer", "assignee", "superior", "handler" */
extern const char *const xf_recipient_relation_ids[];

typedef struct xf_plan_recipient {
	xf_recipient_kind kind;
	char *value;
	int wait_minutes; /* escalation levels only: the wait before this level is told */
} xf_plan_recipient;

typedef struct xf_plan_escalation {
	char *grade;               /* a grade id of the plan */
	xf_plan_recipient *levels; /* level 1, 2, ...: whom the climb reaches */
	size_t n_levels;
} xf_plan_escalation;

typedef struct xf_plan_notify {
	xf_plan_recipient *recipients[XF_NOTIFY_KIND_COUNT];
	size_t n_recipients[XF_NOTIFY_KIND_COUNT];
	char *templates[XF_NOTIFY_KIND_COUNT]; /* NULL: that kind is never sent */
	xf_plan_escalation *escalation;
	size_t n_escalation;
	char **quiet_exempt; /* grade ids whose messages ignore quiet hours */
	size_t n_quiet_exempt;
	int report_up_lead_minutes; /* report_up.due this long before the limit */
	int matter_due_lead_days;   /* matter.due this long before the legal deadline */
} xf_plan_notify;

/* Longest template, in characters: one SMS of Chinese text is 70. */
#define XF_NOTIFY_TEMPLATE_MAX_CHARS 70

/* Loads root["notifications"] into plan->notify (left NULL when absent), adding each
 * problem to errors as "notifications.PATH: problem". Grades and positions are checked
 * against the plan's (load after the grades). */
void xf_plan_notify_load(xf_plan *plan, json_t *root, xf_plan_errors *errors);
void xf_plan_notify_free(xf_plan_notify *n);

/* The escalation chain of a grade (NULL when the plan has none for it). */
const xf_plan_escalation *xf_plan_notify_chain(const xf_plan_notify *n, const char *grade);
/* True when messages of the grade ignore quiet hours. */
bool xf_plan_notify_quiet_exempt(const xf_plan_notify *n, const char *grade);

/* Fills a template: each {name} becomes the value of name in fields (a JSON object of
 * strings and integers; a missing one becomes ""), each value cut to 24 characters, and
 * the whole to 140 bytes' worth of characters past XF_NOTIFY_TEMPLATE_MAX_CHARS at
 * most. Returns a malloc'd string. */
char *xf_notify_render(const char *tmpl, const json_t *fields);

/* The placeholders a template may use; none can carry an ID number, health data or
 * the content of an accusation. */
extern const char *const xf_notify_placeholders[];

#endif
