/* Unit tests of the notice builder (core/xf_notice_builder.h): which notice fits which
 * stage of a matter (《信访工作条例》 Art. 22-23, 34, 35, 36, the article in each test's
 * name), the query code (alphabet without look-alikes, normalised as typed), the draft of
 * an accusation that never repeats its content, and the document: title, number,
 * recipient, the code on a 受理告知书, an ID number masked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_notice_builder.h"

#define BIT(kind) (1u << xf_notice_kind_index(kind))

static void test_art22_acceptance_once_by_either_notice(void **state)
{
	(void)state;
	xf_notice_stage s = {0};
	assert_int_equal(xf_notice_refusal("acceptance", &s), XF_NOTICE_FITS);
	assert_int_equal(xf_notice_refusal("non_acceptance", &s), XF_NOTICE_FITS);
	s.issued = BIT("acceptance");
	assert_int_equal(xf_notice_refusal("acceptance", &s), XF_NOTICE_DECIDED);
	assert_int_equal(xf_notice_refusal("non_acceptance", &s), XF_NOTICE_DECIDED);
	xf_notice_stage accepted = {.accepted = true};
	assert_int_equal(xf_notice_refusal("non_acceptance", &accepted), XF_NOTICE_ACCEPTED);
}

static void test_art34_extension_once_before_the_answer(void **state)
{
	(void)state;
	xf_notice_stage s = {0};
	assert_int_equal(xf_notice_refusal("extension", &s), XF_NOTICE_NOT_ACCEPTED);
	s.issued = BIT("acceptance");
	assert_int_equal(xf_notice_refusal("extension", &s), XF_NOTICE_FITS);
	s.issued |= BIT("extension");
	assert_int_equal(xf_notice_refusal("extension", &s), XF_NOTICE_EXTENDED);
	s.issued = BIT("acceptance") | BIT("answer");
	assert_int_equal(xf_notice_refusal("extension", &s), XF_NOTICE_ANSWERED);
}

static void test_art34_answer_after_acceptance_once(void **state)
{
	(void)state;
	xf_notice_stage s = {0};
	assert_int_equal(xf_notice_refusal("answer", &s), XF_NOTICE_NOT_ACCEPTED);
	s.issued = BIT("acceptance");
	assert_int_equal(xf_notice_refusal("answer", &s), XF_NOTICE_FITS);
	s.issued |= BIT("answer");
	assert_int_equal(xf_notice_refusal("answer", &s), XF_NOTICE_ANSWERED);
}

static void test_art35_review_follows_an_issued_answer(void **state)
{
	(void)state;
	xf_notice_stage s = {.issued = BIT("acceptance")};
	assert_int_equal(xf_notice_refusal("review", &s), XF_NOTICE_NO_ANSWER);
	s.issued |= BIT("answer");
	assert_int_equal(xf_notice_refusal("review", &s), XF_NOTICE_FITS);
	s.issued |= BIT("review");
	assert_int_equal(xf_notice_refusal("review", &s), XF_NOTICE_REVIEWED);
}

static void test_art36_re_review_once_then_never_again(void **state)
{
	(void)state;
	xf_notice_stage s = {.issued = BIT("acceptance") | BIT("answer")};
	assert_int_equal(xf_notice_refusal("re_review", &s), XF_NOTICE_NO_REVIEW);
	s.issued |= BIT("review");
	assert_int_equal(xf_notice_refusal("re_review", &s), XF_NOTICE_FITS);
	s.issued |= BIT("re_review");
	assert_int_equal(xf_notice_refusal("re_review", &s), XF_NOTICE_RE_REVIEWED);
	assert_int_equal(xf_notice_refusal("apology", &s), XF_NOTICE_UNKNOWN);
}

static void test_art21_query_code_unambiguous_and_normalised(void **state)
{
	(void)state;
	unsigned char random[XF_QUERY_CODE_LEN];
	char code[XF_QUERY_CODE_LEN + 2], canonical[XF_QUERY_CODE_LEN + 1];
	for (int round = 0; round < 64; round++) {
		for (size_t i = 0; i < sizeof random; i++)
			random[i] = (unsigned char)(round * 37 + i * 11);
		xf_query_code_make(random, code);
		assert_int_equal(strlen(code), XF_QUERY_CODE_LEN + 1);
		assert_int_equal(code[5], '-');
		assert_null(strpbrk(code, "01ILOilo"));
		assert_true(xf_query_code_normalise(code, canonical));
		assert_int_equal(strlen(canonical), XF_QUERY_CODE_LEN);
	}
	assert_true(xf_query_code_normalise("ab2cd 3ef-gh", canonical));
	assert_string_equal(canonical, "AB2CD3EFGH");
	assert_false(xf_query_code_normalise("AB2CD-3EFG", canonical));   /* too short */
	assert_false(xf_query_code_normalise("AB2CD-3EFGHJ", canonical)); /* too long */
	assert_false(xf_query_code_normalise("AB0CD-3EFGH", canonical));  /* 0 is no code letter */
	assert_false(xf_query_code_normalise("AB2CD-3EF\xe4\xb8\x80", canonical));
}

