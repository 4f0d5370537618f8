/* The report builder (xf_report_builder.h): the Chinese draft text of each kind of
 * report from an incident's facts, and the document (doc/xf_document.h) of a report
 * with the tables the facts give. Times are read in Asia/Shanghai (UTC+8, no DST). */
#include "core/xf_report_builder.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xf_person.h"
#include "core/xf_venue.h"
#include "util/xf_buf.h"

const char *const xf_report_kind_ids[] = {"first", "follow_up", "final", "summary", NULL};
static const char *const kind_zh[] = {"首报", "续报", "终报", "工作总结"};

const char *xf_report_kind_zh(const char *kind)
{
	for (size_t i = 0; xf_report_kind_ids[i]; i++)
		if (strcmp(xf_report_kind_ids[i], kind) == 0)
			return kind_zh[i];
	return kind;
}

/* ---- small readers ---- */

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static int64_t iso_ms(const char *iso)
{
	int64_t ms = 0;
	if (!iso || !*iso || xf_iso_time_parse(iso, &ms) != XF_OK)
		return 0;
	return ms;
}

static struct tm shanghai(int64_t ms)
{
	time_t secs = (time_t)(ms / 1000) + XF_CST_OFFSET_S;
	struct tm tm;
	gmtime_r(&secs, &tm);
	return tm;
}

/* "2026年12月6日9时05分"; "" for 0. */
static void zh_time(int64_t ms, char out[64])
{
	if (!ms) {
		out[0] = '\0';
		return;
	}
	struct tm tm = shanghai(ms);
	snprintf(out, 64, "%d年%d月%d日%d时%02d分", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	         tm.tm_hour, tm.tm_min);
}

