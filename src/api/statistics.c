/* The statistics resource (issue 14 item 5, docs/statistics.md): counts of real incidents
 * and matters over a period of Beijing days (drills and withdrawn registrations left
 * out) for a unit subtree, as JSON, as an XLSX workbook (one sheet per breakdown and a
 * chart sheet, doc/xf_xlsx.h), as CSV (UTF-8 with BOM), and the annual report (Art. 41)
 * as PDF or DOCX through the document model of the written reports (doc/xf_document.h).
 *
 * Who: the roles that see every incident (信访办, 领导小组, 公司信访办, 审计; a mine's
 * users in a deployment of many mines: their mine's subtree) any subtree; a unit head
 * the subtree of the unit and no other; 保卫科, 包保责任人 and administrators are
 * refused (403). Counts only: no person, accuser, matter content or free text of a
 * matter is read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/xf_api.h"
#include "api/xf_documents.h"
#include "core/xf_person.h"
#include "doc/xf_document.h"
#include "doc/xf_xlsx.h"
#include "store/xf_store_statistics.h"

#define R(role) (1u << (role))
/* The roles that may ask for any subtree (of their mine). */
#define STAT_BROAD                                                                                 \
	(R(XF_ROLE_PETITION_OFFICE) | R(XF_ROLE_LEADER) | R(XF_ROLE_COMPANY) | R(XF_ROLE_AUDITOR))
/* The longest period: ten years of days. */
#define PERIOD_MAX_DAYS 3660

typedef struct stat_request {
	xf_stat_query q;
	char from[24], to[24];
	char unit_name[256];
	int year; /* the annual report's */
} stat_request;

/* ---- labels of the fixed keys ---- */

typedef struct label {
	const char *key, *zh, *en;
} label;

static const label destinations[] = {
    {"mine", "本矿", "mine"},       {"group", "集团公司", "group company"}, {"city", "市", "city"},
    {"province", "省", "province"}, {"national", "进京", "Beijing"},        {NULL, NULL, NULL}};
static const label matter_categories[] = {{"suggestion", "建议意见", "suggestion"},
                                          {"accusation", "检举控告", "accusation"},
                                          {"appeal", "申诉求决", "appeal"},
                                          {NULL, NULL, NULL}};
static const label channels[] = {
    {"letter", "来信", "letter"},       {"visit", "来访", "visit"},
    {"phone", "来电", "phone"},         {"online", "网上信访", "online"},
    {"none", "未记录", "not recorded"}, {NULL, NULL, NULL}};
static const label outcomes[] = {{"supported", "支持", "supported"},
                                 {"explained", "解释说明", "explained"},
                                 {"not_supported", "不予支持", "not supported"},
                                 {"none", "未办结", "open"},
                                 {NULL, NULL, NULL}};
static const label satisfactions[] = {{"satisfied", "满意", "satisfied"},
                                      {"basically_satisfied", "基本满意", "basically satisfied"},
                                      {"unsatisfied", "不满意", "unsatisfied"},
                                      {"none", "未评价", "not rated"},
                                      {NULL, NULL, NULL}};

static const char *label_of(const label *table, const char *key)
{
	for (const label *l = table; l && l->key; l++)
		if (strcmp(l->key, key) == 0)
			return l->zh;
	return key;
}

/* ---- the request ---- */

/* A Beijing day "YYYY-MM-DD" as the UTC instant of its midnight; false when not a day. */
static bool parse_day(const char *s, int64_t *ms)
{
	int y, m, d;
	char rest;
	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &rest) != 3 ||
	    s[4] != '-' || s[7] != '-' || y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > 31)
		return false;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	time_t t = timegm(&tm);
	struct tm back;
	gmtime_r(&t, &back);
	if (back.tm_mday != d || back.tm_mon != m - 1)
		return false; /* 2026-02-30 */
	*ms = (int64_t)t * 1000 - XF_STAT_TZ_MS;
	return true;
}

/* The subtree the user may count: false, having answered 403, for a role without
 * statistics, or a unit outside the user's own subtree. */
