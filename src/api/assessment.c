/* Assessment (考核) and accountability (责任追究), issue 14 items 6 and 7
 * (docs/assessment.md).
 *
 * GET /assessment?period=YYYY-MM|YYYY-Qn|YYYY&unit_id= scores the unit and each of its
 * children (without unit_id: every top unit) from the facts of their subtrees, by the
 * current plan's rules (core/xf_assessment.h); /assessment/export.csv is the same as CSV.
 * Findings are confidential: the petition office, leaders, auditors, the company and
 * the administrator read them all; the person a finding names reads theirs and adds
 * statements; the petition office and leaders record them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/xf_api.h"
#include "core/xf_assessment.h"
#include "doc/xf_xlsx.h"
#include "http/xf_json.h"
#include "store/xf_store_assessment.h"

#define ROLE(r) (1u << (r))
/* Who sees every unit's assessment and every finding. */
#define SEE_ALL                                                                                    \
	(ROLE(XF_ROLE_PETITION_OFFICE) | ROLE(XF_ROLE_LEADER) | ROLE(XF_ROLE_AUDITOR) |            \
	 ROLE(XF_ROLE_ADMIN) | ROLE(XF_ROLE_COMPANY))
/* Who records findings. */
#define DECIDE (ROLE(XF_ROLE_PETITION_OFFICE) | ROLE(XF_ROLE_LEADER))

static const char *const bases[] = {"overdue_tasks", "evaluation", "retaliation_complaint",
                                    "missed_report", "other",      NULL};

static bool sees_all(const xf_req *req)
{
	return (req->user.roles & SEE_ALL) != 0;
}

static void forbidden(xf_req *req)
{
	xf_reply_error(req, 403, "forbidden", NULL, "you may not see this");
}

/* ---- the assessment ---- */

/* The unit tree as two arrays in id order (the store lists units by id). */
typedef struct tree {
	int64_t *ids, *parents;
	size_t n;
} tree;

static tree tree_of(xf_req *req, json_t *units)
{
	tree t = {.n = json_array_size(units)};
	t.ids = xf_arena_alloc(&req->arena, (t.n + 1) * sizeof *t.ids);
	t.parents = xf_arena_alloc(&req->arena, (t.n + 1) * sizeof *t.parents);
	size_t i;
	json_t *x;
	json_array_foreach(units, i, x)
	{
		t.ids[i] = json_integer_value(json_object_get(x, "id"));
		t.parents[i] = json_integer_value(json_object_get(x, "parent_id"));
	}
	return t;
}

/* The index of unit id, or t->n when there is none. */
static size_t tree_index(const tree *t, int64_t id)
{
	size_t lo = 0, hi = t->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < t->n && t->ids[lo] == id ? lo : t->n;
}

/* Whether unit u is at or below root. */
static bool at_or_below(const tree *t, int64_t u, int64_t root)
{
	for (int depth = 0; u && depth < 64; depth++) {
		if (u == root)
			return true;
		size_t i = tree_index(t, u);
		u = i < t->n ? t->parents[i] : 0;
	}
	return false;
}

static json_t *unit_by_id(json_t *units, int64_t id)
{
	size_t i;
	json_t *x;
	json_array_foreach(units, i,
	                   x) if (json_integer_value(json_object_get(x, "id")) == id) return x;
	return NULL;
}

static json_t *source_json(const xf_assess_fact *f)
{
	json_t *o = json_pack("{s:s, s:I}", "type", f->source_type, "id", (json_int_t)f->source_id);
	json_object_set_new(o, "number", f->number ? json_string(f->number) : json_null());
	if (f->label)
		json_object_set_new(o, "title", json_string(f->label));
	if (f->part)
		json_object_set_new(o, "unit_id", json_integer(f->part));
	return o;
}

