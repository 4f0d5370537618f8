/* The plan loader: turns the bytes of a plan file (docs/plan-format.md) into an xf_plan,
 * or into a list of problems, each "JSON.PATH: problem", that a person editing the file
 * can act on without a second run. Validation and building happen in one walk: every
 * part is checked and, when good, copied into the structs; the walk never stops at the
 * first problem. When anything was wrong the half-built plan is freed and NULL returned.
 *
 * The code knows the shape of a plan only. Cross-references (a step's workstream, an
 * owner's leadership position, the uniqueness of step ids across procedures and closing)
 * are checked against what the same file declares. The decision rules that use a loaded
 * plan live in xf_plan_rules.c. */
#include "core/xf_plan.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/xf_assessment.h"
#include "core/xf_perm.h"
#include "core/xf_plan_notify.h"
#include "core/xf_plan_prevention.h"
#include "util/xf_buf.h"
#include "util/xf_util.h"

#define PLAN_FORMAT        "xinfang-plan/1"
#define PLAN_MAX_BYTES     (4u << 20) /* a plan is a few tens of KiB; refuse absurd files */
#define ID_MAX_LEN         32
#define TITLE_MAX_CHARS    40
#define TITLE_EN_MAX_CHARS 120    /* English takes about three times the characters */
#define MINUTES_MAX        525600 /* one year */
#define HEADCOUNT_MAX      1000000
#define CAPACITY_MAX       100000
#define CLIP_BYTES         40 /* longest piece of a user's value quoted in a message */

const char *const xf_destination_ids[XF_DEST_COUNT + 1] = {"mine",     "group",    "city",
                                                           "province", "national", NULL};

const char *const xf_owner_kind_ids[] = {"role", "unit", "position", "heads_of"};
const char *const xf_heads_of_ids[] = {"unit_of_incident", "unit_of_petitioners", NULL};

int xf_destination_parse(const char *id)
{
	if (!id)
		return -1;
	for (int d = 0; d < XF_DEST_COUNT; d++)
		if (strcmp(xf_destination_ids[d], id) == 0)
			return d;
	return -1;
}

/* ---- paths and problems ---- */

/* A JSON path such as "procedures[1].steps[3].owner"; "" is the document itself. */
typedef struct jpath {
	char s[160];
} jpath;

/* Error texts reach JSON responses and terminals: they must be valid UTF-8 without
 * control characters. Our own values are (jansson checked them), but a message cut at
 * its buffer's end may split a character, and jansson's own error text quotes raw input
 * bytes. Anything that is not a whole, printable UTF-8 character becomes '?'. */
static void make_printable(char *s)
{
	unsigned char *p = (unsigned char *)s;
	while (*p) {
		size_t need = 0;
		unsigned char lo = 0x80, hi = 0xBF;
		if (*p >= 0x20 && *p < 0x7F) {
			p++;
			continue;
		}
		if (*p >= 0xC2 && *p <= 0xDF)
			need = 1;
		else if (*p >= 0xE0 && *p <= 0xEF) {
			need = 2;
			if (*p == 0xE0)
				lo = 0xA0;
			if (*p == 0xED)
				hi = 0x9F;
		} else if (*p >= 0xF0 && *p <= 0xF4) {
			need = 3;
			if (*p == 0xF0)
				lo = 0x90;
			if (*p == 0xF4)
				hi = 0x8F;
		}
		size_t k = 0;
		if (need) {
			if (p[1] >= lo && p[1] <= hi)
				for (k = 1; k < need && p[k + 1] >= 0x80 && p[k + 1] <= 0xBF; k++)
					;
			else
				k = 0;
		}
		if (need && k == need) {
			p += need + 1;
		} else {
			*p = '?';
			p++;
		}
	}
}

/* Copies s into out, cut to at most `CLIP_BYTES` bytes on a character boundary, with
 * "..." when cut: a user's value quoted in a message stays short. */
static const char *clip(const char *s, char out[CLIP_BYTES + 4])
{
	size_t n = strlen(s);
	if (n <= CLIP_BYTES)
		return s;
	n = CLIP_BYTES;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(out, s, n);
	memcpy(out + n, "...", 4);
	return out;
}

static void path_set(jpath *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void path_set(jpath *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out->s, sizeof out->s, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof out->s)
		make_printable(out->s);
}

static jpath path_key(const jpath *parent, const char *key)
{
	jpath p;
	char buf[CLIP_BYTES + 4];
	const char *k = clip(key, buf);
	if (parent->s[0])
		path_set(&p, "%s.%s", parent->s, k);
	else
		path_set(&p, "%s", k);
	return p;
}

static jpath path_index(const jpath *parent, size_t i)
{
	jpath p;
	path_set(&p, "%s[%zu]", parent->s, i);
	return p;
}

/* A set of ids seen so far with where each was declared, for duplicate reports. */
typedef struct idset {
	struct seen_id {
		const char *id; /* borrowed from the document */
		jpath where;
	} * items;
	size_t n, cap;
} idset;

typedef struct loader {
	xf_plan_errors *errors;
	xf_plan *plan;
	json_t *positions; /* organisation.command.positions when valid, else NULL */
	idset step_ids;    /* across all procedures and closing */
} loader;

static void problem(loader *L, const jpath *p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(loader *L, const jpath *p, const char *fmt, ...)
{
	xf_plan_errors *e = L->errors;
	if (e->n >= XF_ARRAY_LEN(e->items)) {
		e->dropped++;
		return;
	}
	char msg[sizeof e->items[0]];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	char *item = e->items[e->n++];
	if (snprintf(item, sizeof e->items[0], "%s: %s", p->s[0] ? p->s : "(top level)", msg) < 0)
		item[0] = '\0';
	make_printable(item);
}

static const struct seen_id *idset_find(const idset *set, const char *id)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->items[i].id, id) == 0)
			return &set->items[i];
	return NULL;
}

/* Adds id, or reports it as a duplicate of the earlier one. */
static void idset_add(loader *L, idset *set, const jpath *where, const char *what, const char *id)
{
	const struct seen_id *first = idset_find(set, id);
	if (first) {
		char buf[CLIP_BYTES + 4];
		problem(L, where, "duplicate %s id '%s' (first at %s)", what, clip(id, buf),
		        first->where.s);
		return;
	}
	XF_GROW(set->items, set->n + 1, set->cap);
	set->items[set->n].id = id;
	set->items[set->n].where = *where;
	set->n++;
}

static void idset_release(idset *set)
{
	free(set->items);
	memset(set, 0, sizeof *set);
}