static void test_art30_accusation_draft_names_the_category_only(void **state)
{
	(void)state;
	json_t *facts =
	    json_pack("{s:{s:s, s:s, s:I}, s:{s:s}, s:s}", "matter", "category", "accusation",
	              "content", "队长克扣补贴", "received_ms", (json_int_t)1796572800000LL,
	              "person", "name", "李秀兰", "issuer", "本矿");
	json_t *f = xf_notice_draft("acceptance", facts);
	assert_string_equal(json_string_value(json_object_get(f, "summary")),
	                    "您反映的检举控告事项");
	assert_string_equal(json_string_value(json_object_get(f, "petitioner")), "李秀兰");
	char *dump = json_dumps(f, 0);
	assert_null(strstr(dump, "克扣"));
	free(dump);
	json_decref(f);
	json_decref(facts);
}

static bool doc_has(const xf_document *d, const char *needle)
{
	for (const xf_doc_section *s = d->sections; s; s = s->next)
		for (const xf_doc_block *b = s->blocks; b; b = b->next)
			if (b->text && strstr(b->text, needle))
				return true;
	return false;
}

static void test_art23_acceptance_document_carries_number_and_code(void **state)
{
	(void)state;
	json_t *notice = json_pack(
	    "{s:s, s:I, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s}}", "kind", "acceptance",
	    "matter_id", (json_int_t)7, "number", "〔2026〕3号", "issued_at",
	    "2026-12-06T02:00:00.000Z", "issued_by_name", "刘敏", "fields", "petitioner", "张建国",
	    "received", "2026年12月1日", "summary", "补发津贴（身份证320102195504121234）",
	    "handling_unit", "人力资源部", "time_limit", "60日");
	json_t *facts = json_pack("{s:s}", "issuer", "某煤矿");
	char err[256] = "";
	xf_document *d = xf_notice_document(notice, facts, "ABCDE-FGH23", false, err);
	assert_non_null(d);
	assert_string_equal(d->title, "受理告知书");
	assert_string_equal(d->number, "〔2026〕3号");
	assert_string_equal(d->recipient, "张建国");
	assert_string_equal(d->issuer, "某煤矿");
	assert_null(d->watermark);
	assert_true(doc_has(d, "ABCDE-FGH23"));
	assert_true(doc_has(d, "人力资源部"));
	assert_true(doc_has(d, "3201**********1234"));
	assert_false(doc_has(d, "320102195504121234"));
	xf_doc_free(d);
	d = xf_notice_document(notice, facts, NULL, true, err);
	assert_string_equal(d->watermark, "草稿");
	assert_false(doc_has(d, "ABCDE-FGH23"));
	xf_doc_free(d);
	json_decref(notice);
	json_decref(facts);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_art22_acceptance_once_by_either_notice),
	    cmocka_unit_test(test_art34_extension_once_before_the_answer),
	    cmocka_unit_test(test_art34_answer_after_acceptance_once),
	    cmocka_unit_test(test_art35_review_follows_an_issued_answer),
	    cmocka_unit_test(test_art36_re_review_once_then_never_again),
	    cmocka_unit_test(test_art21_query_code_unambiguous_and_normalised),
	    cmocka_unit_test(test_art30_accusation_draft_names_the_category_only),
	    cmocka_unit_test(test_art23_acceptance_document_carries_number_and_code),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