static json_t *line_json(const xf_assess_line *l)
{
	const xf_assess_fact *f = l->fact;
	json_t *o = json_pack(
	    "{s:s, s:s, s:o, s:s, s:i, s:o, s:s, s:I}", "rule", l->rule->id, "name", l->rule->name,
	    "name_en", l->rule->name_en ? json_string(l->rule->name_en) : json_null(), "kind",
	    xf_assess_event_ids[f->event], "points", l->rule->points, "source", source_json(f),
	    "date", f->date ? f->date : "", "unit_id", (json_int_t)f->unit_id);
	return o;
}

/* The assessment of one unit from the facts of its subtree. */
static json_t *unit_result(const xf_plan_assessment *a, const tree *units, json_t *unit,
                           const xf_assess_fact *facts, size_t n)
{
	int64_t id = json_integer_value(json_object_get(unit, "id"));
	/* Which units are in the subtree, once, then each fact by its unit's index. */
	bool *in = xf_calloc(units->n + 1, sizeof *in);
	for (size_t i = 0; i < units->n; i++)
		in[i] = at_or_below(units, units->ids[i], id);
	size_t k = 0, m = 0;
	for (size_t i = 0; i < n; i++)
		m += in[tree_index(units, facts[i].unit_id)];
	xf_assess_fact *mine = xf_malloc((m ? m : 1) * sizeof *mine);
	for (size_t i = 0; i < n && k < m; i++)
		if (in[tree_index(units, facts[i].unit_id)])
			mine[k++] = facts[i];
	free(in);
	xf_assess_result r;
	xf_assess_score(a, mine, k, &r);
	json_t *lines = json_array();
	for (size_t i = 0; i < r.n_lines; i++)
		json_array_append_new(lines, line_json(&r.lines[i]));
	json_t *items = json_array();
	for (size_t t = 0; t < a->n_three_no; t++) {
		const xf_three_no_item *it = &a->three_no[t];
		json_t *o = json_pack(
		    "{s:s, s:s, s:o, s:b, s:I}", "id", it->id, "text", it->text, "text_en",
		    it->text_en ? json_string(it->text_en) : json_null(), "held",
		    r.three_no_held[t], "breaks", (json_int_t)r.three_no_breaks[t]);
		json_object_set_new(o, "broken_by",
		                    r.three_no_broken_by[t] ? source_json(r.three_no_broken_by[t])
		                                            : json_null());
		json_array_append_new(items, o);
	}
	json_t *vetoes = json_array();
	for (size_t v = 0; v < a->n_vetoes; v++) {
		const xf_assess_veto *ve = &a->vetoes[v];
		json_array_append_new(
		    vetoes,
		    json_pack("{s:s, s:s, s:o, s:I, s:i, s:b}", "id", ve->id, "text", ve->text,
		              "text_en", ve->text_en ? json_string(ve->text_en) : json_null(),
		              "count", (json_int_t)r.veto_counts[v], "min_count", ve->min_count,
		              "fired", r.veto_counts[v] >= (size_t)ve->min_count));
	}
	json_t *out = json_pack("{s:I, s:O, s:O, s:i, s:i, s:o, s:{s:b, s:o}, s:b, s:o}", "unit_id",
	                        (json_int_t)id, "name", json_object_get(unit, "name"), "parent_id",
	                        json_object_get(unit, "parent_id"), "base", a->base, "score",
	                        r.score, "lines", lines, "three_no", "held", r.three_no_all,
	                        "items", items, "veto", r.veto, "vetoes", vetoes);
	xf_assess_result_free(&r);
	free(mine);
	return out;
}

/* Reads the period and unit, checks the user may see that unit, scores. NULL when it
 * answered. */