/* ---- typed members ---- */

typedef enum kind { K_OBJECT, K_ARRAY, K_STRING, K_INT, K_BOOL } kind;

static const char *kind_name(kind k)
{
	static const char *const names[] = {"an object", "an array", "a string", "an integer",
	                                    "a boolean"};
	return names[k];
}

static const char *json_kind_name(const json_t *v)
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
		return "a number with a fraction";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "?";
}

static bool is_kind(const json_t *v, kind k)
{
	switch (k) {
	case K_OBJECT:
		return json_is_object(v);
	case K_ARRAY:
		return json_is_array(v);
	case K_STRING:
		return json_is_string(v);
	case K_INT:
		return json_is_integer(v);
	case K_BOOL:
		return json_is_boolean(v);
	}
	return false;
}

/* Checks that v (found at p) is of kind k; reports it when not. */
static bool expect(loader *L, const jpath *p, const json_t *v, kind k)
{
	if (is_kind(v, k))
		return true;
	problem(L, p, "must be %s, not %s", kind_name(k), json_kind_name(v));
	return false;
}

/* obj[key] when present and of kind k; NULL (reported when wrong or required) otherwise. */
static json_t *member(loader *L, const jpath *p, json_t *obj, const char *key, kind k,
                      bool required)
{
	json_t *v = json_object_get(obj, key);
	jpath kp = path_key(p, key);
	if (!v) {
		if (required)
			problem(L, &kp, "is required");
		return NULL;
	}
	return expect(L, &kp, v, k) ? v : NULL;
}

/* Reports every key of obj not in allowed (NULL-terminated): catches typos. */
static void only_keys(loader *L, const jpath *p, json_t *obj, const char *const *allowed)
{
	const char *key;
	json_t *value;
	json_object_foreach(obj, key, value)
	{
		if (!xf_str_in(key, allowed)) {
			jpath kp = path_key(p, key);
			problem(L, &kp, "unknown key");
		}
	}
}

/* True when s has something besides ASCII and ideographic (U+3000) spaces. */
static bool has_content(const char *s)
{
	while (*s) {
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
			s++;
		else if (strncmp(s, "\xE3\x80\x80", 3) == 0)
			s += 3;
		else
			return true;
	}
	return false;
}

static size_t utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Checks a string value found at p: a string with content. Returns it or NULL. */
static const char *string_value(loader *L, const jpath *p, json_t *v)
{
	if (!expect(L, p, v, K_STRING))
		return NULL;
	const char *s = json_string_value(v);
	if (!has_content(s)) {
		problem(L, p, "must not be empty");
		return NULL;
	}
	return s;
}

/* obj[key] as a non-empty string, borrowed from the document; NULL when absent or bad. */
static const char *string_member(loader *L, const jpath *p, json_t *obj, const char *key,
                                 bool required)
{
	json_t *v = member(L, p, obj, key, K_STRING, required);
	if (!v)
		return NULL;
	jpath kp = path_key(p, key);
	return string_value(L, &kp, v);
}

/* The same, copied for the plan to own. */
static char *string_copy(loader *L, const jpath *p, json_t *obj, const char *key, bool required)
{
	const char *s = string_member(L, p, obj, key, required);
	return s ? xf_strdup(s) : NULL;
}

static bool id_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* obj[key] as an identifier: 1 to ID_MAX_LEN of A-Z a-z 0-9 . _ - (they appear in URLs,
 * task rows and API answers). Borrowed; NULL when absent or bad. */
static const char *id_member(loader *L, const jpath *p, json_t *obj, const char *key)
{
	const char *s = string_member(L, p, obj, key, true);
	if (!s)
		return NULL;
	size_t n = strlen(s);
	bool ok = n <= ID_MAX_LEN;
	for (size_t i = 0; ok && i < n; i++)
		ok = id_char(s[i]);
	if (!ok) {
		jpath kp = path_key(p, key);
		char buf[CLIP_BYTES + 4];
		problem(L, &kp, "'%s' is not a valid id (1 to %d of A-Z a-z 0-9 . _ -)",
		        clip(s, buf), ID_MAX_LEN);
		return NULL;
	}
	return s;
}

/* obj[key] as an integer in [min, max] into *out (left alone when absent or bad).
 * Returns true when present and good. */
static bool int_member(loader *L, const jpath *p, json_t *obj, const char *key, bool required,
                       long long min, long long max, int *out)
{
	json_t *v = member(L, p, obj, key, K_INT, required);
	if (!v)
		return false;
	long long n = json_integer_value(v);
	jpath kp = path_key(p, key);
	if (n < min) {
		problem(L, &kp, "must be at least %lld, not %lld", min, n);
		return false;
	}
	if (n > max) {
		problem(L, &kp, "must be at most %lld, not %lld", max, n);
		return false;
	}
	*out = (int)n;
	return true;
}

/* obj[key] as a boolean; absent is false. */
static bool bool_member(loader *L, const jpath *p, json_t *obj, const char *key, bool required)
{
	json_t *v = member(L, p, obj, key, K_BOOL, required);
	return v && json_is_true(v);
}

/* An array member that must have at least one element when `nonempty`. */
static json_t *array_member(loader *L, const jpath *p, json_t *obj, const char *key, bool required,
                            bool nonempty, const char *why)
{
	json_t *v = member(L, p, obj, key, K_ARRAY, required);
	if (v && nonempty && json_array_size(v) == 0) {
		jpath kp = path_key(p, key);
		problem(L, &kp, "must not be empty%s", why ? why : "");
		return NULL;
	}
	return v;
}

/* An array of distinct non-empty strings, copied. Entries that are bad stay NULL. */
static char **string_list(loader *L, const jpath *p, json_t *arr, size_t *n_out)
{
	size_t n = json_array_size(arr);
	char **list = xf_calloc(n, sizeof *list);
	*n_out = n;
	for (size_t i = 0; i < n; i++) {
		jpath ip = path_index(p, i);
		const char *s = string_value(L, &ip, json_array_get(arr, i));
		if (!s)
			continue;
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = list[j] && strcmp(list[j], s) == 0;
		if (dup) {
			char buf[CLIP_BYTES + 4];
			problem(L, &ip, "duplicate '%s'", clip(s, buf));
			continue;
		}
		list[i] = xf_strdup(s);
	}
	return list;
}

static void free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* ---- the parts of a plan ---- */

/* The document itself, parent of the top-level sections. */
static const jpath root_path;

