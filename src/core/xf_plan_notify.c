/* The "notifications" section of a plan (see xf_plan_notify.h): checked with every
 * problem reported under its JSON path, built into xf_plan_notify, and the rendering
 * of its templates. Called by the plan loader (xf_plan.c) once the grades and the
 * organisation are known, so that grade ids and positions can be checked. */
#include "core/xf_plan_notify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xf_perm.h"
#include "util/xf_buf.h"
#include "util/xf_util.h"

const char *const xf_notify_kind_ids[XF_NOTIFY_KIND_COUNT + 1] = {
    "incident.register", "incident.upgrade", "task.assign", "task.overdue",
    "task.escalate",     "report_up.due",    "matter.due",  NULL};

const char *const xf_recipient_relation_ids[] = {"duty_officer", "assignee", "superior", "handler",
                                                 NULL};

const char *const xf_notify_placeholders[] = {
    "number", "grade", "headcount", "destination", "place", "title", "due", "level", "task", NULL};

int xf_notify_kind_parse(const char *id)
{
	for (int k = 0; id && k < XF_NOTIFY_KIND_COUNT; k++)
		if (strcmp(xf_notify_kind_ids[k], id) == 0)
			return k;
	return -1;
}

typedef struct nloader {
	xf_plan *plan;
	xf_plan_errors *errors;
	json_t *positions; /* organisation.command.positions, may be NULL */
} nloader;