static json_t *assessment_json(xf_req *req)
{
	xf_assess_period period;
	const char *p = xf_req_query(req, "period");
	if (!p || !xf_assess_period_parse(p, &period)) {
		xf_reply_error(
		    req, 400, "invalid_field", "period",
		    "'period' must be a year (2026), a quarter (2026-Q4) or a month (2026-11)");
		return NULL;
	}
	int64_t unit_id;
	if (!xf_api_query_int(req, "unit_id", 1, INT64_MAX, 0, &unit_id))
		return NULL;
	bool head = (req->user.roles & ROLE(XF_ROLE_UNIT_HEAD)) != 0;
	if (!sees_all(req) && !head) {
		forbidden(req);
		return NULL;
	}
	int64_t plan_id;
	const xf_plan *plan = xf_plans_current(&plan_id);
	xf_db *db = xf_db_get();
	json_t *units;
	int rc = xf_store_assessment_units(db, &units);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return NULL;
	}
	tree t = tree_of(req, units);
	if (!sees_all(req)) {
		if (!unit_id)
			unit_id = req->user.unit_id;
		if (!at_or_below(&t, unit_id, req->user.unit_id)) {
			json_decref(units);
			forbidden(req);
			return NULL;
		}
	}
	json_t *root = unit_id ? unit_by_id(units, unit_id) : NULL;
	if (unit_id && !root) {
		json_decref(units);
		xf_reply_error(req, 404, "not_found", NULL, "there is no unit %lld",
		               (long long)unit_id);
		return NULL;
	}
	xf_assess_fact *facts;
	size_t n;
	rc = xf_store_assessment_facts(db, unit_id, &period, xf_now_ms(), &req->arena, &facts, &n);
	if (rc != XF_OK) {
		json_decref(units);
		xf_api_store_error(req, db, rc);
		return NULL;
	}
	/* The unit and its children; without a unit, the top units. */
	json_t *list = json_array();
	if (root)
		json_array_append_new(list, unit_result(plan->assessment, &t, root, facts, n));
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u)
	{
		json_t *parent = json_object_get(u, "parent_id");
		bool child = root ? json_integer_value(parent) == unit_id : json_is_null(parent);
		if (child)
			json_array_append_new(list, unit_result(plan->assessment, &t, u, facts, n));
	}
	json_t *counted = json_array();
	for (int e = 0; e < XF_AE_COUNT; e++)
		json_array_append_new(counted, json_string(xf_assess_event_ids[e]));
	json_t *decisions = json_array();
	for (size_t d = 0; d < plan->assessment->n_decisions; d++) {
		const xf_assess_decision *de = &plan->assessment->decisions[d];
		json_array_append_new(
		    decisions,
		    json_pack("{s:s, s:s, s:o}", "id", de->id, "name", de->name, "name_en",
		              de->name_en ? json_string(de->name_en) : json_null()));
	}
	json_t *out = json_pack(
	    "{s:s, s:s, s:s, s:o, s:o, s:o, s:i, s:o}", "period", p, "from", period.from, "to",
	    period.to, "unit_id", unit_id ? json_integer(unit_id) : json_null(), "units", list,
	    "counted", counted, "base", plan->assessment->base, "decisions", decisions);
	json_decref(units);
	return out;
}

static void xf_api_assessment_get(xf_req *req)
{
	json_t *out = assessment_json(req);
	if (out)
		xf_reply_json(req, 200, out);
}

/* A CSV field: quoted when it holds a comma, quote or line break. */
static void csv_field(xf_buf *b, const char *s, bool last)
{
	if (strpbrk(s, ",\"\r\n")) {
		xf_buf_puts(b, "\"");
		for (; *s; s++)
			xf_buf_append(b, s, 1 + (*s == '"'));
		xf_buf_puts(b, "\"");
	} else
		xf_buf_puts(b, s);
	xf_buf_puts(b, last ? "\r\n" : ",");
}

/* UTF-8 with a byte-order mark, so that Excel reads the Chinese: one row per line of
 * each unit, then its total, 三无 and veto. */