/* "12月6日9时05分", for lines of a course of events. */
static void zh_short(int64_t ms, char out[64])
{
	struct tm tm = shanghai(ms);
	snprintf(out, 64, "%d月%d日%d时%02d分", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

static const char *lookup(const char *const *ids, const char *const *zh, const char *id)
{
	for (size_t i = 0; ids[i]; i++)
		if (strcmp(ids[i], id) == 0)
			return zh[i];
	return id;
}

static const char *const dest_ids[] = {"mine", "group", "city", "province", "national", NULL};
static const char *const dest_zh[] = {"本矿", "集团公司", "市", "省", "进京"};
static const char *const emp_ids[] = {"employed", "retired", "family", "external", NULL};
static const char *const emp_zh[] = {"在职", "退休", "家属", "外部"};
static const char *const outcome_ids[] = {"supported", "explained", "not_supported", NULL};
static const char *const outcome_zh[] = {"支持", "解释说明", "不予支持"};
static const char *const sat_ids[] = {"satisfied", "basically_satisfied", "unsatisfied", NULL};

static const char *const asg_ids[] = {"stable", "relapsed", "resolved", NULL};
static const char *const asg_zh[] = {"稳定", "反复", "已化解"};
static const char *const rec_ids[] = {"interview", "photo", "video", "audio",
                                      "document",  "other", NULL};
static const char *const rec_zh[] = {"谈话记录", "照片", "视频", "录音", "文件", "其他"};
static const char *const res_ids[] = {"guards", "vehicles", NULL};
static const char *const res_zh[] = {"保卫人员", "车辆"};

static const char *destination_zh(const json_t *plan, const char *id)
{
	const char *s =
	    json_string_value(json_object_get(json_object_get(plan, "destinations"), id));
	return s ? s : lookup(dest_ids, dest_zh, id);
}

/* A timeline entry's text: a note's own text, else the event's summary. */
static const char *entry_text(const json_t *e)
{
	const json_t *data = json_object_get(e, "data");
	bool note = strcmp(str(e, "action"), "note.create") == 0;
	const char *t = str(data, note ? "text" : "summary");
	return *t ? t : str(e, "action");
}

static int64_t entry_ms(const json_t *e)
{
	const json_t *data = json_object_get(e, "data");
	if (strcmp(str(e, "action"), "note.create") == 0 && iso_ms(str(data, "at")))
		return iso_ms(str(data, "at"));
	return iso_ms(str(e, "at"));
}

static bool is_open(const json_t *task)
{
	const char *s = str(task, "status");
	return strcmp(s, "pending") == 0 || strcmp(s, "in_progress") == 0;
}

/* ---- sections ---- */

static void section(json_t *list, const char *key, const char *heading, xf_buf *text)
{
	/* no trailing line break */
	while (text->len && text->data[text->len - 1] == '\n')
		text->data[--text->len] = '\0';
	json_array_append_new(list, json_pack("{s:s, s:s, s:s%}", "key", key, "heading", heading,
	                                      "text", text->data ? text->data : "", text->len));
	xf_buf_reset(text);
	if (text->data)
		text->data[0] = '\0';
}

static void basic_facts(xf_buf *b, const json_t *facts, const json_t *plan)
{
	const json_t *inc = json_object_get(facts, "incident");
	char when[64];
	zh_time(iso_ms(str(inc, "occurred_at")), when);
	xf_buf_printf(b, "%s，%lld名信访人在%s聚集上访，去向%s（事件编号%s）。\n", when,
	              (long long)json_integer_value(json_object_get(inc, "headcount")),
	              str(inc, "place"), destination_zh(plan, str(inc, "destination")),
	              str(inc, "number"));
	if (*str(inc, "expected_at")) {
		char exp[64];
		zh_time(iso_ms(str(inc, "expected_at")), exp);
		xf_buf_printf(b, "已提前掌握信息，预计%s到访。\n", exp);
	}
	xf_buf_printf(b, "信访人主要诉求：“%s”。\n", str(inc, "demands"));
}

static void units_line(xf_buf *b, const json_t *facts)
{
	const json_t *units = json_object_get(facts, "units");
	if (!json_array_size(units)) {
		xf_buf_puts(b, "涉及单位尚未确定。\n");
		return;
	}
	xf_buf_puts(b, "涉及单位：");
	size_t i;
	json_t *u;
	json_array_foreach(units, i, u)
	    xf_buf_printf(b, "%s%s", i ? "、" : "", json_string_value(u));
	xf_buf_puts(b, "。\n");
}

/* The grade and why; brief: only the reasons about the grade (a 首报 is one page). */
static void grade_lines(xf_buf *b, const json_t *facts, bool brief)
{
	const json_t *inc = json_object_get(facts, "incident");
	if (*str(inc, "grade_name"))
		xf_buf_printf(b, "按应急预案定为%s，适用%s。\n", str(inc, "grade_name"),
		              *str(inc, "procedure_name") ? str(inc, "procedure_name")
		                                          : "预案处置程序");
	else
		xf_buf_puts(b, "不属于预案适用范围。\n");
	size_t i;
	json_t *r;
	size_t n = 0;
	json_array_foreach(json_object_get(inc, "reasons"), i, r)
	{
		const char *why = json_string_value(r);
		if (brief && !strstr(why, "等级"))
			continue;
		const char *colon = strstr(why, "：");
		if (brief)
			xf_buf_printf(b, "定级依据：%s。\n", colon ? colon + strlen("：") : why);
		else
			xf_buf_printf(b, "%zu. %s\n", ++n, why);
	}
}

/* Done tasks (after since_ms when > 0) as lines "（时间）标题：说明". */
static size_t done_lines(xf_buf *b, const json_t *facts, int64_t since_ms, const char *workstream)
{
	size_t n = 0, i;
	json_t *t;
	json_array_foreach(json_object_get(facts, "tasks"), i, t)
	{
		if (strcmp(str(t, "status"), "done") != 0)
			continue;
		int64_t done = iso_ms(str(t, "done_at"));
		if (since_ms && done <= since_ms)
			continue;
		if (workstream) {
			const char *ws = str(t, "workstream");
			if (*workstream ? strcmp(ws, workstream) != 0 : *ws != '\0')
				continue;
		}
		char when[64];
		zh_short(done, when);
		xf_buf_printf(b, "%zu. %s，%s", ++n, when, str(t, "title"));
		if (*str(t, "note"))
			xf_buf_printf(b, "：%s", str(t, "note"));
		xf_buf_puts(b, "。\n");
	}
	return n;
}

static void dispatch_lines(xf_buf *b, const json_t *facts)
{
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(facts, "dispatches"), i, d)
	{
		char when[64];
		zh_short(iso_ms(str(d, "ordered_at")), when);
		xf_buf_printf(b, "%s调派%s%lld%s", when,
		              lookup(res_ids, res_zh, str(d, "resource")),
		              (long long)json_integer_value(json_object_get(d, "quantity")),
		              strcmp(str(d, "resource"), "vehicles") == 0 ? "台" : "人");
		if (*str(d, "arrived_at"))
			xf_buf_puts(b, "，已到达现场");
		if (*str(d, "released_at"))
			xf_buf_puts(b, "，已撤离");
		xf_buf_puts(b, "。\n");
	}
}

/* The open steps still to do (not the closing steps, not the report-up itself), at
 * most 8. */
static size_t next_lines(xf_buf *b, const json_t *facts)
{
	size_t n = 0, i, more = 0;
	json_t *t;
	json_array_foreach(json_object_get(facts, "tasks"), i, t)
	{
		const char *kind = str(t, "kind");
		if (!is_open(t) || strcmp(kind, "closing") == 0 || strncmp(kind, "report_", 7) == 0)
			continue;
		if (n == 8) {
			more++;
			continue;
		}
		xf_buf_printf(b, "%zu. %s。\n", ++n, str(t, "title"));
	}
	if (more)
		xf_buf_printf(b, "另有%zu项工作按预案推进。\n", more);
	if (!n)
		xf_buf_puts(b, "按预案完成后续记录、评价、总结和归档工作。\n");
	return n;
}

static void assignment_summary(xf_buf *b, const json_t *facts)
{
	const json_t *persons = json_object_get(facts, "persons");
	size_t n = json_array_size(persons), assigned = 0, i;
	json_t *p;
	json_array_foreach(persons, i, p) assigned += *str(p, "official") != '\0';
	if (!n)
		xf_buf_puts(b, "尚未录入信访人。\n");
	else
		xf_buf_printf(b, "已登记信访人%zu名，落实包保责任人%zu名%s。\n", n, assigned,
		              assigned < n ? "，其余正在落实" : "，实现包保到人");
}

static void reporter_line(xf_buf *b, const json_t *reporter)
{
	if (!reporter)
		return;
	xf_buf_printf(b, "报告人：%s", str(reporter, "name"));
	if (*str(reporter, "phone"))
		xf_buf_printf(b, "，联系电话：%s", str(reporter, "phone"));
	xf_buf_puts(b, "。\n");
}

static void timeline_lines(xf_buf *b, const json_t *facts, int64_t since_ms)
{
	size_t n = 0, i;
	json_t *e;
	json_array_foreach(json_object_get(facts, "timeline"), i, e)
	{
		int64_t at = entry_ms(e);
		if (since_ms && at <= since_ms)
			continue;
		const char *action = str(e, "action");
		if (strncmp(action, "report.", 7) == 0 || strcmp(action, "record.download") == 0)
			continue;
		char when[64];
		zh_short(at, when);
		xf_buf_printf(b, "%zu. %s，%s。\n", ++n, when, entry_text(e));
	}
	if (!n)
		xf_buf_puts(b, "无新的变化。\n");
}

static const char *workstream_name(const json_t *plan, const char *id, const char *fallback)
{
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(plan, "workstreams"), i,
	                   w) if (strcmp(str(w, "id"), id) == 0) return str(w, "name");
	return fallback;
}

