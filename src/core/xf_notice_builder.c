/* The notice builder (xf_notice_builder.h): each notice's fields and draft text in
 * Chinese, the stage rule, the query code, and the document. The body of each notice
 * is a few paragraphs built from its fields in the order docs/documents.md gives; the
 * paragraphs go through the report builder's xf_report_text_paragraphs, so an ID number
 * typed into a field is masked as in reports. Times are read in Asia/Shanghai. */
#include "core/xf_notice_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xf_matter.h"
#include "core/xf_person.h"
#include "core/xf_report_builder.h"
#include "core/xf_venue.h"
#include "util/xf_buf.h"

const char *const xf_notice_kind_ids[] = {"acceptance", "non_acceptance", "extension", "answer",
                                          "review",     "re_review",      NULL};
static const char *const kind_zh[] = {"受理告知书", "不予受理告知书", "延期告知书",
                                      "答复意见书", "复查意见书",     "复核意见书"};

enum { K_ACCEPT, K_NON_ACCEPT, K_EXTEND, K_ANSWER, K_REVIEW, K_RE_REVIEW };

int xf_notice_kind_index(const char *kind)
{
	for (int i = 0; kind && xf_notice_kind_ids[i]; i++)
		if (strcmp(xf_notice_kind_ids[i], kind) == 0)
			return i;
	return -1;
}

const char *xf_notice_kind_zh(const char *kind)
{
	int i = xf_notice_kind_index(kind);
	return i < 0 ? kind : kind_zh[i];
}

static const char *const f_accept[] = {"petitioner", "received", "summary", "handling_unit",
                                       "time_limit", "note",     NULL};
static const char *const f_non_accept[] = {"petitioner", "received", "summary",
                                           "reason",     "advice",   NULL};
static const char *const f_extend[] = {"petitioner", "summary", "original_due", "days", "reason",
                                       "new_due",    NULL};
static const char *const f_answer[] = {"petitioner", "summary",   "findings", "basis",
                                       "decision",   "review_to", NULL};
static const char *const f_review[] = {"petitioner", "reviewed", "findings",     "basis",
                                       "decision",   "request",  "re_review_to", NULL};
static const char *const f_re_review[] = {"petitioner", "reviewed", "findings", "basis",
                                          "decision",   "request",  NULL};
static const char *const *const kind_fields[] = {f_accept, f_non_accept, f_extend,
                                                 f_answer, f_review,     f_re_review};

const char *const *xf_notice_fields(const char *kind)
{
	int i = xf_notice_kind_index(kind);
	return i < 0 ? NULL : kind_fields[i];
}

#define ISSUED(st, k) (((st)->issued >> (k)) & 1u)

xf_notice_refusal_kind xf_notice_refusal(const char *kind, const xf_notice_stage *s)
{
	bool decided = ISSUED(s, K_ACCEPT) || ISSUED(s, K_NON_ACCEPT);
	int k = xf_notice_kind_index(kind);
	switch (k) {
	case K_ACCEPT:
	case K_NON_ACCEPT:
		if (decided)
			return XF_NOTICE_DECIDED;
		return k == K_NON_ACCEPT && s->accepted ? XF_NOTICE_ACCEPTED : XF_NOTICE_FITS;
	case K_EXTEND:
	case K_ANSWER:
		if (!ISSUED(s, K_ACCEPT))
			return XF_NOTICE_NOT_ACCEPTED;
		if (ISSUED(s, K_ANSWER))
			return XF_NOTICE_ANSWERED;
		return k == K_EXTEND && ISSUED(s, K_EXTEND) ? XF_NOTICE_EXTENDED : XF_NOTICE_FITS;
	case K_REVIEW:
		if (!ISSUED(s, K_ANSWER))
			return XF_NOTICE_NO_ANSWER;
		return ISSUED(s, K_REVIEW) ? XF_NOTICE_REVIEWED : XF_NOTICE_FITS;
	case K_RE_REVIEW:
		if (!ISSUED(s, K_REVIEW))
			return XF_NOTICE_NO_REVIEW;
		return ISSUED(s, K_RE_REVIEW) ? XF_NOTICE_RE_REVIEWED : XF_NOTICE_FITS;
	default:
		return XF_NOTICE_UNKNOWN;
	}
}