/* Checks arr as a list of distinct non-empty strings, keeping nothing. */
static void check_string_list(loader *L, const jpath *p, json_t *arr)
{
	size_t n;
	char **list = string_list(L, p, arr, &n);
	free_list(list, n);
}

/* obj[key] as an object whose keys are among `keys`, its path in *out. NULL (reported
 * when wrong or required) when absent or not an object. */
static json_t *object_member(loader *L, const jpath *p, json_t *obj, const char *key, bool required,
                             const char *const *keys, jpath *out)
{
	*out = path_key(p, key);
	json_t *o = member(L, p, obj, key, K_OBJECT, required);
	if (o)
		only_keys(L, out, o, keys);
	return o;
}

/* A top-level section of the plan: object_member of the document. */
static json_t *section(loader *L, json_t *root, const char *key, bool required,
                       const char *const *keys, jpath *out)
{
	return object_member(L, &root_path, root, key, required, keys, out);
}

/* array_member with its path in *out and its length in *n (0 when absent or bad). */
static json_t *array_at(loader *L, const jpath *p, json_t *obj, const char *key, bool required,
                        bool nonempty, const char *why, jpath *out, size_t *n)
{
	*out = path_key(p, key);
	json_t *arr = array_member(L, p, obj, key, required, nonempty, why);
	*n = arr ? json_array_size(arr) : 0;
	return arr;
}

/* obj["id"] as an id not yet in `ids`, where it is then added as a `what` id. Borrowed;
 * NULL when absent or bad. */
static const char *unique_id(loader *L, const jpath *p, json_t *obj, idset *ids, const char *what)
{
	const char *id = id_member(L, p, obj, "id");
	if (id) {
		jpath idp = path_key(p, "id");
		idset_add(L, ids, &idp, what, id);
	}
	return id;
}

static char *dup_or_null(const char *s)
{
	return s ? xf_strdup(s) : NULL;
}

/* Entry i of arr (at p) as a declaration: an object with keys among `keys` and a unique
 * id. Its path goes to *ip and its id (or NULL) to *id. Returns the object, or NULL
 * (reported) when the entry is not one. */
static json_t *declaration(loader *L, const jpath *p, json_t *arr, size_t i,
                           const char *const *keys, idset *ids, const char *what, jpath *ip,
                           const char **id)
{
	*ip = path_index(p, i);
	*id = NULL;
	json_t *o = json_array_get(arr, i);
	if (!expect(L, ip, o, K_OBJECT))
		return NULL;
	only_keys(L, ip, o, keys);
	*id = unique_id(L, ip, o, ids, what);
	return o;
}

/* [{id, text}], kept only in the document (principles, requirements). */
static void check_numbered_texts(loader *L, json_t *root, const char *key)
{
	static const char *const keys[] = {"id", "text", "text_en", NULL};
	jpath p, ip;
	size_t n;
	json_t *arr = array_at(L, &root_path, root, key, false, false, NULL, &p, &n);
	idset ids = {0};
	for (size_t i = 0; i < n; i++) {
		const char *id;
		json_t *o = declaration(L, &p, arr, i, keys, &ids, key, &ip, &id);
		if (!o)
			continue;
		string_member(L, &ip, o, "text", true);
		string_member(L, &ip, o, "text_en", false);
	}
	idset_release(&ids);
}

/* A body of the organisation: obj[key] with a name, one more text and a non-empty list of
 * strings. Returns the list when every entry of it is good, else NULL. */
static json_t *check_body(loader *L, const jpath *p, json_t *org, const char *key,
                          const char *const *keys, const char *text, const char *list)
{
	jpath bp, lp;
	json_t *body = object_member(L, p, org, key, true, keys, &bp);
	if (!body)
		return NULL;
	string_member(L, &bp, body, "name", true);
	string_member(L, &bp, body, text, true);
	size_t n;
	json_t *arr = array_at(L, &bp, body, list, true, true, NULL, &lp, &n);
	if (!arr)
		return NULL;
	size_t before = L->errors->n + L->errors->dropped;
	check_string_list(L, &lp, arr);
	return L->errors->n + L->errors->dropped == before ? arr : NULL;
}

static void check_organisation(loader *L, json_t *root)
{
	static const char *const keys[] = {"command", "office", NULL};
	static const char *const command_keys[] = {"name", "duty", "positions", NULL};
	static const char *const office_keys[] = {"name", "powers", "duties", NULL};
	jpath p;
	json_t *org = section(L, root, "organisation", false, keys, &p);
	if (!org)
		return;
	L->positions = check_body(L, &p, org, "command", command_keys, "duty", "positions");
	check_body(L, &p, org, "office", office_keys, "powers", "duties");
}

static void load_destinations(loader *L, json_t *root)
{
	jpath p;
	json_t *d = section(L, root, "destinations", true, xf_destination_ids, &p);
	if (!d)
		return;
	for (int i = 0; i < XF_DEST_COUNT; i++)
		L->plan->destination_names[i] = string_copy(L, &p, d, xf_destination_ids[i], true);
}

static void load_condition(loader *L, const jpath *p, json_t *o, xf_plan_condition *c)
{
	static const char *const keys[] = {"min_headcount", "destinations", NULL};
	if (!expect(L, p, o, K_OBJECT))
		return;
	only_keys(L, p, o, keys);
	if (!json_object_get(o, "min_headcount") && !json_object_get(o, "destinations")) {
		problem(L, p, "must have 'min_headcount' or 'destinations'");
		return;
	}
	int_member(L, p, o, "min_headcount", false, 1, HEADCOUNT_MAX, &c->min_headcount);
	jpath dp;
	size_t n;
	json_t *dests = array_at(L, p, o, "destinations", false, true, NULL, &dp, &n);
	for (size_t i = 0; i < n; i++) {
		jpath ip = path_index(&dp, i);
		const char *s = string_value(L, &ip, json_array_get(dests, i));
		if (!s)
			continue;
		int d = xf_destination_parse(s);
		char buf[CLIP_BYTES + 4];
		if (d < 0)
			problem(L, &ip,
			        "unknown destination '%s' (one of mine, group, city, province, "
			        "national)",
			        clip(s, buf));
		else if (c->destinations & (1u << d))
			problem(L, &ip, "duplicate '%s'", s);
		else
			c->destinations |= 1u << d;
	}
}