/* Each report kind has its own list of sections; they share one text buffer, which
 * section() empties after every heading. */

static void draft_first(json_t *list, xf_buf *b, const json_t *facts, const json_t *plan,
                        const json_t *reporter)
{
	basic_facts(b, facts, plan);
	section(list, "basic", "基本情况", b);
	units_line(b, facts);
	section(list, "units", "涉及单位", b);
	grade_lines(b, facts, true);
	section(list, "grade", "事件等级及依据", b);
	xf_buf_puts(b, "已启动应急预案，相关人员按分工开展工作。\n");
	done_lines(b, facts, 0, NULL);
	dispatch_lines(b, facts);
	section(list, "measures", "已采取的措施", b);
	next_lines(b, facts);
	section(list, "next", "下一步工作", b);
	reporter_line(b, reporter);
	section(list, "reporter", "报告人及联系方式", b);
}

static void follow_up_changes(xf_buf *b, const json_t *facts, const json_t *plan, int64_t since)
{
	const json_t *inc = json_object_get(facts, "incident");
	if (since) {
		char when[64];
		zh_time(since, when);
		xf_buf_printf(b, "自上次报告（%s）以来：\n", when);
	}
	timeline_lines(b, facts, since);
	xf_buf_printf(b, "目前事件人数%lld人，去向%s，等级%s。\n",
	              (long long)json_integer_value(json_object_get(inc, "headcount")),
	              destination_zh(plan, str(inc, "destination")),
	              *str(inc, "grade_name") ? str(inc, "grade_name") : "未定级");
}

