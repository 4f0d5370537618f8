/* The plan's "prevention" section and the rules of prevention (xf_plan_prevention.h):
 * validation with JSON paths as the rest of the loader words them, the section read
 * over the defaults, the suggested risk level with its basis, and the early-warning
 * rules. No I/O: the store counts, these decide. */
#include "core/xf_plan_prevention.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *const xf_care_group_ids[XF_CARE_GROUP_COUNT + 1] = {"hardship", "retiree",
                                                                "injured_family", NULL};
const char *const xf_risk_level_ids[] = {"low", "medium", "high", NULL};

/* The checklist when the plan gives none: the duties of 五2 and 五4 in short. */
static const char *const default_checklist[] = {"分析员工思想动态",     "查找本单位不稳定因素",
                                                "特殊群体跟踪调查",     "弱势群体生活情况",
                                                "福利、住房等热点问题", NULL};
static const char *const default_care_names[XF_CARE_GROUP_COUNT] = {"困难职工", "离退休职工",
                                                                    "工伤家属"};

void xf_prevention_defaults(xf_prevention *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; default_checklist[i]; i++)
		out->checklist[out->n_checklist++] = default_checklist[i];
	out->due_days = 7;
	out->high_headcount = 30;
	out->medium_headcount = 5;
	out->high_visits = 3;
	out->medium_visits = 1;
	out->high_deadline_days = 7;
	out->medium_deadline_days = 30;
	out->warn_risk_high = true;
	out->repeated_count = 3;
	out->repeated_days = 30;
	out->planned_visit_days = 7;
	for (int g = 0; g < XF_CARE_GROUP_COUNT; g++) {
		out->care_names[g] = default_care_names[g];
		out->care_interval_days[g] = g == 1 ? 90 : 30;
	}
}

/* ---- validation ---- */

static void problem(xf_plan_errors *e, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(xf_plan_errors *e, const char *path, const char *fmt, ...)
{
	if (e->n >= sizeof e->items / sizeof e->items[0]) {
		e->dropped++;
		return;
	}
	char what[200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(e->items[e->n++], sizeof e->items[0], "%s: %s", path, what);
}

static const char *kind_of(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* Reports each key of obj not in allowed. */
static void only_keys(xf_plan_errors *e, const char *path, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		bool known = false;
		for (size_t i = 0; allowed[i] && !known; i++)
			known = strcmp(allowed[i], key) == 0;
		if (!known) {
			char p[160];
			snprintf(p, sizeof p, "%s.%s", path, key);
			problem(e, p, "unknown key");
		}
	}
}

/* An optional member of the kind named by test; reports a wrong kind. */
static json_t *typed(xf_plan_errors *e, const char *path, json_t *obj, const char *key,
                     int (*test)(const json_t *), const char *want)
{
	json_t *v = json_object_get(obj, key);
	if (!v)
		return NULL;
	if (!test(v)) {
		char p[160];
		snprintf(p, sizeof p, "%s.%s", path, key);
		problem(e, p, "must be %s, not %s", want, kind_of(v));
		return NULL;
	}
	return v;
}

static int is_object(const json_t *v)
{
	return json_is_object(v);
}
static int is_array(const json_t *v)
{
	return json_is_array(v);
}
static int is_string(const json_t *v)
{
	return json_is_string(v);
}
static int is_integer(const json_t *v)
{
	return json_is_integer(v);
}
static int is_bool(const json_t *v)
{
	return json_is_boolean(v);
}

static bool has_content(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r' &&
		    strncmp(s, "\xE3\x80\x80", 3) != 0)
			return true;
		else if (strncmp(s, "\xE3\x80\x80", 3) == 0)
			s += 2;
	return false;
}

static void check_string(xf_plan_errors *e, const char *path, json_t *obj, const char *key,
                         bool required)
{
	char p[160];
	snprintf(p, sizeof p, "%s.%s", path, key);
	json_t *v = typed(e, path, obj, key, is_string, "a string");
	if (!v && required && !json_object_get(obj, key))
		problem(e, p, "is required");
	else if (v && !has_content(json_string_value(v)))
		problem(e, p, "must not be empty");
}

static void check_int(xf_plan_errors *e, const char *path, json_t *obj, const char *key,
                      bool required, long min, long max)
{
	char p[160];
	snprintf(p, sizeof p, "%s.%s", path, key);
	json_t *v = typed(e, path, obj, key, is_integer, "an integer");
	if (!v && required && !json_object_get(obj, key))
		problem(e, p, "is required");
	else if (v && (json_integer_value(v) < min || json_integer_value(v) > max))
		problem(e, p, "must be from %ld to %ld, not %lld", min, max,
		        (long long)json_integer_value(v));
}

static void check_screening(xf_plan_errors *e, json_t *s)
{
	static const char *const keys[] = {"checklist", "due_days", "note", NULL};
	static const char *const item_keys[] = {"id", "text", "text_en", NULL};
	const char *path = "prevention.screening";
	only_keys(e, path, s, keys);
	check_int(e, path, s, "due_days", false, 1, 90);
	check_string(e, path, s, "note", false);
	json_t *list = typed(e, path, s, "checklist", is_array, "an array");
	if (list && json_array_size(list) > XF_PREVENTION_MAX_CHECKLIST)
		problem(e, "prevention.screening.checklist", "must have at most %d items",
		        XF_PREVENTION_MAX_CHECKLIST);
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item)
	{
		char p[96];
		snprintf(p, sizeof p, "%s.checklist[%zu]", path, i);
		if (!json_is_object(item)) {
			problem(e, p, "must be an object, not %s", kind_of(item));
			continue;
		}
		only_keys(e, p, item, item_keys);
		check_string(e, p, item, "id", true);
		check_string(e, p, item, "text", true);
		check_string(e, p, item, "text_en", false);
	}
}