/* The conditions of a rule or grade; `arr` may be NULL (none). */
static void load_conditions(loader *L, const jpath *p, json_t *arr, xf_plan_rule *rule)
{
	size_t n = arr ? json_array_size(arr) : 0;
	rule->conditions = n ? xf_calloc(n, sizeof *rule->conditions) : NULL;
	rule->n_conditions = n;
	for (size_t i = 0; i < n; i++) {
		jpath ip = path_index(p, i);
		load_condition(L, &ip, json_array_get(arr, i), &rule->conditions[i]);
	}
}

static void load_scope(loader *L, json_t *root)
{
	static const char *const keys[] = {"rules", NULL};
	static const char *const rule_keys[] = {"id", "text", "text_en", "conditions", NULL};
	jpath p, rp, ip, cp;
	json_t *scope = section(L, root, "scope", true, keys, &p);
	if (!scope)
		return;
	xf_plan *plan = L->plan;
	json_t *rules = array_at(L, &p, scope, "rules", true, true,
	                         " (without rules no incident is in scope)", &rp, &plan->n_scope);
	if (!plan->n_scope)
		return;
	plan->scope = xf_calloc(plan->n_scope, sizeof *plan->scope);
	idset ids = {0};
	for (size_t i = 0; i < plan->n_scope; i++) {
		xf_plan_rule *rule = &plan->scope[i];
		const char *id;
		json_t *o = declaration(L, &rp, rules, i, rule_keys, &ids, "rule", &ip, &id);
		if (!o)
			continue;
		rule->id = dup_or_null(id);
		rule->text = string_copy(L, &ip, o, "text", true);
		string_member(L, &ip, o, "text_en", false);
		size_t n;
		json_t *conds = array_at(L, &ip, o, "conditions", true, true,
		                         " (a rule without conditions never fires)", &cp, &n);
		load_conditions(L, &cp, conds, rule);
	}
	idset_release(&ids);
}

/* A grade's conditions. Only the last grade may (and must) be unconditional: the grades
 * are tried in order, so an unconditional grade earlier would hide the ones after it, and
 * without one at the end an in-scope incident could have no grade. */
static void load_grade_conditions(loader *L, const jpath *p, json_t *o, bool last, xf_plan_grade *g)
{
	jpath cp = path_key(p, "conditions");
	json_t *conds = member(L, p, o, "conditions", K_ARRAY, false);
	if (!conds && json_object_get(o, "conditions"))
		return; /* wrongly typed: reported */
	if (last && conds && json_array_size(conds) > 0)
		problem(L, &cp, "the last grade must have no conditions (it always fires)");
	else if (!last && (!conds || json_array_size(conds) == 0))
		problem(L, &cp, "must not be empty (only the last grade always fires)");
	else
		load_conditions(L, &cp, conds, &g->rule);
}

static void load_grades(loader *L, json_t *root)
{
	static const char *const keys[] = {"id",
	                                   "name",
	                                   "is_default",
	                                   "conditions",
	                                   "report_oral_minutes",
	                                   "report_written_minutes",
	                                   "progress_interval_minutes",
	                                   "due_percent",
	                                   "name_en",
	                                   NULL};
	xf_plan *plan = L->plan;
	jpath p, ip;
	json_t *grades =
	    array_at(L, &root_path, root, "grades", true, true, NULL, &p, &plan->n_grades);
	if (!plan->n_grades)
		return;
	plan->grades = xf_calloc(plan->n_grades, sizeof *plan->grades);
	idset ids = {0};
	for (size_t i = 0; i < plan->n_grades; i++) {
		xf_plan_grade *g = &plan->grades[i];
		const char *id;
		json_t *o = declaration(L, &p, grades, i, keys, &ids, "grade", &ip, &id);
		if (!o)
			continue;
		g->id = dup_or_null(id);
		g->rule.id = dup_or_null(id);
		g->name = string_copy(L, &ip, o, "name", true);
		string_member(L, &ip, o, "name_en", false);
		g->rule.text = dup_or_null(g->name);
		g->is_default = bool_member(L, &ip, o, "is_default", false);
		int_member(L, &ip, o, "report_oral_minutes", true, 0, MINUTES_MAX,
		           &g->report_oral_minutes);
		int_member(L, &ip, o, "report_written_minutes", true, 0, MINUTES_MAX,
		           &g->report_written_minutes);
		int_member(L, &ip, o, "progress_interval_minutes", true, 5, MINUTES_MAX,
		           &g->progress_interval_minutes);
		int_member(L, &ip, o, "due_percent", true, 10, 400, &g->due_percent);
		load_grade_conditions(L, &ip, o, i + 1 == plan->n_grades, g);
	}
	idset_release(&ids);
}

/* [{id, name, text}] (workstreams) or [{id, name, capacity, is_default}] (venues). */
static xf_plan_named *load_named(loader *L, json_t *root, const char *key, bool venues,
                                 size_t *n_out)
{
	static const char *const workstream_keys[] = {"id",      "name",    "text",
	                                              "name_en", "text_en", NULL};
	static const char *const venue_keys[] = {"id",         "name",    "capacity",
	                                         "is_default", "name_en", NULL};
	jpath p, ip;
	json_t *arr = array_at(L, &root_path, root, key, false, false, NULL, &p, n_out);
	if (!*n_out)
		return NULL;
	xf_plan_named *list = xf_calloc(*n_out, sizeof *list);
	idset ids = {0};
	for (size_t i = 0; i < *n_out; i++) {
		xf_plan_named *item = &list[i];
		const char *id;
		json_t *o = declaration(L, &p, arr, i, venues ? venue_keys : workstream_keys, &ids,
		                        venues ? "venue" : "workstream", &ip, &id);
		if (!o)
			continue;
		item->id = dup_or_null(id);
		item->name = string_copy(L, &ip, o, "name", true);
		string_member(L, &ip, o, "name_en", false);
		if (venues) {
			int_member(L, &ip, o, "capacity", true, 1, CAPACITY_MAX, &item->capacity);
			bool_member(L, &ip, o, "is_default", false);
		} else {
			string_member(L, &ip, o, "text_en", false);
			item->text = string_copy(L, &ip, o, "text", true);
		}
	}
	idset_release(&ids);
	return list;
}

static bool is_position(const loader *L, const char *s)
{
	for (size_t i = 0; L->positions && i < json_array_size(L->positions); i++)
		if (strcmp(json_string_value(json_array_get(L->positions, i)), s) == 0)
			return true;
	return false;
}