static bool authorize(xf_req *req, xf_db *db, int64_t asked, int64_t *root)
{
	xf_scope scope = xf_api_scope(req);
	int64_t own;
	if (req->user.roles & STAT_BROAD)
		own = scope.all && !scope.mine_id ? 0 : scope.mine_id;
	else if ((req->user.roles & R(XF_ROLE_UNIT_HEAD)) && scope.unit_id)
		own = scope.unit_id;
	else {
		xf_reply_error(
		    req, 403, "forbidden", NULL,
		    "statistics are for the petition office, leaders, the company, auditors "
		    "and unit heads");
		return false;
	}
	*root = asked ? asked : own;
	if (!asked || !own || asked == own)
		return true;
	int64_t *ids = NULL;
	size_t n = 0;
	int rc = xf_store_unit_subtree(db, own, &ids, &n);
	bool inside = false;
	for (size_t i = 0; rc == XF_OK && i < n; i++)
		inside |= ids[i] == asked;
	free(ids);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return false;
	}
	if (!inside)
		xf_reply_error(req, 403, "forbidden", "unit_id", "unit %lld is outside your units",
		               (long long)asked);
	return inside;
}

/* from, to (Beijing days, inclusive; default: this year so far... to its end) or year
 * (the annual report), and unit_id. False when it answered. */
static bool read_request(xf_req *req, xf_db *db, bool annual, stat_request *r)
{
	memset(r, 0, sizeof *r);
	int64_t now = xf_now_ms();
	r->q.now_ms = now;
	int64_t this_year = xf_shanghai_year(now), year, unit;
	if (annual) {
		if (!xf_api_query_int(req, "year", 2000, 9999, this_year, &year))
			return false;
		r->year = (int)year;
		snprintf(r->from, sizeof r->from, "%04d-01-01", r->year);
		snprintf(r->to, sizeof r->to, "%04d-12-31", r->year);
	} else {
		const char *from = xf_req_query(req, "from"), *to = xf_req_query(req, "to");
		snprintf(r->from, sizeof r->from, "%04lld-01-01", (long long)this_year);
		snprintf(r->to, sizeof r->to, "%04lld-12-31", (long long)this_year);
		if (from && *from)
			snprintf(r->from, sizeof r->from, "%.10s", from);
		if (to && *to)
			snprintf(r->to, sizeof r->to, "%.10s", to);
		if (from && *from && (strlen(from) != 10 || !parse_day(from, &r->q.from_ms))) {
			xf_reply_error(req, 400, "bad_request", "from",
			               "query parameter '%s' must be a day YYYY-MM-DD", "from");
			return false;
		}
		if (to && *to && (strlen(to) != 10 || !parse_day(to, &r->q.to_ms))) {
			xf_reply_error(req, 400, "bad_request", "to",
			               "query parameter '%s' must be a day YYYY-MM-DD", "to");
			return false;
		}
	}
	parse_day(r->from, &r->q.from_ms);
	parse_day(r->to, &r->q.to_ms);
	r->q.to_ms += XF_STAT_DAY_MS; /* to its end */
	int64_t days = (r->q.to_ms - r->q.from_ms) / XF_STAT_DAY_MS;
	if (days < 1 || days > PERIOD_MAX_DAYS) {
		xf_reply_error(req, 400, "bad_request", "to",
		               "the period must run forward from 'from' to 'to', at most %d days",
		               PERIOD_MAX_DAYS);
		return false;
	}
	if (!xf_api_query_int(req, "unit_id", 1, INT64_MAX, 0, &unit))
		return false;
	if (unit &&
	    !xf_api_unit_exists(req, db, "unit_id", unit, r->unit_name, sizeof r->unit_name))
		return false;
	if (!authorize(req, db, unit, &r->q.unit_id))
		return false;
	if (r->q.unit_id && !unit &&
	    !xf_api_unit_exists(req, db, "unit_id", r->q.unit_id, r->unit_name,
	                        sizeof r->unit_name))
		return false;
	return true;
}

/* Reads the statistics in one read transaction (one snapshot); false when it answered. */
static bool load(xf_req *req, xf_db *db, const stat_request *r, xf_statistics *s)
{
	int rc = xf_tx_begin(db, false);
	if (rc == XF_OK) {
		rc = xf_store_statistics(db, &r->q, s);
		if (rc == XF_OK)
			rc = xf_tx_commit(db);
		else
			xf_tx_rollback(db);
	}
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return false;
	}
	return true;
}