static void reply_lines(xf_buf *b, const json_t *facts)
{
	size_t n = 0, i;
	json_t *t;
	json_array_foreach(json_object_get(facts, "tasks"), i, t)
	{
		if (!json_is_true(json_object_get(t, "chooses_venue")))
			continue;
		xf_buf_printf(b, "%s：%s%s%s。\n", str(t, "title"),
		              is_open(t) ? "正在安排" : "已完成", *str(t, "note") ? "，" : "",
		              str(t, "note"));
		n++;
	}
	if (!n)
		xf_buf_puts(b, "答复时间、地点待定。\n");
}

static void draft_follow_up(json_t *list, xf_buf *b, const json_t *facts, const json_t *plan,
                            const json_t *reporter)
{
	int64_t since = json_integer_value(json_object_get(facts, "last_issued_ms"));
	follow_up_changes(b, facts, plan, since);
	section(list, "changes", "事态变化", b);
	if (!done_lines(b, facts, since, NULL))
		xf_buf_puts(b, "继续按预案开展处置工作。\n");
	section(list, "measures", "处置措施", b);
	dispatch_lines(b, facts);
	if (!b->len)
		xf_buf_puts(b, "现场由信访办和相关单位人员负责劝导。\n");
	section(list, "on_site", "现场人员", b);
	assignment_summary(b, facts);
	section(list, "persons", "包保情况", b);
	reply_lines(b, facts);
	section(list, "reply", "答复安排", b);
	next_lines(b, facts);
	section(list, "next", "下一步工作", b);
	reporter_line(b, reporter);
	section(list, "reporter", "报告人及联系方式", b);
}

/* One line per matter; counts the satisfaction answers into sat[3]. */
static void matter_lines(xf_buf *b, const json_t *facts, int sat[3])
{
	const json_t *inc = json_object_get(facts, "incident");
	size_t i, n = 0;
	json_t *m;
	json_array_foreach(json_object_get(facts, "matters"), i, m)
	{
		const char *outcome = str(m, "outcome");
		xf_buf_printf(b, "%zu. %s反映的%s事项", ++n, str(m, "person"),
		              xf_category_zh(str(m, "category")));
		if (json_is_string(json_object_get(m, "content")))
			xf_buf_printf(b, "（%s）", str(m, "content"));
		xf_buf_printf(b, "：%s。\n",
		              *outcome ? lookup(outcome_ids, outcome_zh, outcome) : "正在办理");
		for (int k = 0; k < 3; k++)
			sat[k] += strcmp(str(m, "satisfaction"), sat_ids[k]) == 0;
	}
	if (!n)
		xf_buf_printf(b, "信访人诉求“%s”已依法依规办理。\n", str(inc, "demands"));
}

static void lessons_line(xf_buf *b, const json_t *facts)
{
	const json_t *ev = json_object_get(facts, "evaluation");
	xf_buf_puts(b, *str(ev, "lessons") ? str(ev, "lessons") : "（请填写经验教训。）");
}