/* {role} | {unit} | {position} | {heads_of}: exactly one, and an optional label_en. */
static void load_owner(loader *L, const jpath *p, json_t *o, xf_plan_owner *owner)
{
	static const char *const keys[] = {"role",     "unit",     "position",
	                                   "heads_of", "label_en", NULL};
	static const xf_owner_kind kinds[] = {XF_OWNER_ROLE, XF_OWNER_UNIT, XF_OWNER_POSITION,
	                                      XF_OWNER_HEADS_OF};
	if (!expect(L, p, o, K_OBJECT))
		return;
	only_keys(L, p, o, keys);
	int found = -1, count = 0;
	for (int k = 0; k < 4; k++)
		if (json_object_get(o, keys[k])) {
			found = k;
			count++;
		}
	const char *label_en = string_member(L, p, o, "label_en", false);
	if (count != 1) {
		problem(L, p, "must have exactly one of 'role', 'unit', 'position' or 'heads_of'");
		return;
	}
	const char *s = string_member(L, p, o, keys[found], true);
	if (!s)
		return;
	char buf[CLIP_BYTES + 4];
	if (kinds[found] == XF_OWNER_ROLE && xf_role_parse(s) < 0) {
		problem(L, p, "unknown role '%s'", clip(s, buf));
		return;
	}
	if (kinds[found] == XF_OWNER_POSITION && !is_position(L, s)) {
		problem(L, p, "unknown position '%s' (not in organisation.command.positions)",
		        clip(s, buf));
		return;
	}
	if (kinds[found] == XF_OWNER_HEADS_OF && !xf_str_in(s, xf_heads_of_ids)) {
		jpath hp = path_key(p, "heads_of");
		problem(L, &hp, "unknown value '%s' (one of unit_of_incident, unit_of_petitioners)",
		        clip(s, buf));
		return;
	}
	owner->kind = kinds[found];
	owner->value = xf_strdup(s);
	owner->label_en = dup_or_null(label_en);
}

/* obj[key] as an owner, which must be there. */
static void required_owner(loader *L, const jpath *p, json_t *obj, const char *key,
                           xf_plan_owner *owner)
{
	jpath op = path_key(p, key);
	json_t *o = json_object_get(obj, key);
	if (o)
		load_owner(L, &op, o, owner);
	else
		problem(L, &op, "is required");
}

/* [owner, ...]: whom to call for a step, each entry an owner; no entry twice. */
static void load_contacts(loader *L, const jpath *p, json_t *arr, xf_plan_step *s)
{
	s->n_contacts = json_array_size(arr);
	s->contacts = s->n_contacts ? xf_calloc(s->n_contacts, sizeof *s->contacts) : NULL;
	for (size_t i = 0; i < s->n_contacts; i++) {
		jpath ip = path_index(p, i);
		xf_plan_owner *c = &s->contacts[i];
		load_owner(L, &ip, json_array_get(arr, i), c);
		if (!c->value)
			continue;
		for (size_t j = 0; j < i; j++)
			if (s->contacts[j].value && s->contacts[j].kind == c->kind &&
			    strcmp(s->contacts[j].value, c->value) == 0) {
				char buf[CLIP_BYTES + 4];
				jpath first = path_index(p, j);
				problem(L, &ip, "duplicate contact '%s' (first at %s)",
				        clip(c->value, buf), first.s);
				break;
			}
	}
}

static bool is_workstream(const xf_plan *plan, const char *id)
{
	for (size_t i = 0; i < plan->n_workstreams; i++)
		if (plan->workstreams[i].id && strcmp(plan->workstreams[i].id, id) == 0)
			return true;
	return false;
}

/* obj[key] as a string of at most max characters, copied; NULL when absent or bad. The
 * longer wording belongs in obj[longer]. */
static char *title_copy(loader *L, const jpath *p, json_t *obj, const char *key, bool required,
                        int max, const char *longer)
{
	const char *t = string_member(L, p, obj, key, required);
	if (t && utf8_chars(t) > (size_t)max) {
		jpath tp = path_key(p, key);
		problem(L, &tp, "must be at most %d characters, not %zu (the wording goes in '%s')",
		        max, utf8_chars(t), longer);
		return NULL;
	}
	return dup_or_null(t);
}

/* A step's words: id, title, text, their English, and its workstream. */
static void load_step_texts(loader *L, const jpath *p, json_t *o, xf_plan_step *s)
{
	s->id = dup_or_null(unique_id(L, p, o, &L->step_ids, "step"));
	s->title = title_copy(L, p, o, "title", true, TITLE_MAX_CHARS, "text");
	s->text = string_copy(L, p, o, "text", true);
	s->title_en = title_copy(L, p, o, "title_en", false, TITLE_EN_MAX_CHARS, "text_en");
	s->text_en = string_copy(L, p, o, "text_en", false);

	const char *ws = string_member(L, p, o, "workstream", false);
	if (ws && !is_workstream(L->plan, ws)) {
		char buf[CLIP_BYTES + 4];
		jpath wp = path_key(p, "workstream");
		problem(L, &wp, "unknown workstream '%s'", clip(ws, buf));
	} else {
		s->workstream = dup_or_null(ws);
	}
}

/* A step's timing: recurring, or due some minutes after activation. */
static void load_step_due(loader *L, const jpath *p, json_t *o, xf_plan_step *s)
{
	json_t *recurring = json_object_get(o, "recurring");
	s->recurring = bool_member(L, p, o, "recurring", false);
	/* a wrongly typed "recurring" was reported; do not guess whether due is needed */
	bool recurring_known = !recurring || json_is_boolean(recurring);
	if (recurring_known && !s->recurring && !json_object_get(o, "due_minutes")) {
		jpath dp = path_key(p, "due_minutes");
		problem(L, &dp, "is required (the step is not recurring)");
	} else {
		int_member(L, p, o, "due_minutes", false, 0, MINUTES_MAX, &s->due_minutes);
	}
}

/* The resources a step dispatches: distinct, each one of guards or vehicles. */
static void load_step_dispatch(loader *L, const jpath *p, json_t *o, xf_plan_step *s)
{
	static const char *const resources[] = {"guards", "vehicles", NULL};
	jpath dp;
	size_t n;
	json_t *dispatch = array_at(L, p, o, "dispatch", false, false, NULL, &dp, &n);
	if (!dispatch)
		return;
	s->dispatch = string_list(L, &dp, dispatch, &s->n_dispatch);
	for (size_t i = 0; i < s->n_dispatch; i++) {
		if (!s->dispatch[i] || xf_str_in(s->dispatch[i], resources))
			continue;
		char buf[CLIP_BYTES + 4];
		jpath ip = path_index(&dp, i);
		problem(L, &ip, "unknown resource '%s' (one of guards, vehicles)",
		        clip(s->dispatch[i], buf));
	}
}