/* The months of the period, "YYYY-MM", into out (at most max). */
static size_t period_months(const stat_request *r, char (*out)[8], size_t max)
{
	int y = atoi(r->from), m = atoi(r->from + 5);
	int ty = atoi(r->to), tm = atoi(r->to + 5);
	size_t n = 0;
	while (n < max && (y < ty || (y == ty && m <= tm))) {
		snprintf(out[n++], 8, "%04d-%02d", y, m);
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	return n;
}

#define MONTHS_MAX 124

/* ---- JSON ---- */

/* The label of an empty value without a table of its own: no category written, no
 * grade or procedure (不启动). */
#define NO_VALUE "未填写/不适用"

static const char *none_key(const char *key)
{
	return *key ? key : "none";
}

static json_t *list_json(const xf_stat_list *l, const label *labels, bool unit_ids)
{
	json_t *a = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const xf_stat_count *c = &l->items[i];
		const char *key = none_key(c->key);
		json_t *o = json_pack("{s:s, s:I}", "key", key, "count", (json_int_t)c->count);
		if (unit_ids) {
			json_object_set_new(o, "unit_id", json_integer(strtoll(c->key, NULL, 10)));
			json_object_set_new(o, "label", json_string(c->label));
		} else
			json_object_set_new(o, "label",
			                    json_string(c->label[0] ? c->label
			                                : labels    ? label_of(labels, key)
			                                : c->key[0] ? key
			                                            : NO_VALUE));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *months_json(const stat_request *r, const xf_stat_list *l)
{
	char months[MONTHS_MAX][8];
	size_t n = period_months(r, months, MONTHS_MAX);
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:s, s:I}", "key", months[i], "count",
		                                   (json_int_t)xf_stat_get(l, months[i])));
	return a;
}

static json_t *times_json(const xf_stat_times *t)
{
	return json_pack("{s:I, s:I, s:I}", "count", (json_int_t)t->n, "median_ms",
	                 (json_int_t)t->p50_ms, "p90_ms", (json_int_t)t->p90_ms);
}

static json_t *deadline_json(const xf_stat_deadline *d, int days)
{
	return json_pack("{s:i, s:I, s:I, s:I}", "days", days, "met", (json_int_t)d->met, "missed",
	                 (json_int_t)d->missed, "pending", (json_int_t)d->pending);
}

static json_t *status_list(const xf_stat_list *l)
{
	json_t *a = list_json(l, NULL, false);
	size_t i;
	json_t *o;
	json_array_foreach(a, i, o)
	{
		int st = xf_status_parse(json_string_value(json_object_get(o, "key")));
		if (st >= 0)
			json_object_set_new(o, "label", json_string(xf_status_zh((xf_status)st)));
	}
	return a;
}

static json_t *statistics_json(const stat_request *r, const xf_statistics *s)
{
	json_t *incidents =
	    json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "total",
	              (json_int_t)s->incidents, "by_month", months_json(r, &s->inc_month),
	              "by_unit", list_json(&s->inc_unit, NULL, true), "by_category",
	              list_json(&s->inc_category, NULL, false), "by_destination",
	              list_json(&s->inc_destination, destinations, false), "by_grade",
	              list_json(&s->inc_grade, NULL, false), "by_procedure",
	              list_json(&s->inc_procedure, NULL, false), "by_status",
	              status_list(&s->inc_status), "time_to_activation", times_json(&s->activation),
	              "time_to_resolution", times_json(&s->resolution));
	json_t *matters =
	    json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:{s:o, s:o}}", "total",
	              (json_int_t)s->matters, "by_month", months_json(r, &s->mat_month),
	              "by_category", list_json(&s->mat_category, matter_categories, false),
	              "by_channel", list_json(&s->mat_channel, channels, false), "by_outcome",
	              list_json(&s->mat_outcome, outcomes, false), "by_satisfaction",
	              list_json(&s->mat_satisfaction, satisfactions, false), "deadlines",
	              "acceptance", deadline_json(&s->acceptance, XF_STAT_ACCEPT_DAYS),
	              "conclusion", deadline_json(&s->conclusion, XF_STAT_CONCLUDE_DAYS));
	return json_pack("{s:{s:s, s:s, s:s}, s:o, s:o, s:o}", "period", "from", r->from, "to",
	                 r->to, "time_zone", "Asia/Shanghai", "unit",
	                 r->q.unit_id ? json_pack("{s:I, s:s}", "id", (json_int_t)r->q.unit_id,
	                                          "name", r->unit_name)
	                              : json_null(),
	                 "incidents", incidents, "matters", matters);
}