static void problem(nloader *L, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(nloader *L, const char *path, const char *fmt, ...)
{
	xf_plan_errors *e = L->errors;
	if (e->n >= XF_ARRAY_LEN(e->items)) {
		e->dropped++;
		return;
	}
	char msg[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(e->items[e->n++], sizeof e->items[0], "%s: %s", path, msg);
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

static bool only_keys(nloader *L, const char *path, json_t *o, const char *const *allowed)
{
	const char *key;
	json_t *v;
	bool ok = true;
	json_object_foreach(o, key, v)
	{
		if (!xf_str_in(key, allowed)) {
			problem(L, path, "unknown key '%.40s'", key);
			ok = false;
		}
	}
	return ok;
}

static bool is_position(nloader *L, const char *s)
{
	for (size_t i = 0; L->positions && i < json_array_size(L->positions); i++) {
		const char *p = json_string_value(json_array_get(L->positions, i));
		if (p && strcmp(p, s) == 0)
			return true;
	}
	return false;
}

static bool is_grade(const xf_plan *plan, const char *id)
{
	return xf_plan_grade_by_id(plan, id) != NULL;
}

/* {position} | {role} | {relation}, and wait_minutes when with_wait. */
static bool load_recipient(nloader *L, const char *path, json_t *o, bool with_wait,
                           xf_plan_recipient *out)
{
	static const char *const keys[] = {"position", "role", "relation", "wait_minutes", NULL};
	if (!json_is_object(o)) {
		problem(L, path, "must be an object");
		return false;
	}
	bool ok = only_keys(L, path, o, keys);
	int found = -1, count = 0;
	for (int k = 0; k < 3; k++)
		if (json_object_get(o, keys[k])) {
			found = k;
			count++;
		}
	if (count != 1) {
		problem(L, path, "must have exactly one of 'position', 'role' or 'relation'");
		return false;
	}
	const char *s = json_string_value(json_object_get(o, keys[found]));
	if (!s || !*s) {
		problem(L, path, "'%s' must be a string", keys[found]);
		return false;
	}
	if (found == 0 && !is_position(L, s)) {
		problem(L, path, "unknown position '%.40s' (not in organisation.command.positions)",
		        s);
		ok = false;
	}
	if (found == 1 && xf_role_parse(s) < 0) {
		problem(L, path, "unknown role '%.40s'", s);
		ok = false;
	}
	if (found == 2 && !xf_str_in(s, xf_recipient_relation_ids)) {
		problem(
		    L, path,
		    "unknown relation '%.40s' (one of duty_officer, assignee, superior, handler)",
		    s);
		ok = false;
	}
	json_t *w = json_object_get(o, "wait_minutes");
	int wait = 0;
	if (with_wait) {
		if (!json_is_integer(w) || json_integer_value(w) < 1 ||
		    json_integer_value(w) > 10080) {
			problem(L, path, "'wait_minutes' must be an integer from 1 to 10080");
			ok = false;
		} else
			wait = (int)json_integer_value(w);
	} else if (w) {
		problem(L, path, "'wait_minutes' belongs to escalation levels only");
		ok = false;
	}
	if (!ok)
		return false;
	out->kind = (xf_recipient_kind)found;
	out->value = xf_strdup(s);
	out->wait_minutes = wait;
	return true;
}

static void load_recipients(nloader *L, xf_plan_notify *n, json_t *r)
{
	if (!json_is_object(r)) {
		problem(L, "notifications.recipients", "must be an object");
		return;
	}
	const char *key;
	json_t *list;
	json_object_foreach(r, key, list)
	{
		char path[160];
		snprintf(path, sizeof path, "notifications.recipients.%.40s", key);
		int kind = xf_notify_kind_parse(key);
		if (kind < 0) {
			problem(L, path,
			        "unknown kind (one of incident.register, incident.upgrade, "
			        "task.assign, task.overdue, report_up.due, matter.due)");
			continue;
		}
		if (kind == XF_NOTIFY_TASK_ESCALATE) {
			problem(L, path, "escalation levels are given in notifications.escalation");
			continue;
		}
		if (!json_is_array(list) || json_array_size(list) == 0) {
			problem(L, path, "must be a non-empty array");
			continue;
		}
		size_t m = json_array_size(list);
		n->recipients[kind] = xf_calloc(m, sizeof *n->recipients[kind]);
		for (size_t i = 0; i < m; i++) {
			char ip[200];
			snprintf(ip, sizeof ip, "%s[%zu]", path, i);
			if (load_recipient(L, ip, json_array_get(list, i), false,
			                   &n->recipients[kind][n->n_recipients[kind]]))
				n->n_recipients[kind]++;
		}
	}
}

static void load_escalation(nloader *L, xf_plan_notify *n, json_t *e)
{
	if (!json_is_object(e)) {
		problem(L, "notifications.escalation", "must be an object");
		return;
	}
	n->escalation = xf_calloc(json_object_size(e) + 1, sizeof *n->escalation);
	const char *grade;
	json_t *levels;
	json_object_foreach(e, grade, levels)
	{
		char path[160];
		snprintf(path, sizeof path, "notifications.escalation.%.40s", grade);
		if (!is_grade(L->plan, grade)) {
			problem(L, path, "unknown grade '%.40s'", grade);
			continue;
		}
		if (!json_is_array(levels) || json_array_size(levels) == 0 ||
		    json_array_size(levels) > 8) {
			problem(L, path, "must be an array of 1 to 8 levels");
			continue;
		}
		xf_plan_escalation *x = &n->escalation[n->n_escalation++];
		x->grade = xf_strdup(grade);
		x->levels = xf_calloc(json_array_size(levels), sizeof *x->levels);
		for (size_t i = 0; i < json_array_size(levels); i++) {
			char ip[200];
			snprintf(ip, sizeof ip, "%s[%zu]", path, i);
			if (load_recipient(L, ip, json_array_get(levels, i), true,
			                   &x->levels[x->n_levels]))
				x->n_levels++;
		}
	}
}

/* A template: a string of at most XF_NOTIFY_TEMPLATE_MAX_CHARS characters whose
 * placeholders are all known. */
static void load_templates(nloader *L, xf_plan_notify *n, json_t *t)
{
	if (!json_is_object(t)) {
		problem(L, "notifications.templates", "must be an object");
		return;
	}
	const char *key;
	json_t *v;
	json_object_foreach(t, key, v)
	{
		char path[160];
		snprintf(path, sizeof path, "notifications.templates.%.40s", key);
		int kind = xf_notify_kind_parse(key);
		if (kind < 0) {
			problem(L, path, "unknown kind");
			continue;
		}
		const char *s = json_string_value(v);
		if (!s || !*s) {
			problem(L, path, "must be a non-empty string");
			continue;
		}
		if (utf8_chars(s) > XF_NOTIFY_TEMPLATE_MAX_CHARS) {
			problem(L, path, "longer than %d characters (one SMS)",
			        XF_NOTIFY_TEMPLATE_MAX_CHARS);
			continue;
		}
		bool ok = true;
		for (const char *p = strchr(s, '{'); p && ok; p = strchr(p + 1, '{')) {
			const char *end = strchr(p, '}');
			char name[32];
			size_t len = end ? (size_t)(end - p - 1) : 0;
			if (!end || len == 0 || len >= sizeof name) {
				problem(L, path, "unclosed or empty placeholder");
				ok = false;
				break;
			}
			memcpy(name, p + 1, len);
			name[len] = '\0';
			if (!xf_str_in(name, xf_notify_placeholders)) {
				problem(
				    L, path,
				    "unknown placeholder '{%s}' (one of number, grade, headcount, "
				    "destination, place, title, due, level, task)",
				    name);
				ok = false;
			}
		}
		if (ok)
			n->templates[kind] = xf_strdup(s);
	}
}

static void load_exempt(nloader *L, xf_plan_notify *n, json_t *a)
{
	if (!json_is_array(a)) {
		problem(L, "notifications.quiet_hours_exempt", "must be an array of grade ids");
		return;
	}
	n->quiet_exempt = xf_calloc(json_array_size(a) + 1, sizeof *n->quiet_exempt);
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *g = json_string_value(json_array_get(a, i));
		char path[80];
		snprintf(path, sizeof path, "notifications.quiet_hours_exempt[%zu]", i);
		if (!g || !is_grade(L->plan, g))
			problem(L, path, "unknown grade '%.40s'", g ? g : "?");
		else
			n->quiet_exempt[n->n_quiet_exempt++] = xf_strdup(g);
	}
}

static void int_in(nloader *L, json_t *o, const char *key, int min, int max, int *out)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		problem(L, "notifications", "'%s' must be an integer from %d to %d", key, min, max);
		return;
	}
	*out = (int)json_integer_value(v);
}