static void load_step(loader *L, const jpath *p, json_t *o, xf_plan_step *s)
{
	static const char *const keys[] = {
	    "id",          "title",     "text",     "workstream", "owner",         "contacts",
	    "due_minutes", "recurring", "evidence", "dispatch",   "chooses_venue", "is_default",
	    "title_en",    "text_en",   NULL};
	if (!expect(L, p, o, K_OBJECT))
		return;
	only_keys(L, p, o, keys);
	load_step_texts(L, p, o, s);
	required_owner(L, p, o, "owner", &s->owner);

	jpath lp;
	size_t n;
	json_t *contacts = array_at(L, p, o, "contacts", false, false, NULL, &lp, &n);
	if (contacts)
		load_contacts(L, &lp, contacts, s);
	load_step_due(L, p, o, s);
	json_t *evidence = array_at(L, p, o, "evidence", false, false, NULL, &lp, &n);
	if (evidence)
		s->evidence = string_list(L, &lp, evidence, &s->n_evidence);
	load_step_dispatch(L, p, o, s);

	s->chooses_venue = bool_member(L, p, o, "chooses_venue", false);
	if (s->chooses_venue && L->plan->n_venues == 0) {
		jpath vp = path_key(p, "chooses_venue");
		problem(L, &vp, "the plan declares no venues to choose from");
	}
	s->is_default = bool_member(L, p, o, "is_default", false);
}

/* steps of a procedure or of closing: at least one when `nonempty`. */
static void load_steps(loader *L, const jpath *p, json_t *obj, bool nonempty, xf_plan_step **steps,
                       size_t *n_steps)
{
	jpath sp;
	size_t n;
	json_t *arr = array_at(L, p, obj, "steps", true, nonempty, NULL, &sp, &n);
	if (!n)
		return;
	*n_steps = n;
	*steps = xf_calloc(n, sizeof **steps);
	for (size_t i = 0; i < n; i++) {
		jpath ip = path_index(&sp, i);
		load_step(L, &ip, json_array_get(arr, i), &(*steps)[i]);
	}
}

/* A procedure's advance_info: which procedure answers false and which true is noted in
 * owner_of (-1: none yet); no two may answer the same. False when it is absent or bad. */
static bool load_advance_info(loader *L, const jpath *ip, json_t *o, size_t i,
                              xf_plan_procedure *proc, long owner_of[2])
{
	json_t *adv = member(L, ip, o, "advance_info", K_BOOL, true);
	if (!adv)
		return false;
	proc->advance_info = json_is_true(adv);
	int a = proc->advance_info;
	if (owner_of[a] >= 0) {
		jpath ap = path_key(ip, "advance_info");
		problem(L, &ap, "procedures[%ld] already has advance_info %s", owner_of[a],
		        a ? "true" : "false");
	} else {
		owner_of[a] = (long)i;
	}
	return true;
}

static void load_procedures(loader *L, json_t *root)
{
	static const char *const keys[] = {"id",
	                                   "name",
	                                   "name_en",
	                                   "advance_info",
	                                   "steps",
	                                   "progress_interval_before_minutes",
	                                   "progress_days_before",
	                                   NULL};
	xf_plan *plan = L->plan;
	jpath p, ip;
	json_t *arr =
	    array_at(L, &root_path, root, "procedures", true, true, NULL, &p, &plan->n_procedures);
	if (!plan->n_procedures)
		return;
	plan->procedures = xf_calloc(plan->n_procedures, sizeof *plan->procedures);
	idset ids = {0};
	long owner_of[2] = {-1, -1};
	bool all_known = true;
	for (size_t i = 0; i < plan->n_procedures; i++) {
		xf_plan_procedure *proc = &plan->procedures[i];
		const char *id;
		json_t *o = declaration(L, &p, arr, i, keys, &ids, "procedure", &ip, &id);
		if (!o) {
			all_known = false;
			continue;
		}
		proc->id = dup_or_null(id);
		proc->name = string_copy(L, &ip, o, "name", true);
		string_member(L, &ip, o, "name_en", false);
		if (!load_advance_info(L, &ip, o, i, proc, owner_of))
			all_known = false;
		int_member(L, &ip, o, "progress_interval_before_minutes", false, 5, MINUTES_MAX,
		           &proc->progress_interval_before_minutes);
		proc->progress_days_before = 1;
		int_member(L, &ip, o, "progress_days_before", false, 0, 30,
		           &proc->progress_days_before);
		load_steps(L, &ip, o, true, &proc->steps, &proc->n_steps);
	}
	idset_release(&ids);
	/* When some procedure's advance_info was itself wrong, that was reported; saying
	 * a value is missing as well would only repeat it. */
	for (int a = 0; a < 2 && all_known; a++)
		if (owner_of[a] < 0)
			problem(L, &p,
			        "no procedure has advance_info %s (one must, for incidents %s)",
			        a ? "true" : "false",
			        a ? "known in advance" : "without advance information");
}

static void load_closing(loader *L, json_t *root)
{
	static const char *const keys[] = {"text", "steps", NULL};
	jpath p;
	json_t *c = section(L, root, "closing", true, keys, &p);
	if (!c)
		return;
	string_member(L, &p, c, "text", true);
	load_steps(L, &p, c, false, &L->plan->closing, &L->plan->n_closing);
}

static void load_report_up(loader *L, json_t *root)
{
	static const char *const keys[] = {"oral_title",    "written_title",    "owner",
	                                   "oral_title_en", "written_title_en", NULL};
	jpath p;
	json_t *r = section(L, root, "report_up", true, keys, &p);
	if (!r)
		return;
	L->plan->report_oral_title = string_copy(L, &p, r, "oral_title", true);
	L->plan->report_written_title = string_copy(L, &p, r, "written_title", true);
	string_member(L, &p, r, "oral_title_en", false);
	string_member(L, &p, r, "written_title_en", false);
	required_owner(L, &p, r, "owner", &L->plan->report_owner);
}

static void load_three_no(loader *L, json_t *root)
{
	static const char *const keys[] = {"text", "note", "is_default", "items", NULL};
	jpath p;
	json_t *t = section(L, root, "three_no", true, keys, &p);
	if (!t)
		return;
	L->plan->three_no = string_copy(L, &p, t, "text", true);
	string_member(L, &p, t, "note", false);
	bool_member(L, &p, t, "is_default", false);
}