static void xf_api_statistics_get(xf_req *req)
{
	xf_db *db = xf_db_get();
	stat_request r;
	xf_statistics s;
	if (!read_request(req, db, false, &r) || !load(req, db, &r, &s))
		return;
	xf_reply_json(req, 200, statistics_json(&r, &s));
	xf_statistics_free(&s);
}

/* ---- the tables every export shares: one per breakdown ---- */

typedef struct stat_table {
	const char *sheet, *title, *item;
	const xf_stat_list *list;
	const label *labels;
} stat_table;

static size_t tables_of(const xf_statistics *s, stat_table *t)
{
	size_t n = 0;
	t[n++] = (stat_table){"事件-单位", "信访事件按单位", "单位", &s->inc_unit, NULL};
	t[n++] = (stat_table){"事件-类别", "信访事件按类别", "类别", &s->inc_category, NULL};
	t[n++] =
	    (stat_table){"事件-去向", "信访事件按去向", "去向", &s->inc_destination, destinations};
	t[n++] = (stat_table){"事件-等级", "信访事件按等级", "等级", &s->inc_grade, NULL};
	t[n++] = (stat_table){"事件-程序", "信访事件按处置程序", "程序", &s->inc_procedure, NULL};
	t[n++] = (stat_table){"事件-状态", "信访事件按状态", "状态", &s->inc_status, NULL};
	t[n++] = (stat_table){"诉求-类别", "信访诉求按类别", "类别", &s->mat_category,
	                      matter_categories};
	t[n++] = (stat_table){"诉求-渠道", "信访诉求按渠道", "渠道", &s->mat_channel, channels};
	t[n++] =
	    (stat_table){"诉求-结果", "信访诉求按办理结果", "办理结果", &s->mat_outcome, outcomes};
	t[n++] = (stat_table){"诉求-满意度", "信访诉求按满意度", "满意度", &s->mat_satisfaction,
	                      satisfactions};
	return n;
}

/* The label of item i of a table, in Chinese. */
static const char *item_label(xf_req *req, const stat_table *t, size_t i)
{
	const xf_stat_count *c = &t->list->items[i];
	if (c->label[0])
		return c->label;
	const char *key = none_key(c->key);
	if (t->labels)
		return label_of(t->labels, key);
	int st = xf_status_parse(key);
	if (st >= 0 && strcmp(t->item, "状态") == 0)
		return xf_status_zh((xf_status)st);
	(void)req;
	return c->key[0] ? key : NO_VALUE;
}

static double rate(int64_t part, int64_t whole)
{
	return whole ? (double)part / (double)whole : 0;
}

static double hours(int64_t ms)
{
	return (double)ms / 3600000.0;
}

/* ---- XLSX ---- */