static void xf_api_assessment_csv(xf_req *req)
{
	json_t *out = assessment_json(req);
	if (!out)
		return;
	xf_buf b;
	xf_buf_init(&b, 64u << 20);
	xf_buf_puts(&b, "\xEF\xBB\xBF");
	xf_buf_puts(&b, "单位,项目,类别,分值,来源,编号,日期\r\n");
	size_t i, j;
	json_t *u, *l;
	char num[32];
	json_array_foreach(json_object_get(out, "units"), i, u)
	{
		const char *name = json_string_value(json_object_get(u, "name"));
		json_array_foreach(json_object_get(u, "lines"), j, l)
		{
			json_t *src = json_object_get(l, "source");
			csv_field(&b, name, false);
			csv_field(&b, json_string_value(json_object_get(l, "name")), false);
			csv_field(&b, json_string_value(json_object_get(l, "kind")), false);
			snprintf(num, sizeof num, "%lld",
			         (long long)json_integer_value(json_object_get(l, "points")));
			csv_field(&b, num, false);
			snprintf(num, sizeof num, "%s %lld",
			         json_string_value(json_object_get(src, "type")),
			         (long long)json_integer_value(json_object_get(src, "id")));
			csv_field(&b, num, false);
			json_t *number = json_object_get(src, "number");
			json_t *title = json_object_get(src, "title");
			csv_field(&b,
			          json_is_string(number)  ? json_string_value(number)
			          : json_is_string(title) ? json_string_value(title)
			                                  : "",
			          false);
			csv_field(&b, json_string_value(json_object_get(l, "date")), true);
		}
		snprintf(num, sizeof num, "%lld",
		         (long long)json_integer_value(json_object_get(u, "score")));
		json_t *three = json_object_get(u, "three_no");
		csv_field(&b, name, false);
		csv_field(&b, "得分", false);
		csv_field(&b, "score", false);
		csv_field(&b, num, false);
		csv_field(&b,
		          json_is_true(json_object_get(three, "held")) ? "三无：达标"
		                                                       : "三无：未达标",
		          false);
		csv_field(&b, json_is_true(json_object_get(u, "veto")) ? "一票否决" : "", false);
		csv_field(&b, json_string_value(json_object_get(out, "period")), true);
	}
	char name[96];
	snprintf(name, sizeof name, "考核-%s.csv",
	         json_string_value(json_object_get(out, "period")));
	char ascii[96];
	snprintf(ascii, sizeof ascii, "assessment-%s.csv",
	         json_string_value(json_object_get(out, "period")));
	xf_api_file file = {
	    .bytes = &b, .mime = "text/csv; charset=utf-8", .name = name, .ascii = ascii};
	xf_api_send_file(req, &file);
	xf_buf_release(&b);
	json_decref(out);
}

/* XLSX (doc/xf_xlsx.h): a sheet of the units (score, veto, 三无 held, lines) and a
 * sheet of every line, labelled "unit · item · source · date", with its points. */
static int xlsx_fill(xf_xlsx *x, json_t *out)
{
	static const char *const unit_head[] = {"单位", "得分", "一票否决", "三无达标",
	                                        "扣加分项数"};
	static const char *const line_head[] = {"单位 · 项目 · 来源 · 日期", "分值"};
	char title[64];
	snprintf(title, sizeof title, "考核 %s", json_string_value(json_object_get(out, "period")));
	int rc = xf_xlsx_sheet(x, "考核结果", title, 5, unit_head, NULL);
	size_t i, j;
	json_t *u, *l;
	json_array_foreach(json_object_get(out, "units"), i, u)
	{
		double v[4] = {
		    (double)json_integer_value(json_object_get(u, "score")),
		    json_is_true(json_object_get(u, "veto")) ? 1 : 0,
		    json_is_true(json_object_get(json_object_get(u, "three_no"), "held")) ? 1 : 0,
		    (double)json_array_size(json_object_get(u, "lines"))};
		if (rc == XF_OK)
			rc = xf_xlsx_row(x, json_string_value(json_object_get(u, "name")), v);
	}
	if (rc == XF_OK)
		rc = xf_xlsx_chart(x, "得分图", title, 1, false);
	if (rc == XF_OK)
		rc = xf_xlsx_sheet(x, "扣加分明细", title, 2, line_head, NULL);
	json_array_foreach(json_object_get(out, "units"), i, u)
	{
		json_array_foreach(json_object_get(u, "lines"), j, l)
		{
			json_t *src = json_object_get(l, "source");
			json_t *number = json_object_get(src, "number");
			char label[512];
			snprintf(label, sizeof label, "%s · %s · %s %lld%s%s · %s",
			         json_string_value(json_object_get(u, "name")),
			         json_string_value(json_object_get(l, "name")),
			         json_string_value(json_object_get(src, "type")),
			         (long long)json_integer_value(json_object_get(src, "id")),
			         json_is_string(number) ? " " : "",
			         json_is_string(number) ? json_string_value(number) : "",
			         json_string_value(json_object_get(l, "date")));
			double v = (double)json_integer_value(json_object_get(l, "points"));
			if (rc == XF_OK)
				rc = xf_xlsx_row(x, label, &v);
		}
	}
	return rc;
}