static void check_risk_rules(xf_plan_errors *e, json_t *r)
{
	static const char *const keys[] = {
	    "high_headcount",     "medium_headcount",     "high_visits", "medium_visits",
	    "high_deadline_days", "medium_deadline_days", "note",        NULL};
	const char *path = "prevention.risk_rules";
	only_keys(e, path, r, keys);
	for (int i = 0; i < 6; i++)
		check_int(e, path, r, keys[i], false, 0, 100000);
	check_string(e, path, r, "note", false);
}

static void check_warning_rules(xf_plan_errors *e, json_t *w)
{
	static const char *const keys[] = {"risk_high", "repeated_matters", "planned_visit", NULL};
	static const char *const repeated_keys[] = {"count", "days", NULL};
	static const char *const visit_keys[] = {"days_before", NULL};
	const char *path = "prevention.warning_rules";
	only_keys(e, path, w, keys);
	typed(e, path, w, "risk_high", is_bool, "a boolean");
	json_t *r = typed(e, path, w, "repeated_matters", is_object, "an object");
	if (r) {
		only_keys(e, "prevention.warning_rules.repeated_matters", r, repeated_keys);
		check_int(e, "prevention.warning_rules.repeated_matters", r, "count", true, 0, 100);
		check_int(e, "prevention.warning_rules.repeated_matters", r, "days", true, 1, 366);
	}
	json_t *v = typed(e, path, w, "planned_visit", is_object, "an object");
	if (v) {
		only_keys(e, "prevention.warning_rules.planned_visit", v, visit_keys);
		check_int(e, "prevention.warning_rules.planned_visit", v, "days_before", true, 0,
		          366);
	}
}

static void check_care(xf_plan_errors *e, json_t *c)
{
	static const char *const keys[] = {"groups", NULL};
	static const char *const group_keys[] = {"id", "name", "name_en", "interval_days", NULL};
	only_keys(e, "prevention.care", c, keys);
	json_t *list = typed(e, "prevention.care", c, "groups", is_array, "an array");
	size_t i;
	json_t *g;
	json_array_foreach(list, i, g)
	{
		char p[64];
		snprintf(p, sizeof p, "prevention.care.groups[%zu]", i);
		if (!json_is_object(g)) {
			problem(e, p, "must be an object, not %s", kind_of(g));
			continue;
		}
		only_keys(e, p, g, group_keys);
		check_string(e, p, g, "id", true);
		check_string(e, p, g, "name", true);
		check_string(e, p, g, "name_en", false);
		check_int(e, p, g, "interval_days", true, 1, 366);
		const char *id = json_string_value(json_object_get(g, "id"));
		bool known = false;
		for (int k = 0; id && k < XF_CARE_GROUP_COUNT; k++)
			known = known || strcmp(id, xf_care_group_ids[k]) == 0;
		if (id && !known) {
			char ip[80];
			snprintf(ip, sizeof ip, "%s.id", p);
			problem(e, ip, "unknown group '%.40s' (hardship, retiree, injured_family)",
			        id);
		}
	}
}

void xf_plan_prevention_check(json_t *root, xf_plan_errors *errors)
{
	static const char *const keys[] = {"text",          "text_en",   "note",
	                                   "is_default",    "screening", "risk_rules",
	                                   "warning_rules", "care",      NULL};
	json_t *p = typed(errors, "(top level)", root, "prevention", is_object, "an object");
	if (!p)
		return;
	only_keys(errors, "prevention", p, keys);
	check_string(errors, "prevention", p, "text", false);
	check_string(errors, "prevention", p, "text_en", false);
	check_string(errors, "prevention", p, "note", false);
	typed(errors, "prevention", p, "is_default", is_bool, "a boolean");
	json_t *s = typed(errors, "prevention", p, "screening", is_object, "an object");
	if (s)
		check_screening(errors, s);
	json_t *r = typed(errors, "prevention", p, "risk_rules", is_object, "an object");
	if (r)
		check_risk_rules(errors, r);
	json_t *w = typed(errors, "prevention", p, "warning_rules", is_object, "an object");
	if (w)
		check_warning_rules(errors, w);
	json_t *c = typed(errors, "prevention", p, "care", is_object, "an object");
	if (c)
		check_care(errors, c);
}

/* ---- reading ---- */

static void read_int(json_t *obj, const char *key, int *out)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_integer(v))
		*out = (int)json_integer_value(v);
}