static int xlsx_fill(xf_req *req, const stat_request *r, const xf_statistics *s, xf_xlsx *x)
{
	static const xf_xlsx_format counts[] = {XF_XLSX_INTEGER, XF_XLSX_INTEGER, XF_XLSX_INTEGER};
	const char *scope = r->q.unit_id ? r->unit_name : "全部单位";
	const char *h2[] = {"指标", "数值"};
	int rc = xf_xlsx_sheet(x, "概览",
	                       xf_arena_printf(&req->arena, "信访统计 %s 至 %s（%s，北京时间）",
	                                       r->from, r->to, scope),
	                       2, h2, counts);
	double v[4];
	v[0] = (double)s->incidents;
	rc = rc ? rc : xf_xlsx_row(x, "信访事件（不含演练、作废）", v);
	v[0] = (double)s->matters;
	rc = rc ? rc : xf_xlsx_row(x, "信访诉求", v);

	const char *hm[] = {"月份", "信访事件", "信访诉求"};
	char months[MONTHS_MAX][8];
	size_t n_months = period_months(r, months, MONTHS_MAX);
	rc = rc ? rc : xf_xlsx_sheet(x, "按月", "信访事件与诉求按月（北京时间）", 3, hm, counts);
	for (size_t i = 0; rc == XF_OK && i < n_months; i++) {
		v[0] = (double)xf_stat_get(&s->inc_month, months[i]);
		v[1] = (double)xf_stat_get(&s->mat_month, months[i]);
		rc = xf_xlsx_row(x, months[i], v);
	}
	rc = rc ? rc : xf_xlsx_chart(x, "图表-按月", "信访事件按月", 1, false);

	stat_table t[16];
	size_t n_t = tables_of(s, t);
	for (size_t k = 0; rc == XF_OK && k < n_t; k++) {
		const char *h[] = {t[k].item, "数量", "占比"};
		static const xf_xlsx_format f[] = {XF_XLSX_INTEGER, XF_XLSX_INTEGER,
		                                   XF_XLSX_PERCENT};
		int64_t whole = k < 6 ? s->incidents : s->matters;
		rc = xf_xlsx_sheet(x, t[k].sheet, t[k].title, 3, h, f);
		for (size_t i = 0; rc == XF_OK && i < t[k].list->n; i++) {
			v[0] = (double)t[k].list->items[i].count;
			v[1] = rate(t[k].list->items[i].count, whole);
			rc = xf_xlsx_row(x, item_label(req, &t[k], i), v);
		}
	}

	const char *hd[] = {"法定时限", "按期", "超期", "未到期", "按期率"};
	static const xf_xlsx_format fd[] = {XF_XLSX_INTEGER, XF_XLSX_INTEGER, XF_XLSX_INTEGER,
	                                    XF_XLSX_INTEGER, XF_XLSX_PERCENT};
	rc =
	    rc ? rc
	       : xf_xlsx_sheet(x, "法定时限", "诉求法定时限（受理15日，办结60日+延期）", 5, hd, fd);
	const xf_stat_deadline *dl[] = {&s->acceptance, &s->conclusion};
	const char *dn[] = {"受理告知（15日）", "办结答复（60日+延期）"};
	for (int i = 0; rc == XF_OK && i < 2; i++) {
		v[0] = (double)dl[i]->met;
		v[1] = (double)dl[i]->missed;
		v[2] = (double)dl[i]->pending;
		v[3] = rate(dl[i]->met, dl[i]->met + dl[i]->missed);
		rc = xf_xlsx_row(x, dn[i], v);
	}

	const char *ht[] = {"用时", "件数", "中位数（小时）", "P90（小时）"};
	static const xf_xlsx_format ft[] = {XF_XLSX_INTEGER, XF_XLSX_INTEGER, XF_XLSX_DECIMAL,
	                                    XF_XLSX_DECIMAL};
	rc = rc ? rc : xf_xlsx_sheet(x, "用时", "登记至启动、登记至化解的用时", 4, ht, ft);
	const xf_stat_times *tm[] = {&s->activation, &s->resolution};
	const char *tn[] = {"登记至启动", "登记至化解（总结评价）"};
	for (int i = 0; rc == XF_OK && i < 2; i++) {
		v[0] = (double)tm[i]->n;
		v[1] = hours(tm[i]->p50_ms);
		v[2] = hours(tm[i]->p90_ms);
		rc = xf_xlsx_row(x, tn[i], v);
	}
	return rc;
}

/* Answers bytes made now as a download named name (ascii its fallback). */
static void send_bytes(xf_req *req, const xf_buf *bytes, const char *mime, const char *name,
                       const char *ascii)
{
	xf_api_send_file(
	    req, &(xf_api_file){.bytes = bytes, .mime = mime, .name = name, .ascii = ascii});
}

static const char *file_stem(xf_req *req, const stat_request *r)
{
	return xf_arena_printf(&req->arena, "%s_%s", r->from, r->to);
}

