/* The plan's assessment (考核) rules and the items of its "三无" target: reads the
 * "assessment" section and "three_no.items" (docs/plan-format.md) into an
 * xf_plan_assessment, reporting each problem as "JSON.PATH: problem" into the same list
 * as the rest of the loader (xf_plan.c calls xf_plan_assessment_load once). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xf_assessment.h"
#include "util/xf_util.h"

#define POINTS_MAX 1000

const char *const xf_assess_event_ids[XF_AE_COUNT + 1] = {"incident",
                                                          "matter_satisfied",
                                                          "matter_basically_satisfied",
                                                          "matter_unsatisfied",
                                                          "repeat_matter",
                                                          "task_overdue",
                                                          "report_up_overdue",
                                                          "screening_missed",
                                                          "screening_late",
                                                          "finding",
                                                          NULL};

int xf_assess_event_parse(const char *id)
{
	if (!id)
		return -1;
	for (int i = 0; i < XF_AE_COUNT; i++)
		if (strcmp(xf_assess_event_ids[i], id) == 0)
			return i;
	return -1;
}

typedef struct ctx {
	xf_plan_errors *errors;
	xf_plan_assessment *a;
} ctx;

static void problem(ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(ctx *c, const char *path, const char *fmt, ...)
{
	xf_plan_errors *e = c->errors;
	if (e->n >= XF_ARRAY_LEN(e->items)) {
		e->dropped++;
		return;
	}
	char msg[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char *item = e->items[e->n++];
	if (snprintf(item, sizeof e->items[0], "%s: %s", path, msg) < 0)
		item[0] = '\0';
}

static bool is_id(const char *s);

/* Reports each key of o not in keys (quoted only when it is an id: messages stay ASCII). */
static void only_keys(ctx *c, const char *path, json_t *o, const char *const *keys)
{
	const char *k;
	json_t *v;
	json_object_foreach(o, k, v)
	{
		if (!xf_str_in(k, keys)) {
			char kp[200];
			snprintf(kp, sizeof kp, "%s.%s", path, is_id(k) ? k : "?");
			problem(c, kp, "unknown key");
		}
	}
}

/* o[key] as a non-empty string, copied; NULL (reported when required or wrong). */
static char *text(ctx *c, const char *path, json_t *o, const char *key, bool required)
{
	json_t *v = json_object_get(o, key);
	if (!v) {
		if (required)
			problem(c, path, "'%s' is required", key);
		return NULL;
	}
	if (!json_is_string(v) || !json_string_length(v)) {
		problem(c, path, "'%s' must be a non-empty string", key);
		return NULL;
	}
	return xf_strdup(json_string_value(v));
}