static void xf_api_assessment_xlsx(xf_req *req)
{
	json_t *out = assessment_json(req);
	if (!out)
		return;
	char err[256] = "";
	xf_buf b;
	xf_buf_init(&b, 64u << 20);
	xf_xlsx *x = xf_xlsx_new("考核", err);
	int rc = x ? xlsx_fill(x, out) : XF_ERR;
	if (x && xf_xlsx_finish(x, &b, err) != XF_OK)
		rc = XF_ERR;
	if (rc != XF_OK) {
		xf_log("req=%s cannot write the assessment workbook: %s", req->request_id, err);
		xf_reply_error(req, 500, "render_failed", NULL,
		               "the workbook could not be written: %s", err);
	} else {
		char name[96], ascii[96];
		const char *period = json_string_value(json_object_get(out, "period"));
		snprintf(name, sizeof name, "考核-%s.xlsx", period);
		snprintf(ascii, sizeof ascii, "assessment-%s.xlsx", period);
		xf_api_file file = {
		    .bytes = &b,
		    .mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		    .name = name,
		    .ascii = ascii};
		xf_api_send_file(req, &file);
	}
	xf_buf_release(&b);
	json_decref(out);
}

/* ---- findings ---- */

/* A date "YYYY-MM-DD" that is a real day. */
static bool is_date(const char *s)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return false;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return !(m == 2 && d == 29 && !leap);
}

static const char *const link_fields[] = {"incident_ids", "matter_ids", "task_ids"};
static const char *const link_kinds[] = {"incident", "matter", "task"};

/* Checks the linked ids of the body (arrays of at most 50 ids each, existing rows). */
static bool links_ok(xf_req *req, xf_db *db, json_t *body)
{
	for (size_t k = 0; k < 3; k++) {
		json_t *arr = json_object_get(body, link_fields[k]), *v;
		size_t i;
		if (!arr)
			continue;
		if (!json_is_array(arr) || json_array_size(arr) > 50) {
			xf_reply_error(req, 400, "invalid_field", link_fields[k],
			               "'%s' must be a list of at most %d ids", link_fields[k], 50);
			return false;
		}
		json_array_foreach(arr, i, v)
		{
			bool exists = false;
			int rc = json_is_integer(v) && json_integer_value(v) > 0
			             ? xf_store_accountability_ref_exists(
			                   db, link_kinds[k], json_integer_value(v), &exists)
			             : XF_OK;
			if (rc != XF_OK) {
				xf_api_store_error(req, db, rc);
				return false;
			}
			if (!exists) {
				xf_reply_error(req, 400, "invalid_field", link_fields[k],
				               "'%s': there is no %s %lld", link_fields[k],
				               link_kinds[k], (long long)json_integer_value(v));
				return false;
			}
		}
	}
	return true;
}