static void xf_api_statistics_xlsx(xf_req *req)
{
	xf_db *db = xf_db_get();
	stat_request r;
	xf_statistics s;
	if (!read_request(req, db, false, &r) || !load(req, db, &r, &s))
		return;
	char err[256] = "";
	xf_buf out = XF_BUF_INIT;
	xf_xlsx *x = xf_xlsx_new("信访统计", err);
	int rc = x ? xlsx_fill(req, &r, &s, x) : XF_ERR;
	if (x && xf_xlsx_finish(x, &out, err) != XF_OK)
		rc = XF_ERR;
	xf_statistics_free(&s);
	if (rc != XF_OK) {
		xf_log("req=%s cannot write the statistics workbook: %s", req->request_id, err);
		xf_reply_error(req, 500, "render_failed", NULL,
		               "the workbook could not be written: %s", err);
	} else
		send_bytes(req, &out,
		           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		           xf_arena_printf(&req->arena, "信访统计_%s.xlsx", file_stem(req, &r)),
		           xf_arena_printf(&req->arena, "statistics_%s.xlsx", file_stem(req, &r)));
	xf_buf_release(&out);
}

/* ---- CSV ---- */

/* A CSV field: quoted when it holds a comma, quote or line break; a leading = + - @
 * is prefixed with ' so a spreadsheet never runs it as a formula. */
static void csv_field(xf_buf *b, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		xf_buf_puts(b, "\"");
	if (strchr("=+-@", s[0]) && s[0])
		xf_buf_puts(b, "'");
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			xf_buf_puts(b, "\"");
		xf_buf_append(b, p, 1);
	}
	if (quote)
		xf_buf_puts(b, "\"");
}

static void csv_row(xf_buf *b, const char *part, const char *item, const char *value)
{
	csv_field(b, part);
	xf_buf_puts(b, ",");
	csv_field(b, item);
	xf_buf_puts(b, ",");
	csv_field(b, value);
	xf_buf_puts(b, "\r\n");
}

static void csv_count(xf_req *req, xf_buf *b, const char *part, const char *item, int64_t n)
{
	csv_row(b, part, item, xf_arena_printf(&req->arena, "%lld", (long long)n));
}

static void csv_fill(xf_req *req, const stat_request *r, const xf_statistics *s, xf_buf *b)
{
	xf_buf_puts(b, "\xEF\xBB\xBF"); /* the BOM: Excel then reads UTF-8 */
	csv_row(b, "统计项", "项目", "数量");
	csv_row(b, "期间（北京时间）", r->from, r->to);
	csv_row(b, "单位", r->q.unit_id ? r->unit_name : "全部单位", "");
	csv_count(req, b, "信访事件", "合计（不含演练、作废）", s->incidents);
	csv_count(req, b, "信访诉求", "合计", s->matters);
	char months[MONTHS_MAX][8];
	size_t n_months = period_months(r, months, MONTHS_MAX);
	for (size_t i = 0; i < n_months; i++)
		csv_count(req, b, "事件-按月", months[i], xf_stat_get(&s->inc_month, months[i]));
	for (size_t i = 0; i < n_months; i++)
		csv_count(req, b, "诉求-按月", months[i], xf_stat_get(&s->mat_month, months[i]));
	stat_table t[16];
	size_t n_t = tables_of(s, t);
	for (size_t k = 0; k < n_t; k++)
		for (size_t i = 0; i < t[k].list->n; i++)
			csv_count(req, b, t[k].sheet, item_label(req, &t[k], i),
			          t[k].list->items[i].count);
	const xf_stat_deadline *dl[] = {&s->acceptance, &s->conclusion};
	const char *dn[] = {"受理告知（15日）", "办结答复（60日+延期）"};
	for (int i = 0; i < 2; i++) {
		const char *part = xf_arena_printf(&req->arena, "法定时限-%s", dn[i]);
		csv_count(req, b, part, "按期", dl[i]->met);
		csv_count(req, b, part, "超期", dl[i]->missed);
		csv_count(req, b, part, "未到期", dl[i]->pending);
	}
	const xf_stat_times *tm[] = {&s->activation, &s->resolution};
	const char *tn[] = {"用时-登记至启动", "用时-登记至化解"};
	for (int i = 0; i < 2; i++) {
		csv_count(req, b, tn[i], "件数", tm[i]->n);
		csv_row(b, tn[i], "中位数（小时）",
		        xf_arena_printf(&req->arena, "%.1f", hours(tm[i]->p50_ms)));
		csv_row(b, tn[i], "P90（小时）",
		        xf_arena_printf(&req->arena, "%.1f", hours(tm[i]->p90_ms)));
	}
}