static bool is_id(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

/* o["id"] as an id not among the first n of ids (an array of structs whose first
 * member is `char *id`, stride bytes apart). */
static char *unique_id(ctx *c, const char *path, json_t *o, const void *list, size_t n,
                       size_t stride)
{
	char *id = text(c, path, o, "id", true);
	if (!id)
		return NULL;
	if (!is_id(id)) {
		problem(c, path, "'id' is not a valid id (1 to 32 of A-Z a-z 0-9 . _ -)");
		free(id);
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		const char *other = *(char *const *)((const char *)list + i * stride);
		if (other && strcmp(other, id) == 0) {
			problem(c, path, "duplicate id '%s'", id);
			free(id);
			return NULL;
		}
	}
	return id;
}

static void load_condition(ctx *c, const char *path, json_t *o, xf_plan_condition *cond)
{
	static const char *const keys[] = {"min_headcount", "destinations", NULL};
	if (!json_is_object(o)) {
		problem(c, path, "must be an object");
		return;
	}
	only_keys(c, path, o, keys);
	json_t *h = json_object_get(o, "min_headcount");
	if (h) {
		if (!json_is_integer(h) || json_integer_value(h) < 1 ||
		    json_integer_value(h) > 1000000)
			problem(c, path, "'min_headcount' must be an integer from 1 to 1000000");
		else
			cond->min_headcount = (int)json_integer_value(h);
	}
	json_t *d = json_object_get(o, "destinations");
	if (d) {
		size_t i;
		json_t *v;
		if (!json_is_array(d) || json_array_size(d) == 0)
			problem(c, path, "'destinations' must be a non-empty array");
		else
			json_array_foreach(d, i, v)
			{
				int dest = xf_destination_parse(json_string_value(v));
				if (dest < 0)
					problem(c, path,
					        "destinations[%zu]: unknown destination '%.40s'", i,
					        json_is_string(v) && is_id(json_string_value(v))
					            ? json_string_value(v)
					            : "?");
				else
					cond->destinations |= 1u << dest;
			}
	}
}

/* "event", "condition" (incidents only), "decision" (findings only) of o. */
static void load_selector(ctx *c, const char *path, json_t *o, xf_assess_selector *sel,
                          const xf_plan_assessment *a, bool decisions_known)
{
	char *ev = text(c, path, o, "event", true);
	int e = xf_assess_event_parse(ev);
	if (ev && e < 0)
		problem(c, path, "unknown event '%s'", is_id(ev) ? ev : "?");
	free(ev);
	sel->event = e < 0 ? XF_AE_INCIDENT : (xf_assess_event)e;
	json_t *cond = json_object_get(o, "condition");
	if (cond) {
		if (e >= 0 && e != XF_AE_INCIDENT)
			problem(c, path, "'condition' applies to the event 'incident' only");
		else {
			char cp[200];
			snprintf(cp, sizeof cp, "%s.condition", path);
			load_condition(c, cp, cond, &sel->condition);
		}
	}
	if (json_object_get(o, "decision")) {
		sel->decision = text(c, path, o, "decision", true);
		if (e >= 0 && e != XF_AE_FINDING)
			problem(c, path, "'decision' applies to the event 'finding' only");
		else if (sel->decision && decisions_known &&
		         !xf_assess_decision_by_id(a, sel->decision))
			problem(c, path, "unknown decision '%s'",
			        is_id(sel->decision) ? sel->decision : "?");
	}
}

static void load_decisions(ctx *c, json_t *arr)
{
	static const char *const keys[] = {"id", "name", "name_en", NULL};
	xf_plan_assessment *a = c->a;
	if (!json_is_array(arr)) {
		problem(c, "assessment.decisions", "must be an array");
		return;
	}
	size_t n = json_array_size(arr);
	a->decisions = xf_calloc(n ? n : 1, sizeof *a->decisions);
	for (size_t i = 0; i < n; i++) {
		char path[80];
		snprintf(path, sizeof path, "assessment.decisions[%zu]", i);
		json_t *o = json_array_get(arr, i);
		if (!json_is_object(o)) {
			problem(c, path, "must be an object");
			continue;
		}
		only_keys(c, path, o, keys);
		xf_assess_decision *d = &a->decisions[a->n_decisions];
		d->id = unique_id(c, path, o, a->decisions, a->n_decisions, sizeof *d);
		d->name = text(c, path, o, "name", true);
		d->name_en = text(c, path, o, "name_en", false);
		a->n_decisions++;
	}
}

static void load_rules(ctx *c, json_t *arr)
{
	static const char *const keys[] = {"id",        "name",     "name_en", "event",
	                                   "condition", "decision", "points",  NULL};
	xf_plan_assessment *a = c->a;
	if (!json_is_array(arr)) {
		problem(c, "assessment.rules", "must be an array");
		return;
	}
	size_t n = json_array_size(arr);
	a->rules = xf_calloc(n ? n : 1, sizeof *a->rules);
	for (size_t i = 0; i < n; i++) {
		char path[80];
		snprintf(path, sizeof path, "assessment.rules[%zu]", i);
		json_t *o = json_array_get(arr, i);
		if (!json_is_object(o)) {
			problem(c, path, "must be an object");
			continue;
		}
		only_keys(c, path, o, keys);
		xf_assess_rule *r = &a->rules[a->n_rules];
		r->id = unique_id(c, path, o, a->rules, a->n_rules, sizeof *r);
		r->name = text(c, path, o, "name", true);
		r->name_en = text(c, path, o, "name_en", false);
		load_selector(c, path, o, &r->sel, a, true);
		json_t *p = json_object_get(o, "points");
		if (!p || !json_is_integer(p) || json_integer_value(p) < -POINTS_MAX ||
		    json_integer_value(p) > POINTS_MAX)
			problem(c, path, "'points' must be an integer from -%d to %d", POINTS_MAX,
			        POINTS_MAX);
		else
			r->points = (int)json_integer_value(p);
		a->n_rules++;
	}
}

static void load_vetoes(ctx *c, json_t *arr)
{
	static const char *const keys[] = {"id",        "text",     "text_en",   "event",
	                                   "condition", "decision", "min_count", NULL};
	xf_plan_assessment *a = c->a;
	if (!json_is_array(arr)) {
		problem(c, "assessment.veto", "must be an array");
		return;
	}
	size_t n = json_array_size(arr);
	a->vetoes = xf_calloc(n ? n : 1, sizeof *a->vetoes);
	for (size_t i = 0; i < n; i++) {
		char path[80];
		snprintf(path, sizeof path, "assessment.veto[%zu]", i);
		json_t *o = json_array_get(arr, i);
		if (!json_is_object(o)) {
			problem(c, path, "must be an object");
			continue;
		}
		only_keys(c, path, o, keys);
		xf_assess_veto *v = &a->vetoes[a->n_vetoes];
		v->id = unique_id(c, path, o, a->vetoes, a->n_vetoes, sizeof *v);
		v->text = text(c, path, o, "text", true);
		v->text_en = text(c, path, o, "text_en", false);
		load_selector(c, path, o, &v->sel, a, true);
		v->min_count = 1;
		json_t *m = json_object_get(o, "min_count");
		if (m) {
			if (!json_is_integer(m) || json_integer_value(m) < 1 ||
			    json_integer_value(m) > 100000)
				problem(c, path, "'min_count' must be an integer from 1 to 100000");
			else
				v->min_count = (int)json_integer_value(m);
		}
		a->n_vetoes++;
	}
}

static void load_three_no_items(ctx *c, json_t *arr)
{
	static const char *const keys[] = {"id",        "text",     "text_en", "event",
	                                   "condition", "decision", NULL};
	xf_plan_assessment *a = c->a;
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		problem(c, "three_no.items", "must be a non-empty array");
		return;
	}
	size_t n = json_array_size(arr);
	a->three_no = xf_calloc(n, sizeof *a->three_no);
	for (size_t i = 0; i < n; i++) {
		char path[80];
		snprintf(path, sizeof path, "three_no.items[%zu]", i);
		json_t *o = json_array_get(arr, i);
		if (!json_is_object(o)) {
			problem(c, path, "must be an object");
			continue;
		}
		only_keys(c, path, o, keys);
		xf_three_no_item *t = &a->three_no[a->n_three_no];
		t->id = unique_id(c, path, o, a->three_no, a->n_three_no, sizeof *t);
		t->text = text(c, path, o, "text", true);
		t->text_en = text(c, path, o, "text_en", false);
		load_selector(c, path, o, &t->sel, a, true);
		a->n_three_no++;
	}
}