static void draft_final(json_t *list, xf_buf *b, const json_t *facts, const json_t *plan)
{
	basic_facts(b, facts, plan);
	timeline_lines(b, facts, 0);
	section(list, "course", "事件经过", b);
	int sat[3] = {0, 0, 0};
	matter_lines(b, facts, sat);
	section(list, "outcome", "诉求办理结果", b);
	if (sat[0] + sat[1] + sat[2])
		xf_buf_printf(b, "满意%d件，基本满意%d件，不满意%d件。\n", sat[0], sat[1], sat[2]);
	else
		xf_buf_puts(b, "尚未评价满意度。\n");
	section(list, "satisfaction", "信访人满意度", b);
	xf_buf_puts(b, "（请填写事件发生的原因分析。）\n");
	section(list, "cause", "原因分析", b);
	lessons_line(b, facts);
	section(list, "lessons", "经验教训", b);
	const char *acc = str(json_object_get(plan, "accountability"), "text");
	if (*acc)
		xf_buf_printf(b, "按照预案要求：%s\n", acc);
	xf_buf_puts(b, "（请根据调查情况提出具体的责任追究建议。）\n");
	section(list, "accountability", "责任追究建议", b);
}

static void summary_course(xf_buf *b, const json_t *facts, const json_t *plan)
{
	static const char *const ws[] = {"control", "guidance", "liaison"};
	static const char *const ws_zh[] = {"事态控制", "教育引导", "协调联络"};
	static const char *const num[] = {"（一）", "（二）", "（三）", "（四）"};
	for (int k = 0; k < 3; k++) {
		xf_buf_printf(b, "%s%s\n", num[k], workstream_name(plan, ws[k], ws_zh[k]));
		if (!done_lines(b, facts, 0, ws[k]))
			xf_buf_puts(b, "无记录。\n");
	}
	xf_buf_printf(b, "%s其他工作\n", num[3]);
	if (!done_lines(b, facts, 0, ""))
		xf_buf_puts(b, "无记录。\n");
}

static void summary_practices(xf_buf *b, const json_t *facts)
{
	const json_t *inc = json_object_get(facts, "incident");
	xf_buf_printf(b, "1. 及时启动应急预案（%s）。\n",
	              *str(inc, "procedure_name") ? str(inc, "procedure_name") : "预案处置程序");
	xf_buf_puts(b, "2. ");
	assignment_summary(b, facts);
	xf_buf_printf(b, "3. 记录在案材料%zu份（见附件）。\n",
	              json_array_size(json_object_get(facts, "records")));
	dispatch_lines(b, facts);
}

static void summary_problems(xf_buf *b, const json_t *facts)
{
	size_t i, n = 0;
	json_t *t;
	json_array_foreach(json_object_get(facts, "tasks"), i, t)
	{
		if (strcmp(str(t, "status"), "skipped") == 0)
			xf_buf_printf(b, "%zu. %s未完成：%s。\n", ++n, str(t, "title"),
			              str(t, "skip_reason"));
	}
	if (!n)
		xf_buf_puts(b, "（请填写处置中存在的问题。）\n");
}

static void summary_next(xf_buf *b, const json_t *facts)
{
	size_t i, assigned = 0;
	json_t *t;
	json_array_foreach(json_object_get(facts, "persons"), i, t) assigned +=
	    *str(t, "official") && strcmp(str(t, "assignment"), "resolved") != 0;
	if (assigned)
		xf_buf_printf(b, "继续做好%zu名信访人的包保稳控和回访工作。\n", assigned);
	next_lines(b, facts);
}

static void draft_summary(json_t *list, xf_buf *b, const json_t *facts, const json_t *plan)
{
	basic_facts(b, facts, plan);
	units_line(b, facts);
	grade_lines(b, facts, false);
	section(list, "basic", "基本情况", b);
	summary_course(b, facts, plan);
	section(list, "course", "处置经过", b);
	summary_practices(b, facts);
	section(list, "practices", "主要做法", b);
	summary_problems(b, facts);
	section(list, "problems", "存在问题", b);
	lessons_line(b, facts);
	section(list, "lessons", "经验教训", b);
	summary_next(b, facts);
	section(list, "next", "下一步工作", b);
	const json_t *ev = json_object_get(facts, "evaluation");
	xf_buf_puts(b, json_is_object(ev) ? "综合评价各项得分见下表。" : "尚未进行综合评价。");
	section(list, "evaluation", "综合评价", b);
	xf_buf_puts(b, "信访人及包保责任落实情况见下表。");
	section(list, "persons", "人员及包保情况", b);
	xf_buf_puts(b, "记录在案材料及其SHA-256校验值见下表。");
	section(list, "records", "记录清单", b);
}