static int add_links(xf_db *db, int64_t id, json_t *body)
{
	int rc = XF_OK;
	for (size_t k = 0; k < 3 && rc == XF_OK; k++) {
		json_t *v;
		size_t i;
		json_array_foreach(json_object_get(body, link_fields[k]), i, v)
		{
			if (rc == XF_OK)
				rc = xf_store_accountability_link(db, id, link_kinds[k],
				                                  json_integer_value(v));
		}
	}
	return rc;
}

static void xf_api_accountability_create(xf_req *req)
{
	static const char *const fields[] = {"unit_id",    "user_id",    "basis", "decision",
	                                     "decided_by", "decided_at", "text",  "incident_ids",
	                                     "matter_ids", "task_ids",   NULL};
	if (!(req->user.roles & DECIDE)) {
		xf_reply_error(req, 403, "forbidden", NULL,
		               "only the petition office and leaders record findings");
		return;
	}
	json_t *body = xf_api_body(req, fields);
	if (!body)
		return;
	xf_field_error err;
	int64_t unit_id = 0, user_id = 0;
	const char *basis, *decision, *decided_by, *decided_at, *text = "";
	if (xf_json_id_or_null(body, "unit_id", false, &unit_id, &err) == XF_ERR ||
	    xf_json_id_or_null(body, "user_id", false, &user_id, &err) == XF_ERR ||
	    xf_json_choice(body, "basis", true, bases, &basis, &err) == XF_ERR ||
	    xf_json_string(body, "decision", true, 1, 32, &decision, &err) == XF_ERR ||
	    xf_json_string(body, "decided_by", true, 1, 200, &decided_by, &err) == XF_ERR ||
	    xf_json_string(body, "decided_at", true, 10, 10, &decided_at, &err) == XF_ERR ||
	    xf_json_string(body, "text", false, 0, XF_API_TEXT_MAX, &text, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (!unit_id && !user_id) {
		xf_reply_error(req, 400, "invalid_field", "unit_id",
		               "a finding names a unit ('unit_id'), a person ('user_id') or both");
		return;
	}
	if (!is_date(decided_at)) {
		xf_reply_error(req, 400, "invalid_field", "decided_at",
		               "'decided_at' must be a date YYYY-MM-DD");
		return;
	}
	int64_t plan_id;
	const xf_plan *plan = xf_plans_current(&plan_id);
	if (!xf_assess_decision_by_id(plan->assessment, decision)) {
		xf_reply_error(
		    req, 400, "invalid_field", "decision",
		    "'decision' must be one of the plan's decisions (assessment.decisions)");
		return;
	}
	xf_db *db = xf_db_get();
	if (!xf_api_begin(req, db))
		return;
	if ((unit_id && !xf_api_unit_exists(req, db, "unit_id", unit_id, NULL, 0)) ||
	    (user_id && !xf_api_user_exists(req, db, "user_id", user_id, NULL)) ||
	    !links_ok(req, db, body)) {
		xf_tx_rollback(db);
		return;
	}
	xf_accountability_new f = {.unit_id = unit_id,
	                           .user_id = user_id,
	                           .basis = basis,
	                           .decision = decision,
	                           .decided_by = decided_by,
	                           .decided_on = decided_at,
	                           .text = text,
	                           .created_by = req->user.id,
	                           .now_ms = xf_now_ms()};
	int64_t id = 0;
	xf_actor actor = xf_api_actor(req);
	int rc = xf_store_accountability_insert(db, &f, &id);
	if (rc == XF_OK)
		rc = add_links(db, id, body);
	/* The event names no text: a finding is confidential, the audit log is read by
	 * auditors only, but the decision's wording stays in the finding. */
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "accountability.create", "accountability", xf_api_id_text(req, id),
		    json_pack("{s:o, s:o, s:s, s:s, s:s}", "unit_id",
		              unit_id ? json_integer(unit_id) : json_null(), "user_id",
		              user_id ? json_integer(user_id) : json_null(), "basis", basis,
		              "decision", decision, "decided_at", decided_at));
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_accountability_json, id, NULL, 201);
}