void xf_plan_assessment_load(xf_plan *plan, json_t *root, xf_plan_errors *errors)
{
	static const char *const keys[] = {"text",  "text_en", "note",      "is_default", "base",
	                                   "rules", "veto",    "decisions", NULL};
	ctx c = {.errors = errors, .a = xf_calloc(1, sizeof *plan->assessment)};
	plan->assessment = c.a;
	c.a->base = 100;
	json_t *s = json_object_get(root, "assessment");
	if (s && !json_is_object(s))
		problem(&c, "assessment", "must be an object");
	else if (s) {
		only_keys(&c, "assessment", s, keys);
		free(text(&c, "assessment", s, "text", false));
		free(text(&c, "assessment", s, "text_en", false));
		free(text(&c, "assessment", s, "note", false));
		json_t *d = json_object_get(s, "is_default");
		if (d && !json_is_boolean(d))
			problem(&c, "assessment.is_default", "must be a boolean");
		json_t *b = json_object_get(s, "base");
		if (b) {
			if (!json_is_integer(b) || json_integer_value(b) < 0 ||
			    json_integer_value(b) > POINTS_MAX)
				problem(&c, "assessment.base", "must be an integer from 0 to %d",
				        POINTS_MAX);
			else
				c.a->base = (int)json_integer_value(b);
		}
		/* Decisions first: rules and vetoes may name them. */
		if (json_object_get(s, "decisions"))
			load_decisions(&c, json_object_get(s, "decisions"));
		if (json_object_get(s, "rules"))
			load_rules(&c, json_object_get(s, "rules"));
		if (json_object_get(s, "veto"))
			load_vetoes(&c, json_object_get(s, "veto"));
	}
	json_t *t = json_object_get(root, "three_no");
	if (json_is_object(t) && json_object_get(t, "items"))
		load_three_no_items(&c, json_object_get(t, "items"));
}

const xf_assess_decision *xf_assess_decision_by_id(const xf_plan_assessment *a, const char *id)
{
	if (!a || !id)
		return NULL;
	for (size_t i = 0; i < a->n_decisions; i++)
		if (a->decisions[i].id && strcmp(a->decisions[i].id, id) == 0)
			return &a->decisions[i];
	return NULL;
}

void xf_plan_assessment_free(xf_plan_assessment *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n_rules; i++) {
		free(a->rules[i].id);
		free(a->rules[i].name);
		free(a->rules[i].name_en);
		free(a->rules[i].sel.decision);
	}
	for (size_t i = 0; i < a->n_vetoes; i++) {
		free(a->vetoes[i].id);
		free(a->vetoes[i].text);
		free(a->vetoes[i].text_en);
		free(a->vetoes[i].sel.decision);
	}
	for (size_t i = 0; i < a->n_three_no; i++) {
		free(a->three_no[i].id);
		free(a->three_no[i].text);
		free(a->three_no[i].text_en);
		free(a->three_no[i].sel.decision);
	}
	for (size_t i = 0; i < a->n_decisions; i++) {
		free(a->decisions[i].id);
		free(a->decisions[i].name);
		free(a->decisions[i].name_en);
	}
	free(a->rules);
	free(a->vetoes);
	free(a->three_no);
	free(a->decisions);
	free(a);
}