/* ---- drafts ---- */

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static int64_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void zh_date(int64_t ms, char out[32])
{
	if (!ms) {
		out[0] = '\0';
		return;
	}
	time_t secs = (time_t)(ms / 1000) + XF_CST_OFFSET_S;
	struct tm tm;
	gmtime_r(&secs, &tm);
	xf_doc_format_date(out, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int64_t iso_ms(const char *iso)
{
	int64_t ms = 0;
	if (!iso || !*iso || xf_iso_time_parse(iso, &ms) != XF_OK)
		return 0;
	return ms;
}

static void set(json_t *o, const char *key, const char *value)
{
	json_object_set_new(o, key, json_string(value ? value : ""));
}

static const char *outcome_zh(const char *id)
{
	static const char *const zh[] = {"支持", "解释说明", "不予支持"};
	for (size_t i = 0; xf_outcome_ids[i]; i++)
		if (strcmp(xf_outcome_ids[i], id) == 0)
			return zh[i];
	return "";
}

/* The summary of a matter as the petitioner may read it: their own words, but for an
 * accusation, whose content stays in the petition office, only its category. */
static char *summary_of(const json_t *matter)
{
	if (strcmp(str(matter, "category"), "accusation") == 0)
		return xf_strdup("您反映的检举控告事项");
	const char *content = str(matter, "content");
	xf_buf b = XF_BUF_INIT;
	size_t n = 0;
	/* at most 120 characters of the content, cut at a character boundary */
	for (const char *p = content; *p; n++) {
		if (n == 120) {
			xf_buf_puts(&b, "……");
			break;
		}
		size_t len = 1;
		while (p[len] && ((unsigned char)p[len] & 0xC0) == 0x80)
			len++;
		xf_buf_append(&b, p, len);
		p += len;
	}
	char *out = xf_strdup(b.data ? b.data : "");
	xf_buf_release(&b);
	return out;
}

/* A due time of the matter as the API shows it (an ISO time under key), as a date. */
static void api_due(const json_t *api, const char *key, char out[32])
{
	zh_date(iso_ms(str(api, key)), out);
}

json_t *xf_notice_draft(const char *kind, const json_t *facts)
{
	const json_t *matter = json_object_get(facts, "matter");
	const json_t *api = json_object_get(facts, "matter_api");
	const json_t *issued = json_object_get(facts, "issued");
	json_t *f = json_object();
	char received[32], date[32];
	zh_date(num(matter, "received_ms"), received);
	char *summary = summary_of(matter);
	const char *unit = *str(matter, "unit") ? str(matter, "unit") : str(facts, "issuer");
	set(f, "petitioner", str(json_object_get(facts, "person"), "name"));
	switch (xf_notice_kind_index(kind)) {
	case K_ACCEPT:
		set(f, "received", received);
		set(f, "summary", summary);
		set(f, "handling_unit", unit);
		set(f, "time_limit",
		    "自受理之日起60日内办结并书面答复；情况复杂的，经批准可延长，延长期限不超过30"
		    "日");
		set(f, "note", "");
		break;
	case K_NON_ACCEPT:
		set(f, "received", received);
		set(f, "summary", summary);
		set(f, "reason", "");
		set(f, "advice", "");
		break;
	case K_EXTEND: {
		const json_t *ext = json_object_get(api, "extension");
		char days[24] = "";
		if (json_integer_value(json_object_get(ext, "days")))
			snprintf(days, sizeof days, "%lld",
			         (long long)json_integer_value(json_object_get(ext, "days")));
		set(f, "summary", summary);
		int64_t accepted = num(matter, "accepted_ms");
		xf_matter_clock c = {.received_ms = num(matter, "received_ms"),
		                     .accepted = accepted != 0,
		                     .accepted_ms = accepted};
		int64_t due = 0;
		if (xf_matter_conclusion_due(&c, &due))
			zh_date(due, date);
		else
			date[0] = '\0';
		set(f, "original_due", date);
		set(f, "days", days);
		set(f, "reason", str(ext, "reason"));
		api_due(api, "conclusion_due", date);
		set(f, "new_due", *days ? date : "");
		break;
	}
	case K_ANSWER:
		set(f, "summary", summary);
		set(f, "findings", "");
		set(f, "basis", "");
		set(f, "decision", outcome_zh(str(matter, "outcome")));
		set(f, "review_to", unit);
		break;
	case K_REVIEW:
	case K_RE_REVIEW: {
		bool re = xf_notice_kind_index(kind) == K_RE_REVIEW;
		const json_t *prev = json_object_get(issued, re ? "review" : "answer");
		set(f, "reviewed", str(prev, "number"));
		set(f, "request", "");
		set(f, "findings", "");
		set(f, "basis", "");
		set(f, "decision", "");
		if (!re)
			set(f, "re_review_to", "");
		break;
	}
	default:
		break;
	}
	free(summary);
	return f;
}

/* ---- query codes ---- */

static const char code_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"; /* 31 */

void xf_query_code_make(const unsigned char random[XF_QUERY_CODE_LEN], char *out)
{
	size_t o = 0;
	for (size_t i = 0; i < XF_QUERY_CODE_LEN; i++) {
		if (i == XF_QUERY_CODE_LEN / 2)
			out[o++] = '-';
		out[o++] = code_alphabet[random[i] % (sizeof code_alphabet - 1)];
	}
	out[o] = '\0';
}

bool xf_query_code_normalise(const char *in, char *out)
{
	size_t n = 0;
	for (const char *p = in; *p; p++) {
		char c = *p;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (!strchr(code_alphabet, c) || c == '\0' || n == XF_QUERY_CODE_LEN)
			return false;
		out[n++] = c;
	}
	out[n] = '\0';
	return n == XF_QUERY_CODE_LEN;
}

/* ---- the document ---- */

static const char *field(const json_t *notice, const char *key)
{
	return str(json_object_get(notice, "fields"), key);
}

/* The body of a notice: one line a paragraph. */
static void body_text(xf_buf *b, const json_t *n, const char *query_code)
{
	const char *petitioner = field(n, "petitioner");
	const char *summary = field(n, "summary");
	switch (xf_notice_kind_index(str(n, "kind"))) {
	case K_ACCEPT:
		xf_buf_printf(
		    b,
		    "%s于%s提出的信访事项（%"
		    "s），经审查，符合《信访工作条例》规定的受理条件，本机关决定予以受理。\n",
		    *petitioner ? "您" : "你方", field(n, "received"), summary);
		xf_buf_printf(b, "办理单位：%s。\n", field(n, "handling_unit"));
		xf_buf_printf(b, "办理时限：%s。\n", field(n, "time_limit"));
		if (query_code)
			xf_buf_printf(
			    b,
			    "查询方式：凭查询码 %s "
			    "及您登记电话号码的后4位，可在本单位信访信息平台的“信访事项查询”页面查"
			    "询办理进展，并对办理情况作出评价。请妥善保管查询码。\n",
			    query_code);
		else
			xf_buf_puts(b, "查询方式：本告知书签发时生成查询码，凭查询码及登记电话号码"
			               "的后4位可查询办理进展。\n");
		if (*field(n, "note"))
			xf_buf_printf(b, "%s\n", field(n, "note"));
		break;
	case K_NON_ACCEPT:
		xf_buf_printf(b, "您于%s提出的信访事项（%s），经审查，本机关决定不予受理。\n",
		              field(n, "received"), summary);
		xf_buf_printf(b, "不予受理的理由：%s。\n", field(n, "reason"));
		if (*field(n, "advice"))
			xf_buf_printf(b, "%s\n", field(n, "advice"));
		break;
	case K_EXTEND:
		xf_buf_printf(b, "您提出的信访事项（%s）原定办结期限为%s。\n", summary,
		              field(n, "original_due"));
		xf_buf_printf(
		    b,
		    "因%s，根据《信访工作条例》第三十四条，经本单位负责人批准，办理期限延长%"
		    "s日，延长后的办结期限为%s。\n",
		    field(n, "reason"), field(n, "days"), field(n, "new_due"));
		break;
	case K_ANSWER:
		xf_buf_printf(b, "您提出的信访事项（%s），本机关已依法办理，现答复如下：\n",
		              summary);
		xf_buf_printf(b, "经调查核实：%s\n", field(n, "findings"));
		xf_buf_printf(b, "依据：%s\n", field(n, "basis"));
		xf_buf_printf(b, "处理意见：%s。\n", field(n, "decision"));
		xf_buf_printf(b,
		              "如对本答复意见不服，可自收到本意见书之日起30日内，向%"
		              "s请求复查（《信访工作条例》第三十五条）。\n",
		              field(n, "review_to"));
		break;
	case K_REVIEW:
	case K_RE_REVIEW: {
		bool re = xf_notice_kind_index(str(n, "kind")) == K_RE_REVIEW;
		xf_buf_printf(b, "您不服%s%s，提出%s请求%s%s。本机关已依法%s，现提出意见如下：\n",
		              re ? "复查意见书" : "答复意见书", field(n, "reviewed"),
		              re ? "复核" : "复查", *field(n, "request") ? "：" : "",
		              field(n, "request"), re ? "复核" : "复查");
		xf_buf_printf(b, "经%s查明：%s\n", re ? "复核" : "复查", field(n, "findings"));
		xf_buf_printf(b, "依据：%s\n", field(n, "basis"));
		xf_buf_printf(b, "%s意见：%s。\n", re ? "复核" : "复查", field(n, "decision"));
		if (re)
			xf_buf_puts(b,
			            "本复核意见为最终意见。根据《信访工作条例》第三十六条，信访人对"
			            "复核意见不服，仍以同一事实和理由提出信访诉求的，不再受理。\n");
		else
			xf_buf_printf(b,
			              "如对本复查意见不服，可自收到本意见书之日起30日内，向%"
			              "s请求复核（《信访工作条例》第三十六条）。\n",
			              field(n, "re_review_to"));
		break;
	}
	default:
		break;
	}
	(void)petitioner;
}

xf_document *xf_notice_document(const json_t *notice, const json_t *facts, const char *query_code,
                                bool draft, char err[256])
{
	xf_document *d = xf_doc_new();
	int64_t issued = iso_ms(str(notice, "issued_at"));
	char date[32];
	zh_date(issued ? issued : xf_now_ms(), date);
	const char *petitioner = field(notice, "petitioner");
	int rc = xf_doc_set_title(d, xf_notice_kind_zh(str(notice, "kind")));
	if (rc == XF_OK)
		rc = xf_doc_set_issuer(d, *str(facts, "issuer") ? str(facts, "issuer")
		                                                : "信访工作领导小组办公室");
	if (rc == XF_OK && *str(notice, "number"))
		rc = xf_doc_set_number(d, str(notice, "number"));
	if (rc == XF_OK)
		rc = xf_doc_set_date(d, date);
	if (rc == XF_OK && *petitioner)
		rc = xf_doc_set_recipient(d, petitioner);
	if (rc == XF_OK && draft)
		rc = xf_doc_set_watermark(d, "草稿");
	d->one_page = true;
	char matter_no[32];
	snprintf(matter_no, sizeof matter_no, "%lld",
	         (long long)json_integer_value(json_object_get(notice, "matter_id")));
	if (rc == XF_OK)
		rc = xf_doc_add_meta(d, "诉求编号", matter_no);
	if (rc == XF_OK)
		rc = xf_doc_add_meta(d, "文书类别", xf_notice_kind_zh(str(notice, "kind")));
	if (rc == XF_OK && draft)
		rc = xf_doc_add_meta(d, "状态", "草稿，未签发");
	if (rc == XF_OK && !draft) {
		char when[32];
		zh_date(issued, when);
		rc = xf_doc_add_meta(d, "签发日期", when);
		if (rc == XF_OK)
			rc = xf_doc_add_meta(d, "签发人", str(notice, "issued_by_name"));
	}
	xf_doc_section *sec = rc == XF_OK ? xf_doc_section_add(d, NULL, 1) : NULL;
	if (!sec)
		rc = XF_ERR;
	xf_buf b = XF_BUF_INIT;
	body_text(&b, notice, query_code);
	if (rc == XF_OK)
		rc = xf_report_text_paragraphs(d, sec, b.data ? b.data : "");
	xf_buf_release(&b);
	if (rc != XF_OK) {
		snprintf(err, 256, "the notice's text is not valid UTF-8 or too long");
		xf_doc_free(d);
		return NULL;
	}
	return d;
}