/* Loads the finding's user; answers 404 unless the user may read the finding. */
static bool finding_readable(xf_req *req, xf_db *db, int64_t id, int64_t *named)
{
	int rc = xf_store_accountability_user(db, id, named);
	if (rc == XF_OK && (sees_all(req) || *named == req->user.id))
		return true;
	if (rc == XF_OK || rc == XF_NOTFOUND)
		xf_reply_error(req, 404, "not_found", NULL, "there is no finding %lld you may see",
		               (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

static void xf_api_accountability_get(xf_req *req)
{
	int64_t id, named;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	if (finding_readable(req, db, id, &named))
		xf_api_reply_read(req, db, xf_store_accountability_json, id, NULL, 200);
}

/* Everyone may ask; those who do not see all get the findings that name them. */
static void xf_api_accountability_list(xf_req *req)
{
	int64_t user_id;
	if (!xf_api_query_int(req, "user_id", 1, INT64_MAX, 0, &user_id))
		return;
	if (!sees_all(req))
		user_id = req->user.id;
	xf_db *db = xf_db_get();
	json_t *list = NULL;
	int rc = xf_store_accountability_list(db, user_id, 0, &list);
	xf_api_reply_list(req, db, rc, "findings", list);
}

static void xf_api_accountability_statement(xf_req *req)
{
	static const char *const fields[] = {"text", NULL};
	int64_t id, named;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	xf_field_error err;
	const char *text;
	if (xf_json_string(body, "text", true, 1, XF_API_TEXT_MAX, &text, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	if (!xf_api_begin(req, db))
		return;
	if (!finding_readable(req, db, id, &named)) {
		xf_tx_rollback(db);
		return;
	}
	if (named != req->user.id) {
		xf_tx_rollback(db);
		xf_reply_error(req, 403, "forbidden", NULL,
		               "only the person the finding names may add a statement");
		return;
	}
	int64_t sid;
	xf_actor actor = xf_api_actor(req);
	int rc = xf_store_accountability_statement(db, id, req->user.id, text, xf_now_ms(), &sid);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "accountability.statement", "accountability",
		                     xf_api_id_text(req, id),
		                     json_pack("{s:I}", "statement_id", (json_int_t)sid));
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_accountability_json, id, NULL, 201);
}

/* The findings linked to an incident (through it, its tasks or its matters), for the
 * incident's page: those who see all findings only. */
static void xf_api_incident_accountability(xf_req *req)
{
	int64_t id;
	if (!sees_all(req)) {
		forbidden(req);
		return;
	}
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_incident_state state;
	if (!xf_api_incident(req, db, id, &state))
		return;
	json_t *list = NULL;
	int rc = xf_store_accountability_list(db, 0, id, &list);
	xf_api_reply_list(req, db, rc, "findings", list);
}

static const xf_route routes[] = {
    {"GET", "/assessment", XF_PERM_SIGNED_IN, 0, xf_api_assessment_get},
    {"GET", "/assessment/export.csv", XF_PERM_SIGNED_IN, 0, xf_api_assessment_csv},
    {"GET", "/assessment/export.xlsx", XF_PERM_SIGNED_IN, 0, xf_api_assessment_xlsx},
    {"GET", "/accountability", XF_PERM_SIGNED_IN, 0, xf_api_accountability_list},
    {"POST", "/accountability", XF_PERM_SIGNED_IN, 0, xf_api_accountability_create},
    {"GET", "/accountability/{id}", XF_PERM_SIGNED_IN, 0, xf_api_accountability_get},
    {"POST", "/accountability/{id}/statement", XF_PERM_SIGNED_IN, 0,
     xf_api_accountability_statement},
    {"GET", "/incidents/{id}/accountability", XF_PERM_SIGNED_IN, 0, xf_api_incident_accountability},
};

const xf_route_list xf_routes_assessment = {routes, XF_ARRAY_LEN(routes)};