/* "assignment": the 包保 follow-up interval; 7 days when the plan says nothing. */
static void load_assignment(loader *L, json_t *root)
{
	static const char *const keys[] = {"followup_interval_days", "note", "is_default", NULL};
	jpath p;
	L->plan->followup_interval_days = 7;
	json_t *a = section(L, root, "assignment", false, keys, &p);
	if (!a)
		return;
	int_member(L, &p, a, "followup_interval_days", true, 1, 365,
	           &L->plan->followup_interval_days);
	string_member(L, &p, a, "note", false);
	bool_member(L, &p, a, "is_default", false);
}

/* The evaluation's scale {min, max}: max above min. */
static void load_scale(loader *L, const jpath *p, json_t *e)
{
	static const char *const keys[] = {"min", "max", NULL};
	jpath sp;
	json_t *scale = object_member(L, p, e, "scale", true, keys, &sp);
	if (!scale)
		return;
	int_member(L, &sp, scale, "min", true, 0, 100, &L->plan->score_min);
	int_member(L, &sp, scale, "max", true, 1, 100, &L->plan->score_max);
	if (L->plan->score_max <= L->plan->score_min) {
		jpath mp = path_key(&sp, "max");
		problem(L, &mp, "must be greater than min (%d), not %d", L->plan->score_min,
		        L->plan->score_max);
	}
}

/* "evaluation" (综合评价): a scale {min, max} and the dimensions scored, each {id, title,
 * text} with optional title_en, text_en; optional as a whole. */
static void load_evaluation(loader *L, json_t *root)
{
	static const char *const keys[] = {"text", "text_en", "scale", "dimensions", NULL};
	static const char *const dim_keys[] = {"id", "title", "title_en", "text", "text_en", NULL};
	jpath p, dp, ip;
	L->plan->score_min = 1;
	L->plan->score_max = 5;
	json_t *e = section(L, root, "evaluation", false, keys, &p);
	if (!e)
		return;
	string_member(L, &p, e, "text", false);
	string_member(L, &p, e, "text_en", false);
	load_scale(L, &p, e);
	size_t n;
	json_t *arr = array_at(L, &p, e, "dimensions", true, true, NULL, &dp, &n);
	if (!n)
		return;
	xf_plan_named *list = xf_calloc(n, sizeof *list);
	L->plan->evaluation_dimensions = list;
	L->plan->n_evaluation_dimensions = n;
	idset ids = {0};
	for (size_t i = 0; i < n; i++) {
		const char *id;
		json_t *o = declaration(L, &dp, arr, i, dim_keys, &ids, "dimension", &ip, &id);
		if (!o)
			continue;
		list[i].id = dup_or_null(id);
		list[i].name = string_copy(L, &ip, o, "title", true);
		list[i].text = string_copy(L, &ip, o, "text", false);
		string_member(L, &ip, o, "title_en", false);
		string_member(L, &ip, o, "text_en", false);
	}
	idset_release(&ids);
}

static void check_accountability(loader *L, json_t *root)
{
	static const char *const keys[] = {"text", NULL};
	jpath p;
	json_t *a = section(L, root, "accountability", false, keys, &p);
	if (a)
		string_member(L, &p, a, "text", true);
}

const char *const xf_record_kind_ids[XF_RECORD_KIND_COUNT + 1] = {
    "interview", "photo", "video", "audio", "document", "other", NULL};

/* "retention" (保存期限, issue 9 item 8): days each kind of record is kept after its
 * incident closed, as "<kind>_days" (1 to 36500); a kind not named is kept for good.
 * Optional as a whole. */
static void load_retention(loader *L, json_t *root)
{
	static const char *const keys[] = {
	    "interview_days", "photo_days", "video_days", "audio_days", "document_days",
	    "other_days",     "note",       "note_en",    "is_default", NULL};
	jpath p;
	json_t *r = section(L, root, "retention", false, keys, &p);
	if (!r)
		return;
	for (int k = 0; k < XF_RECORD_KIND_COUNT; k++)
		int_member(L, &p, r, keys[k], false, 1, 36500, &L->plan->retention_days[k]);
	string_member(L, &p, r, "note", false);
	string_member(L, &p, r, "note_en", false);
	bool_member(L, &p, r, "is_default", false);
}

/* ---- loading ---- */

static void load_document(loader *L, json_t *root)
{
	static const char *const keys[] = {
	    "format",        "id",          "title",        "purpose",        "basis",
	    "effective",     "principles",  "organisation", "destinations",   "scope",
	    "grades",        "workstreams", "procedures",   "closing",        "report_up",
	    "venues",        "three_no",    "requirements", "accountability", "assignment",
	    "title_en",      "evaluation",  "retention",    "assessment",     "prevention",
	    "notifications", NULL};
	xf_plan *plan = L->plan;
	char buf[CLIP_BYTES + 4];

	only_keys(L, &root_path, root, keys);
	const char *format = string_member(L, &root_path, root, "format", true);
	if (format && strcmp(format, PLAN_FORMAT) != 0) {
		jpath fp = path_key(&root_path, "format");
		problem(L, &fp, "unsupported format '%s' (expected '%s')", clip(format, buf),
		        PLAN_FORMAT);
	}
	plan->id = dup_or_null(id_member(L, &root_path, root, "id"));
	plan->title = string_copy(L, &root_path, root, "title", true);
	string_member(L, &root_path, root, "title_en", false);
	string_member(L, &root_path, root, "purpose", false);
	string_member(L, &root_path, root, "basis", false);
	string_member(L, &root_path, root, "effective", false);
	check_numbered_texts(L, root, "principles");
	/* Declarations first, so the references to them below can be checked. */
	check_organisation(L, root);
	load_destinations(L, root);
	plan->workstreams = load_named(L, root, "workstreams", false, &plan->n_workstreams);
	plan->venues = load_named(L, root, "venues", true, &plan->n_venues);
	load_scope(L, root);
	load_grades(L, root);
	load_procedures(L, root);
	load_closing(L, root);
	load_report_up(L, root);
	load_three_no(L, root);
	load_assignment(L, root);
	load_evaluation(L, root);
	load_retention(L, root);
	check_numbered_texts(L, root, "requirements");
	xf_plan_prevention_check(root, L->errors);
	check_accountability(L, root);
	xf_plan_notify_load(plan, root, L->errors);
	xf_plan_assessment_load(plan, root, L->errors); /* "assessment", "three_no.items" */
}