void xf_prevention_of(const xf_plan *plan, xf_prevention *out)
{
	xf_prevention_defaults(out);
	json_t *p = plan ? json_object_get(plan->doc, "prevention") : NULL;
	if (!p)
		return;
	json_t *s = json_object_get(p, "screening");
	read_int(s, "due_days", &out->due_days);
	json_t *list = json_object_get(s, "checklist");
	if (json_is_array(list)) {
		out->n_checklist = 0;
		size_t i;
		json_t *item;
		json_array_foreach(list, i, item)
		{
			if (out->n_checklist < XF_PREVENTION_MAX_CHECKLIST)
				out->checklist[out->n_checklist++] =
				    json_string_value(json_object_get(item, "text"));
		}
	}
	json_t *r = json_object_get(p, "risk_rules");
	read_int(r, "high_headcount", &out->high_headcount);
	read_int(r, "medium_headcount", &out->medium_headcount);
	read_int(r, "high_visits", &out->high_visits);
	read_int(r, "medium_visits", &out->medium_visits);
	read_int(r, "high_deadline_days", &out->high_deadline_days);
	read_int(r, "medium_deadline_days", &out->medium_deadline_days);
	json_t *w = json_object_get(p, "warning_rules");
	if (json_is_boolean(json_object_get(w, "risk_high")))
		out->warn_risk_high = json_is_true(json_object_get(w, "risk_high"));
	read_int(json_object_get(w, "repeated_matters"), "count", &out->repeated_count);
	read_int(json_object_get(w, "repeated_matters"), "days", &out->repeated_days);
	read_int(json_object_get(w, "planned_visit"), "days_before", &out->planned_visit_days);
	size_t i;
	json_t *g;
	json_array_foreach(json_object_get(json_object_get(p, "care"), "groups"), i, g)
	{
		const char *id = json_string_value(json_object_get(g, "id"));
		for (int k = 0; id && k < XF_CARE_GROUP_COUNT; k++)
			if (strcmp(id, xf_care_group_ids[k]) == 0) {
				out->care_names[k] = json_string_value(json_object_get(g, "name"));
				read_int(g, "interval_days", &out->care_interval_days[k]);
			}
	}
}

/* ---- the rules ---- */

int xf_risk_level_rank(const char *level)
{
	for (int i = 0; level && xf_risk_level_ids[i]; i++)
		if (strcmp(level, xf_risk_level_ids[i]) == 0)
			return i;
	return -1;
}

/* Appends why to basis (separated by "；"). */
static void add_basis(char *basis, size_t size, const char *fmt, int a, int b)
{
	size_t used = strlen(basis);
	if (used + 1 >= size)
		return;
	if (used)
		used += (size_t)snprintf(basis + used, size - used, "；");
	if (used < size)
		snprintf(basis + used, size - used, fmt, a, b);
}

/* Whether the facts reach the thresholds of one level; adds the reasons to basis. */
static bool level_fires(const xf_risk_facts *f, int headcount, int visits, int deadline_days,
                        char *basis, size_t size)
{
	bool fires = false;
	if (headcount > 0 && f->headcount >= headcount) {
		add_basis(basis, size, "涉及人数 %d ≥ %d", f->headcount, headcount);
		fires = true;
	}
	if (visits > 0 && f->visits >= visits) {
		add_basis(basis, size, "相关人员近一年信访 %d 次 ≥ %d", f->visits, visits);
		fires = true;
	}
	if (deadline_days > 0 && f->deadline_days >= 0 && f->deadline_days <= deadline_days) {
		add_basis(basis, size, "距期限 %d 天 ≤ %d 天", f->deadline_days, deadline_days);
		fires = true;
	}
	return fires;
}

const char *xf_risk_suggest(const xf_prevention *p, const xf_risk_facts *f, char *basis,
                            size_t size)
{
	basis[0] = '\0';
	if (level_fires(f, p->high_headcount, p->high_visits, p->high_deadline_days, basis, size))
		return "high";
	if (level_fires(f, p->medium_headcount, p->medium_visits, p->medium_deadline_days, basis,
	                size))
		return "medium";
	return "low";
}

bool xf_warning_risk_high(const xf_prevention *p, const char *old_level, const char *new_level)
{
	return p->warn_risk_high && xf_risk_level_rank(new_level) == 2 &&
	       xf_risk_level_rank(old_level) != 2;
}

bool xf_warning_repeated(const xf_prevention *p, int count)
{
	return p->repeated_count > 0 && count >= p->repeated_count;
}

bool xf_warning_planned_visit(const xf_prevention *p, long today, long expected_day)
{
	return p->planned_visit_days > 0 && expected_day >= today &&
	       expected_day - today <= p->planned_visit_days;
}

bool xf_date_days(const char *date, long *days)
{
	int y, m, d;
	char tail;
	if (!date || strlen(date) != 10 || sscanf(date, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 ||
	    date[4] != '-' || date[7] != '-' || y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (d > month_days[m - 1] + (m == 2 && leap))
		return false;
	/* days from civil (Howard Hinnant's algorithm) */
	y -= m <= 2;
	long era = y / 400;
	long yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	*days = era * 146097 + doe - 719468;
	return true;
}