json_t *xf_report_draft(const char *kind, const json_t *facts, const json_t *plan,
                        const json_t *reporter)
{
	const json_t *inc = json_object_get(facts, "incident");
	json_t *list = json_array();
	xf_buf b;
	xf_buf_init(&b, 0);
	if (strcmp(kind, "first") == 0)
		draft_first(list, &b, facts, plan, reporter);
	else if (strcmp(kind, "follow_up") == 0)
		draft_follow_up(list, &b, facts, plan, reporter);
	else if (strcmp(kind, "final") == 0)
		draft_final(list, &b, facts, plan);
	else /* summary */
		draft_summary(list, &b, facts, plan);
	xf_buf_release(&b);
	char title[512];
	snprintf(title, sizeof title, "关于%s号信访事件的%s", str(inc, "number"),
	         xf_report_kind_zh(kind));
	return json_pack("{s:s, s:o}", "title", title, "sections", list);
}

/* ---- the document ---- */

char *xf_report_mask_ids(const char *text)
{
	size_t n = strlen(text);
	char *out = xf_malloc(n + 1);
	memcpy(out, text, n + 1);
	for (size_t i = 0; i < n;) {
		if (out[i] < '0' || out[i] > '9' ||
		    (i > 0 && out[i - 1] >= '0' && out[i - 1] <= '9')) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && out[j] >= '0' && out[j] <= '9')
			j++;
		if (j - i == 17 && j < n && (out[j] == 'X' || out[j] == 'x'))
			j++;
		size_t len = j - i;
		if (len >= 15 && len <= 18) {
			char run[24], masked[24];
			memcpy(run, out + i, len);
			run[len] = '\0';
			xf_mask_id_number(run, masked, sizeof masked);
			memcpy(out + i, masked, len);
		}
		i = j;
	}
	return out;
}

static int para(xf_document *d, xf_doc_section *s, const char *line)
{
	char *masked = xf_report_mask_ids(line);
	xf_doc_block *b = xf_doc_paragraph(d, s, masked);
	free(masked);
	return b ? XF_OK : XF_ERR;
}

static int table(xf_document *d, xf_doc_section *s, size_t cols, const double *widths,
                 const char *const *header, xf_doc_block **out)
{
	*out = xf_doc_table(d, s, cols, widths);
	if (!*out || xf_doc_table_header(d, *out, header) != XF_OK)
		return XF_ERR;
	return XF_OK;
}

/* Fills the cells after the number of one row of a list_table for item; scratch has room
 * for a cell the filler makes up. */
typedef void (*row_filler)(const json_t *item, const char **cells, char scratch[64]);

/* facts[key] as a table with a running number in its first column and one row of `cols`
 * cells per element, or the paragraph `none` when there is no element. */
static int list_table(xf_document *d, xf_doc_section *s, const json_t *facts, const char *key,
                      const char *none, size_t cols, const double *widths, const char *const *head,
                      row_filler fill)
{
	const json_t *list = json_object_get(facts, key);
	if (!json_array_size(list))
		return para(d, s, none);
	xf_doc_block *t;
	if (table(d, s, cols, widths, head, &t) != XF_OK)
		return XF_ERR;
	size_t i;
	json_t *item;
	json_array_foreach(list, i, item)
	{
		char no[24], scratch[64];
		const char *row[8] = {no};
		assert(cols <= XF_ARRAY_LEN(row));
		snprintf(no, sizeof no, "%zu", i + 1);
		fill(item, row + 1, scratch);
		if (xf_doc_table_row(d, t, row) != XF_OK)
			return XF_ERR;
	}
	return XF_OK;
}