static void xf_api_statistics_csv(xf_req *req)
{
	xf_db *db = xf_db_get();
	stat_request r;
	xf_statistics s;
	if (!read_request(req, db, false, &r) || !load(req, db, &r, &s))
		return;
	xf_buf out = XF_BUF_INIT;
	csv_fill(req, &r, &s, &out);
	xf_statistics_free(&s);
	send_bytes(req, &out, "text/csv; charset=utf-8",
	           xf_arena_printf(&req->arena, "信访统计_%s.csv", file_stem(req, &r)),
	           xf_arena_printf(&req->arena, "statistics_%s.csv", file_stem(req, &r)));
	xf_buf_release(&out);
}

/* ---- the annual report (Art. 41) ---- */

static void doc_counts(xf_req *req, xf_document *d, xf_doc_section *sec, const char *item,
                       const stat_table *t, int64_t whole)
{
	static const double widths[] = {3, 1, 1};
	xf_doc_block *b = xf_doc_table(d, sec, 3, widths);
	const char *head[] = {item, "数量", "占比"};
	xf_doc_table_header(d, b, head);
	for (size_t i = 0; i < t->list->n; i++) {
		const char *row[] = {
		    item_label(req, t, i),
		    xf_arena_printf(&req->arena, "%lld", (long long)t->list->items[i].count),
		    xf_arena_printf(&req->arena, "%.1f%%",
		                    100 * rate(t->list->items[i].count, whole))};
		xf_doc_table_row(d, b, row);
	}
	if (!t->list->n) {
		const char *row[] = {"（无）", "0", "—"};
		xf_doc_table_row(d, b, row);
	}
}