void xf_plan_notify_load(xf_plan *plan, json_t *root, xf_plan_errors *errors)
{
	static const char *const keys[] = {"text",
	                                   "recipients",
	                                   "escalation",
	                                   "quiet_hours_exempt",
	                                   "templates",
	                                   "report_up_lead_minutes",
	                                   "matter_due_lead_days",
	                                   "note",
	                                   "is_default",
	                                   NULL};
	json_t *s = json_object_get(root, "notifications");
	if (!s)
		return;
	nloader L = {.plan = plan, .errors = errors};
	L.positions = json_object_get(
	    json_object_get(json_object_get(root, "organisation"), "command"), "positions");
	if (!json_is_array(L.positions))
		L.positions = NULL;
	if (!json_is_object(s)) {
		problem(&L, "notifications", "must be an object");
		return;
	}
	only_keys(&L, "notifications", s, keys);
	xf_plan_notify *n = xf_calloc(1, sizeof *n);
	plan->notify = n;
	n->report_up_lead_minutes = 10;
	n->matter_due_lead_days = 3;
	if (json_object_get(s, "recipients"))
		load_recipients(&L, n, json_object_get(s, "recipients"));
	else
		problem(&L, "notifications.recipients", "is required");
	if (json_object_get(s, "escalation"))
		load_escalation(&L, n, json_object_get(s, "escalation"));
	if (json_object_get(s, "templates"))
		load_templates(&L, n, json_object_get(s, "templates"));
	else
		problem(&L, "notifications.templates", "is required");
	if (json_object_get(s, "quiet_hours_exempt"))
		load_exempt(&L, n, json_object_get(s, "quiet_hours_exempt"));
	int_in(&L, s, "report_up_lead_minutes", 1, 1440, &n->report_up_lead_minutes);
	int_in(&L, s, "matter_due_lead_days", 1, 60, &n->matter_due_lead_days);
	for (int k = 0; k < XF_NOTIFY_KIND_COUNT; k++) {
		bool has_recipients =
		    k == XF_NOTIFY_TASK_ESCALATE ? n->n_escalation > 0 : n->n_recipients[k] > 0;
		if (has_recipients && !n->templates[k] &&
		    json_is_object(json_object_get(s, "templates"))) {
			char path[120];
			snprintf(path, sizeof path, "notifications.templates.%s",
			         xf_notify_kind_ids[k]);
			problem(&L, path, "is required (the kind has recipients)");
		}
	}
}

void xf_plan_notify_free(xf_plan_notify *n)
{
	if (!n)
		return;
	for (int k = 0; k < XF_NOTIFY_KIND_COUNT; k++) {
		for (size_t i = 0; i < n->n_recipients[k]; i++)
			free(n->recipients[k][i].value);
		free(n->recipients[k]);
		free(n->templates[k]);
	}
	for (size_t i = 0; i < n->n_escalation; i++) {
		for (size_t j = 0; j < n->escalation[i].n_levels; j++)
			free(n->escalation[i].levels[j].value);
		free(n->escalation[i].levels);
		free(n->escalation[i].grade);
	}
	free(n->escalation);
	for (size_t i = 0; i < n->n_quiet_exempt; i++)
		free(n->quiet_exempt[i]);
	free(n->quiet_exempt);
	free(n);
}

const xf_plan_escalation *xf_plan_notify_chain(const xf_plan_notify *n, const char *grade)
{
	for (size_t i = 0; n && grade && i < n->n_escalation; i++)
		if (strcmp(n->escalation[i].grade, grade) == 0)
			return &n->escalation[i];
	return NULL;
}

bool xf_plan_notify_quiet_exempt(const xf_plan_notify *n, const char *grade)
{
	for (size_t i = 0; n && grade && i < n->n_quiet_exempt; i++)
		if (strcmp(n->quiet_exempt[i], grade) == 0)
			return true;
	return false;
}

/* Appends at most max_chars characters of s. */
static void append_cut(xf_buf *b, const char *s, size_t max_chars)
{
	size_t chars = 0, i = 0;
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == max_chars)
			break;
	}
	xf_buf_append(b, s, i);
}

char *xf_notify_render(const char *tmpl, const json_t *fields)
{
	xf_buf b = XF_BUF_INIT;
	const char *p = tmpl;
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		if (!open || !close) {
			xf_buf_append(&b, p, strlen(p));
			break;
		}
		xf_buf_append(&b, p, (size_t)(open - p));
		char name[32];
		size_t len = (size_t)(close - open - 1);
		if (len < sizeof name) {
			memcpy(name, open + 1, len);
			name[len] = '\0';
			json_t *v = json_object_get(fields, name);
			char num[32];
			const char *text = json_string_value(v);
			if (json_is_integer(v)) {
				snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
				text = num;
			}
			if (text)
				append_cut(&b, text, 24);
		}
		p = close + 1;
	}
	char *out = xf_buf_detach(&b, NULL);
	/* A message stays one or two SMS long whatever the values. */
	xf_buf c = XF_BUF_INIT;
	append_cut(&c, out, XF_NOTIFY_TEMPLATE_MAX_CHARS * 2);
	free(out);
	return xf_buf_detach(&c, NULL);
}