static void person_row(const json_t *p, const char **cells, char scratch[64])
{
	(void)scratch;
	const char *a = str(p, "assignment");
	cells[0] = str(p, "name");
	cells[1] = *str(p, "id_number") ? str(p, "id_number") : "—";
	cells[2] = lookup(emp_ids, emp_zh, str(p, "employment"));
	cells[3] = str(p, "unit");
	cells[4] = *str(p, "official") ? str(p, "official") : "未落实";
	cells[5] = *a ? lookup(asg_ids, asg_zh, a) : "—";
}

static int persons_table(xf_document *d, xf_doc_section *s, const json_t *facts)
{
	static const char *const head[] = {"序号", "姓名",       "身份证号", "身份",
	                                   "单位", "包保责任人", "包保状态"};
	static const double widths[] = {0.6, 1.1, 2.9, 0.7, 1.6, 1.3, 1};
	return list_table(d, s, facts, "persons", "（尚未录入信访人。）", 7, widths, head,
	                  person_row);
}

static int evaluation_table(xf_document *d, xf_doc_section *s, const json_t *facts,
                            const json_t *plan)
{
	const json_t *ev = json_object_get(facts, "evaluation");
	const json_t *scores = json_object_get(ev, "scores");
	if (!json_is_object(scores) || !json_object_size(scores))
		return XF_OK;
	static const char *const head[] = {"评价项目", "得分（1-5）", "说明"};
	static const double widths[] = {1.4, 1, 4};
	xf_doc_block *t;
	if (table(d, s, 3, widths, head, &t) != XF_OK)
		return XF_ERR;
	const json_t *dims = json_object_get(json_object_get(plan, "evaluation"), "dimensions");
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)scores, key, v)
	{
		const char *name = key;
		size_t i;
		json_t *dim;
		json_array_foreach(dims, i, dim) if (strcmp(str(dim, "id"), key) == 0) name =
		    str(dim, "title");
		char score[16] = "—";
		if (json_is_integer(json_object_get(v, "score")))
			snprintf(score, sizeof score, "%lld",
			         (long long)json_integer_value(json_object_get(v, "score")));
		char *comment = xf_report_mask_ids(str(v, "comment"));
		const char *row[] = {name, score, comment};
		int rc = xf_doc_table_row(d, t, row);
		free(comment);
		if (rc != XF_OK)
			return XF_ERR;
	}
	return XF_OK;
}

static void record_row(const json_t *r, const char **cells, char scratch[64])
{
	zh_time(iso_ms(str(r, "at")), scratch);
	cells[0] = str(r, "title");
	cells[1] = lookup(rec_ids, rec_zh, str(r, "kind"));
	cells[2] = scratch;
	cells[3] = *str(r, "sha256") ? str(r, "sha256") : "（无文件）";
}

static int records_table(xf_document *d, xf_doc_section *s, const json_t *facts)
{
	static const char *const head[] = {"序号", "标题", "类别", "时间", "SHA-256"};
	static const double widths[] = {0.5, 1.6, 0.8, 1.4, 3.6};
	return list_table(d, s, facts, "records", "（无记录在案材料。）", 5, widths, head,
	                  record_row);
}

