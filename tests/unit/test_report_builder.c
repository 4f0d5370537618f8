/* Unit tests of the report builder (core/xf_report_builder.h): ID numbers typed into a
 * report's text are masked (runs of 15 to 18 digits, an 18th X included) and nothing
 * else is; each kind's draft has its Chinese sections in order and the incident number
 * in the title; an accusation's content never reaches a draft while its matter is
 * counted; the document of a draft carries the 草稿 watermark and the tables the facts
 * give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_report_builder.h"

static void check_mask(const char *in, const char *want)
{
	char *out = xf_report_mask_ids(in);
	assert_string_equal(out, want);
	free(out);
}

static void test_masks_id_numbers(void **state)
{
	(void)state;
	check_mask("身份证号320102195504121234。", "身份证号3201**********1234。");
	check_mask("31010219650412123X", "3101**********123X");
	check_mask("旧号码320102550412123", "旧号码3201*******2123"); /* 15 digits */
	check_mask("电话13800000000，23人", "电话13800000000，23人"); /* 11 digits stay */
	check_mask("1234567890123456789", "1234567890123456789");     /* 19: not an ID number */
	check_mask("", "");
}

static json_t *facts(void)
{
	static const char text[] =
	    "{\"incident\": {\"number\": \"XF-2026-0007\", \"headcount\": 23,"
	    " \"place\": \"集团公司大门\", \"destination\": \"group\","
	    " \"demands\": \"要求补发取暖补贴\", \"occurred_at\": \"2026-12-06T01:00:00.000Z\","
	    " \"grade_name\": \"三级\", \"procedure_name\": \"处置程序A\","
	    " \"reasons\": [\"适用范围：23人\", \"等级三级：去向集团公司\"]},"
	    " \"units\": [\"综采一队\"],"
	    " \"persons\": [{\"name\": \"林志强\", \"id_number\": \"3201**********1234\","
	    " \"employment\": \"retired\", \"unit\": \"综采一队一班\","
	    " \"role\": \"representative\", \"official\": \"\", \"assignment\": \"\"}],"
	    " \"matters\": [{\"person\": \"林志强\", \"category\": \"accusation\","
	    " \"content\": null, \"outcome\": null, \"satisfaction\": null},"
	    " {\"person\": \"林志强\", \"category\": \"appeal\","
	    " \"content\": \"要求补发取暖补贴\", \"outcome\": \"supported\","
	    " \"satisfaction\": \"satisfied\"}],"
	    " \"records\": [], \"dispatches\": [], \"tasks\": [], \"timeline\": [],"
	    " \"evaluation\": null, \"last_issued_ms\": 0, \"issuer\": \"红旗煤矿\"}";
	json_error_t e;
	json_t *f = json_loads(text, 0, &e);
	if (!f)
		fail_msg("facts: %s", e.text);
	return f;
}

static void check_headings(const char *kind, const char *const *want)
{
	json_t *f = facts();
	assert_non_null(f);
	json_t *d = xf_report_draft(kind, f, NULL, NULL);
	assert_non_null(strstr(json_string_value(json_object_get(d, "title")), "XF-2026-0007"));
	json_t *sections = json_object_get(d, "sections");
	size_t n = 0;
	while (want[n])
		n++;
	assert_int_equal(json_array_size(sections), n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(
		    json_string_value(json_object_get(json_array_get(sections, i), "heading")),
		    want[i]);
	char *all = json_dumps(d, 0);
	assert_null(strstr(all, "320102"));
	free(all);
	json_decref(d);
	json_decref(f);
}

static void test_draft_sections(void **state)
{
	(void)state;
	static const char *const first[] = {
	    "基本情况",         "涉及单位", "事件等级及依据", "已采取的措施", "下一步工作",
	    "报告人及联系方式", NULL};
	static const char *const final[] = {"事件经过", "诉求办理结果", "信访人满意度",
	                                    "原因分析", "经验教训",     "责任追究建议",
	                                    NULL};
	static const char *const summary[] = {
	    "基本情况",   "处置经过", "主要做法",       "存在问题", "经验教训",
	    "下一步工作", "综合评价", "人员及包保情况", "记录清单", NULL};
	check_headings("first", first);
	check_headings("final", final);
	check_headings("summary", summary);
}

static void test_final_counts_accusation_without_content(void **state)
{
	(void)state;
	json_t *f = facts();
	json_t *d = xf_report_draft("final", f, NULL, NULL);
	const char *outcome = json_string_value(
	    json_object_get(json_array_get(json_object_get(d, "sections"), 1), "text"));
	assert_non_null(strstr(outcome, "检举控告"));
	assert_non_null(strstr(outcome, "要求补发取暖补贴"));
	const char *sat = json_string_value(
	    json_object_get(json_array_get(json_object_get(d, "sections"), 2), "text"));
	assert_non_null(strstr(sat, "满意1件"));
	json_decref(d);
	json_decref(f);
}

static void test_document_of_a_draft(void **state)
{
	(void)state;
	json_t *f = facts();
	json_t *d = xf_report_draft("summary", f, NULL, NULL);
	json_object_set_new(d, "kind", json_string("summary"));
	char err[256];
	xf_document *doc = xf_report_document(d, f, NULL, true, err);
	assert_non_null(doc);
	assert_string_equal(doc->watermark, "草稿");
	assert_null(doc->number);
	assert_string_equal(doc->issuer, "红旗煤矿");
	assert_int_equal(doc->n_sections, 9);
	/* the persons section has its table; the records section is the attachment */
	const xf_doc_section *s = doc->sections;
	bool table = false, attachment = false;
	for (; s; s = s->next) {
		for (const xf_doc_block *b = s->blocks; b; b = b->next)
			table |=
			    b->kind == XF_DOC_TABLE && strcmp(s->heading, "人员及包保情况") == 0;
		attachment |= s->attachment && strcmp(s->heading, "记录清单") == 0;
	}
	assert_true(table);
	assert_true(attachment);
	xf_doc_free(doc);
	json_decref(d);
	json_decref(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_masks_id_numbers),
	    cmocka_unit_test(test_draft_sections),
	    cmocka_unit_test(test_final_counts_accusation_without_content),
	    cmocka_unit_test(test_document_of_a_draft),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