xf_plan *xf_plan_load(const char *bytes, size_t len, xf_plan_errors *errors)
{
	xf_plan_errors scratch;
	if (!errors)
		errors = &scratch;
	memset(errors, 0, sizeof *errors);
	loader L = {.errors = errors};

	/* Editors on some systems start UTF-8 files with a byte-order mark; it is not part
	 * of the JSON text (the hash below still covers the file as written). */
	const char *text = bytes ? bytes : "";
	size_t text_len = bytes ? len : 0;
	if (text_len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		text_len -= 3;
	}
	json_error_t je;
	json_t *root = json_loadb(text, text_len, JSON_REJECT_DUPLICATES, &je);
	if (!root) {
		jpath where;
		path_set(&where, "line %d column %d", je.line, je.column);
		problem(&L, &where, "%s", je.text);
		return NULL;
	}
	if (!json_is_object(root)) {
		problem(&L, &root_path, "must be an object, not %s", json_kind_name(root));
		json_decref(root);
		return NULL;
	}

	L.plan = xf_calloc(1, sizeof *L.plan);
	load_document(&L, root);
	idset_release(&L.step_ids);
	if (errors->n > 0) {
		json_decref(root);
		xf_plan_free(L.plan);
		return NULL;
	}

	if (sodium_init() < 0)
		xf_die("libsodium cannot start");
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)(bytes ? bytes : ""), bytes ? len : 0);
	xf_hex_encode(digest, sizeof digest, L.plan->hash);
	L.plan->doc = root;
	return L.plan;
}

xf_plan *xf_plan_load_file(const char *path, xf_plan_errors *errors)
{
	xf_plan_errors scratch;
	if (!errors)
		errors = &scratch;
	memset(errors, 0, sizeof *errors);
	jpath none = {{0}};
	loader L = {.errors = errors};

	FILE *f = fopen(path, "rb");
	if (!f) {
		int err = errno;
		path_set(&none, "cannot read plan '%s'", path);
		problem(&L, &none, "%s", strerror(err));
		return NULL;
	}
	xf_buf b;
	xf_buf_init(&b, PLAN_MAX_BYTES);
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (xf_buf_append(&b, chunk, n) != XF_OK)
			break;
	int failed = ferror(f) ? errno : 0;
	fclose(f);
	if (failed || b.overflow) {
		path_set(&none, "cannot read plan '%s'", path);
		if (b.overflow)
			problem(&L, &none, "larger than %u MiB", PLAN_MAX_BYTES >> 20);
		else
			problem(&L, &none, "%s", strerror(failed));
		xf_buf_release(&b);
		return NULL;
	}
	xf_plan *plan = xf_plan_load(b.data, b.len, errors);
	xf_buf_release(&b);
	return plan;
}

static void free_step(xf_plan_step *s)
{
	free(s->id);
	free(s->title);
	free(s->text);
	free(s->title_en);
	free(s->text_en);
	free(s->workstream);
	free(s->owner.value);
	free(s->owner.label_en);
	for (size_t i = 0; i < s->n_contacts; i++) {
		free(s->contacts[i].value);
		free(s->contacts[i].label_en);
	}
	free(s->contacts);
	free_list(s->evidence, s->n_evidence);
	free_list(s->dispatch, s->n_dispatch);
}

static void free_rule(xf_plan_rule *r)
{
	free(r->id);
	free(r->text);
	free(r->conditions);
}

static void free_named(xf_plan_named *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].id);
		free(list[i].name);
		free(list[i].text);
	}
	free(list);
}

void xf_plan_free(xf_plan *plan)
{
	if (!plan)
		return;
	free(plan->id);
	free(plan->title);
	json_decref(plan->doc);
	for (size_t i = 0; i < plan->n_scope; i++)
		free_rule(&plan->scope[i]);
	free(plan->scope);
	for (size_t i = 0; i < plan->n_grades; i++) {
		free(plan->grades[i].id);
		free(plan->grades[i].name);
		free_rule(&plan->grades[i].rule);
	}
	free(plan->grades);
	for (size_t i = 0; i < plan->n_procedures; i++) {
		xf_plan_procedure *p = &plan->procedures[i];
		free(p->id);
		free(p->name);
		for (size_t j = 0; j < p->n_steps; j++)
			free_step(&p->steps[j]);
		free(p->steps);
	}
	free(plan->procedures);
	free_named(plan->workstreams, plan->n_workstreams);
	free_named(plan->venues, plan->n_venues);
	free_named(plan->evaluation_dimensions, plan->n_evaluation_dimensions);
	xf_plan_assessment_free(plan->assessment);
	for (size_t i = 0; i < plan->n_closing; i++)
		free_step(&plan->closing[i]);
	free(plan->closing);
	free(plan->report_oral_title);
	free(plan->report_written_title);
	free(plan->report_owner.value);
	free(plan->report_owner.label_en);
	free(plan->three_no);
	xf_plan_notify_free(plan->notify);
	for (int d = 0; d < XF_DEST_COUNT; d++)
		free(plan->destination_names[d]);
	free(plan);
}

const xf_plan_grade *xf_plan_grade_by_id(const xf_plan *plan, const char *id)
{
	if (!plan || !id)
		return NULL;
	assert(plan->n_grades == 0 || plan->grades); /* a loaded plan's arrays match their counts */
	for (size_t i = 0; i < plan->n_grades; i++)
		if (plan->grades[i].id && strcmp(plan->grades[i].id, id) == 0)
			return &plan->grades[i];
	return NULL;
}

const xf_plan_procedure *xf_plan_procedure_by_id(const xf_plan *plan, const char *id)
{
	if (!plan || !id)
		return NULL;
	assert(plan->n_procedures == 0 ||
	       plan->procedures); /* a loaded plan's arrays match their counts */
	for (size_t i = 0; i < plan->n_procedures; i++)
		if (plan->procedures[i].id && strcmp(plan->procedures[i].id, id) == 0)
			return &plan->procedures[i];
	return NULL;
}

const xf_plan_step *xf_plan_step_by_id(const xf_plan *plan, const char *id)
{
	if (!plan || !id)
		return NULL;
	for (size_t i = 0; i < plan->n_procedures; i++)
		for (size_t j = 0; j < plan->procedures[i].n_steps; j++)
			if (plan->procedures[i].steps[j].id &&
			    strcmp(plan->procedures[i].steps[j].id, id) == 0)
				return &plan->procedures[i].steps[j];
	for (size_t j = 0; j < plan->n_closing; j++)
		if (plan->closing[j].id && strcmp(plan->closing[j].id, id) == 0)
			return &plan->closing[j];
	return NULL;
}