/* 文头: title, issuer, number, date, recipient and, on a draft, the watermark. */
static int report_front(xf_document *d, const json_t *report, const json_t *facts, int64_t issued,
                        bool draft)
{
	struct tm tm = shanghai(issued ? issued : xf_now_ms());
	char date[32];
	xf_doc_format_date(date, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	int rc = xf_doc_set_title(d, str(report, "title"));
	if (rc == XF_OK)
		rc = xf_doc_set_issuer(d, *str(facts, "issuer") ? str(facts, "issuer")
		                                                : "信访工作领导小组");
	if (rc == XF_OK && *str(report, "number"))
		rc = xf_doc_set_number(d, str(report, "number"));
	if (rc == XF_OK)
		rc = xf_doc_set_date(d, date);
	if (rc == XF_OK)
		rc = xf_doc_set_recipient(d, "公司信访办公室");
	if (rc == XF_OK && draft)
		rc = xf_doc_set_watermark(d, "草稿");
	d->one_page = strcmp(str(report, "kind"), "first") == 0; /* 首报: short, one page */
	return rc;
}

/* 版记 of an issued version: which version, when and by whom it was issued. */
static int issued_meta(xf_document *d, const json_t *report, int64_t issued)
{
	char v[32], when[64];
	snprintf(v, sizeof v, "第%lld版",
	         (long long)json_integer_value(json_object_get(report, "version")));
	zh_time(issued, when);
	int rc = xf_doc_add_meta(d, "版本", v);
	if (rc == XF_OK)
		rc = xf_doc_add_meta(d, "签发时间", when);
	if (rc == XF_OK)
		rc = xf_doc_add_meta(d, "签发人", str(report, "issued_by_name"));
	return rc;
}

/* 版记: what the version is and what it stood on. */
static int report_meta(xf_document *d, const json_t *report, const json_t *facts, int64_t issued,
                       bool draft)
{
	const json_t *inc = json_object_get(facts, "incident");
	int rc = xf_doc_add_meta(d, "事件编号", str(inc, "number"));
	if (rc == XF_OK)
		rc = xf_doc_add_meta(d, "报告类别", xf_report_kind_zh(str(report, "kind")));
	if (rc == XF_OK && draft)
		rc = xf_doc_add_meta(d, "状态", "草稿，未签发");
	if (rc == XF_OK && !draft)
		rc = issued_meta(d, report, issued);
	if (rc == XF_OK && *str(report, "replaces_number")) {
		char r[96];
		snprintf(r, sizeof r, "本版更正%s", str(report, "replaces_number"));
		rc = xf_doc_add_meta(d, "更正", r);
	}
	const json_t *head = json_object_get(facts, "chain_head");
	if (rc == XF_OK && json_is_object(head)) {
		char h[128];
		snprintf(h, sizeof h, "#%lld %s",
		         (long long)json_integer_value(json_object_get(head, "seq")),
		         str(head, "hash"));
		rc = xf_doc_add_meta(d, "审计链头", h);
	}
	return rc;
}

int xf_report_text_paragraphs(xf_document *d, xf_doc_section *sec, const char *text)
{
	int rc = XF_OK;
	while (rc == XF_OK && *text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		if (len) {
			char *line = xf_malloc(len + 1);
			memcpy(line, text, len);
			line[len] = '\0';
			rc = para(d, sec, line);
			free(line);
		}
		text += len + (nl ? 1 : 0);
	}
	return rc;
}

/* One section of the report: its heading, a paragraph per line of its text and, for the
 * sections that have one, the table of the facts. */
static int report_section(xf_document *d, const json_t *s, const json_t *facts, const json_t *plan)
{
	const char *key = str(s, "key");
	xf_doc_section *sec = xf_doc_section_add(d, str(s, "heading"), 1);
	if (!sec)
		return XF_ERR;
	if (strcmp(key, "records") == 0)
		sec->attachment = true;
	int rc = xf_report_text_paragraphs(d, sec, str(s, "text"));
	if (rc == XF_OK && strcmp(key, "persons") == 0)
		rc = persons_table(d, sec, facts);
	else if (rc == XF_OK && strcmp(key, "evaluation") == 0)
		rc = evaluation_table(d, sec, facts, plan);
	else if (rc == XF_OK && strcmp(key, "records") == 0)
		rc = records_table(d, sec, facts);
	return rc;
}

xf_document *xf_report_document(const json_t *report, const json_t *facts, const json_t *plan,
                                bool draft, char err[256])
{
	xf_document *d = xf_doc_new();
	int64_t issued = iso_ms(str(report, "issued_at"));
	int rc = report_front(d, report, facts, issued, draft);
	if (rc == XF_OK)
		rc = report_meta(d, report, facts, issued, draft);
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(report, "sections"), i, s)
	{
		if (rc != XF_OK)
			break;
		rc = report_section(d, s, facts, plan);
	}
	if (rc != XF_OK) {
		snprintf(err, 256, "the report's text is not valid UTF-8 or too long");
		xf_doc_free(d);
		return NULL;
	}
	return d;
}