static xf_document *annual_document(xf_req *req, const stat_request *r, const xf_statistics *s)
{
	xf_document *d = xf_doc_new();
	const char *who = r->q.unit_id ? r->unit_name : "";
	xf_doc_set_title(d, xf_arena_printf(&req->arena, "%s%d年度信访工作情况报告", who, r->year));
	xf_doc_set_issuer(d, r->q.unit_id ? r->unit_name : "信访工作领导小组办公室");
	xf_doc_set_recipient(d, "公司信访办公室");
	time_t now = (time_t)((xf_now_ms() + XF_STAT_TZ_MS) / 1000);
	struct tm tm;
	gmtime_r(&now, &tm);
	char date[32];
	xf_doc_format_date(date, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	xf_doc_set_date(d, date);
	int64_t accepted = s->acceptance.met + s->acceptance.missed;
	int64_t concluded = s->conclusion.met + s->conclusion.missed;

	xf_doc_section *sec = xf_doc_section_add(d, "总体情况", 1);
	xf_doc_paragraph(
	    d, sec,
	    xf_arena_printf(
	        &req->arena,
	        "根据《信访工作条例》第四十一条，现将%d年度（%s至%"
	        "s，北京时间）信访工作情况报告如下。"
	        "全年共发生信访事件%lld起（不含演练和作废登记），收到信访诉求%lld件。"
	        "诉求受理告知按期%lld件、超期%lld件，按期率%.1f%%；办结答复按期%lld件、超期%lld件，"
	        "按期率%.1f%%。",
	        r->year, r->from, r->to, (long long)s->incidents, (long long)s->matters,
	        (long long)s->acceptance.met, (long long)s->acceptance.missed,
	        100 * rate(s->acceptance.met, accepted), (long long)s->conclusion.met,
	        (long long)s->conclusion.missed, 100 * rate(s->conclusion.met, concluded)));

	sec = xf_doc_section_add(d, "信访事件", 1);
	xf_doc_section *sub = xf_doc_section_add(d, "按月分布", 2);
	static const double w2[] = {2, 1, 1};
	xf_doc_block *b = xf_doc_table(d, sub, 3, w2);
	const char *hm[] = {"月份", "信访事件", "信访诉求"};
	xf_doc_table_header(d, b, hm);
	char months[MONTHS_MAX][8];
	size_t n_months = period_months(r, months, MONTHS_MAX);
	for (size_t i = 0; i < n_months; i++) {
		const char *row[] = {
		    months[i],
		    xf_arena_printf(&req->arena, "%lld",
		                    (long long)xf_stat_get(&s->inc_month, months[i])),
		    xf_arena_printf(&req->arena, "%lld",
		                    (long long)xf_stat_get(&s->mat_month, months[i]))};
		xf_doc_table_row(d, b, row);
	}
	stat_table t[16];
	size_t n_t = tables_of(s, t);
	for (size_t k = 0; k < n_t; k++) {
		if (k == 6)
			sec = xf_doc_section_add(d, "信访诉求办理", 1);
		sub = xf_doc_section_add(d, t[k].title, 2);
		doc_counts(req, d, sub, t[k].item, &t[k], k < 6 ? s->incidents : s->matters);
	}
	sec = xf_doc_section_add(d, "处置时效", 1);
	xf_doc_kv_add(d, sec, "登记至启动",
	              xf_arena_printf(&req->arena, "%lld起，中位数%.1f小时，90%%在%.1f小时内",
	                              (long long)s->activation.n, hours(s->activation.p50_ms),
	                              hours(s->activation.p90_ms)));
	xf_doc_kv_add(d, sec, "登记至化解",
	              xf_arena_printf(&req->arena, "%lld起，中位数%.1f小时，90%%在%.1f小时内",
	                              (long long)s->resolution.n, hours(s->resolution.p50_ms),
	                              hours(s->resolution.p90_ms)));
	sec = xf_doc_section_add(d, "统计口径", 1);
	xf_doc_paragraph(
	    d, sec,
	    "事件按发生时间、诉求按收到时间计入所属月份（北京时间）；演练和作废的登记及其"
	    "诉求不计入任何统计；涉及多个单位的事件在各单位分别计数、合计只计一次。"
	    "本报告只含数量，不含信访人、检举控告人及诉求内容。");
	(void)sec;
	return d;
}

static void annual(xf_req *req, bool pdf)
{
	xf_db *db = xf_db_get();
	stat_request r;
	xf_statistics s;
	if (!read_request(req, db, true, &r) || !load(req, db, &r, &s))
		return;
	char err[256] = "";
	xf_buf out = XF_BUF_INIT;
	int rc = xf_api_document_write(annual_document(req, &r, &s), pdf ? &out : NULL,
	                               pdf ? NULL : &out, err);
	xf_statistics_free(&s);
	const char *ext = pdf ? "pdf" : "docx";
	if (rc != XF_OK) {
		xf_log("req=%s cannot render the annual report: %s", req->request_id, err);
		xf_reply_error(req, 500, "render_failed", NULL,
		               "the annual report could not be rendered: %s", err);
	} else
		send_bytes(req, &out, xf_api_document_mime(pdf),
		           xf_arena_printf(&req->arena, "%d年度信访工作情况报告.%s", r.year, ext),
		           xf_arena_printf(&req->arena, "annual-report-%d.%s", r.year, ext));
	xf_buf_release(&out);
}

static void xf_api_statistics_annual_pdf(xf_req *req)
{
	annual(req, true);
}

static void xf_api_statistics_annual_docx(xf_req *req)
{
	annual(req, false);
}

static const xf_route routes[] = {
    {"GET", "/statistics", XF_PERM_INCIDENT_READ, 0, xf_api_statistics_get},
    {"GET", "/statistics/export.xlsx", XF_PERM_INCIDENT_READ, XF_ROUTE_SLOW,
     xf_api_statistics_xlsx},
    {"GET", "/statistics/export.csv", XF_PERM_INCIDENT_READ, 0, xf_api_statistics_csv},
    {"GET", "/statistics/annual.pdf", XF_PERM_INCIDENT_READ, XF_ROUTE_SLOW,
     xf_api_statistics_annual_pdf},
    {"GET", "/statistics/annual.docx", XF_PERM_INCIDENT_READ, XF_ROUTE_SLOW,
     xf_api_statistics_annual_docx},
};

const xf_route_list xf_routes_statistics = {routes, XF_ARRAY_LEN(routes)};
