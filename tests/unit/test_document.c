/* Unit tests of the document model (doc/xf_document.h), the C interface the reports
 * API fills: the builder copies text, drops control characters, refuses invalid UTF-8
 * and bad tables, numbers headings 一、/（一）/1.; both writers write into a buffer (a PDF
 * that starts %PDF- and ends %%EOF with its page count; a DOCX that is a zip) and fail
 * cleanly on a sink that cannot be written; the JSON form builds the same model; a
 * document meant for one page fits one; a table row taller than a page is split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doc/xf_document.h"

static xf_document *sample(void)
{
	xf_document *d = xf_doc_new();
	assert_int_equal(xf_doc_set_title(d, "关于退休职工聚集事件的首报"), XF_OK);
	assert_int_equal(xf_doc_set_issuer(d, "红旗煤矿信访办公室"), XF_OK);
	assert_int_equal(xf_doc_set_number(d, "〔2026〕3号"), XF_OK);
	char date[32];
	xf_doc_format_date(date, 2026, 12, 6);
	assert_string_equal(date, "2026年12月6日");
	assert_int_equal(xf_doc_set_date(d, date), XF_OK);
	assert_int_equal(xf_doc_add_meta(d, "版本", "第1版"), XF_OK);
	xf_doc_section *s = xf_doc_section_add(d, "基本情况", 1);
	assert_non_null(s);
	assert_non_null(xf_doc_paragraph(d, s, "正文\x01第一段\x7f"));
	assert_non_null(xf_doc_kv_add(d, s, "时间", "8:10"));
	assert_non_null(xf_doc_kv_add(d, s, "地点", "大门前"));
	xf_doc_block *t = xf_doc_table(d, s, 2, NULL);
	assert_non_null(t);
	const char *h[] = {"序号", "事项"}, *r[] = {"1", NULL};
	assert_int_equal(xf_doc_table_header(d, t, h), XF_OK);
	assert_int_equal(xf_doc_table_row(d, t, r), XF_OK);
	assert_non_null(xf_doc_section_add(d, "记录清单", 1));
	return d;
}

static void test_builder(void **state)
{
	(void)state;
	xf_document *d = sample();
	const xf_doc_block *b = d->sections->blocks;
	assert_string_equal(b->text, "正文第一段"); /* control characters dropped */
	assert_int_equal(b->next->kind, XF_DOC_KV); /* both pairs in one list */
	assert_string_equal(b->next->items->next->key, "地点");
	assert_null(b->next->items->next->next);
	assert_int_equal(b->next->next->n_rows, 1);
	assert_string_equal(b->next->next->rows->cells[1], "");
	assert_int_equal(d->n_sections, 2);
	assert_int_equal(xf_doc_set_title(d, "bad \xff"), XF_ERR);
	assert_string_equal(d->title, "关于退休职工聚集事件的首报");
	assert_null(xf_doc_paragraph(d, d->sections, "\xe4\xb8"));
	assert_null(xf_doc_section_add(d, "x", 4));
	assert_null(xf_doc_table(d, d->sections, 0, NULL));
	assert_null(xf_doc_table(d, d->sections, XF_DOC_MAX_COLS + 1, NULL));
	double w[] = {1, -1};
	assert_null(xf_doc_table(d, d->sections, 2, w));
	xf_doc_free(d);
}

static void test_heading_numbers(void **state)
{
	(void)state;
	char out[32];
	int cases[][2] = {{1, 1}, {1, 10}, {1, 12}, {1, 20}, {1, 99}, {2, 3}, {3, 7}, {1, 100}};
	const char *want[] = {"一、",     "十、",   "十二、", "二十、",
	                      "九十九、", "（三）", "7.",     "100、"};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		xf_doc_heading_number(out, cases[i][0], cases[i][1]);
		assert_string_equal(out, want[i]);
	}
}

static void test_writers_to_buffer(void **state)
{
	(void)state;
	xf_document *d = sample();
	char err[256] = "";
	xf_buf pdf = XF_BUF_INIT, docx = XF_BUF_INIT;
	xf_doc_sink ps = {.fd = -1, .buf = &pdf}, ds = {.fd = -1, .buf = &docx};
	int pages = 0;
	assert_int_equal(xf_doc_write_pdf(d, &ps, &pages, err), XF_OK);
	assert_int_equal(pages, 1);
	assert_true(pdf.len > 1000 && memcmp(pdf.data, "%PDF-", 5) == 0);
	assert_non_null(memmem(pdf.data + pdf.len - 8, 8, "%%EOF", 5));
	assert_int_equal(xf_doc_write_docx(d, &ds, err), XF_OK);
	assert_true(docx.len > 1000 && memcmp(docx.data, "PK\3\4", 4) == 0);
	assert_memory_equal(docx.data + docx.len - 22, "PK\5\6", 4);
	/* a sink that cannot be written: an error, not a crash */
	xf_doc_sink bad = {.fd = -1};
	assert_int_equal(xf_doc_write_pdf(d, &bad, NULL, err), XF_ERR);
	assert_non_null(strstr(err, "cannot write the pdf"));
	bad.failed = false;
	assert_int_equal(xf_doc_write_docx(d, &bad, err), XF_ERR);
	assert_non_null(strstr(err, "cannot write the docx"));
	xf_buf_release(&pdf);
	xf_buf_release(&docx);
	xf_doc_free(d);
}

static void test_json(void **state)
{
	(void)state;
	char err[256] = "";
	const char *ok = "{\"title\":\"终报\",\"sections\":[{\"heading\":\"经过\",\"level\":2,"
	                 "\"blocks\":[\"一段\",{\"type\":\"table\",\"columns\":2,"
	                 "\"header\":[[\"a\",\"b\"]],\"rows\":[[\"1\",null]]}]},"
	                 "{\"heading\":\"清单\",\"attachment\":true}]}";
	xf_document *d = xf_doc_from_json(ok, strlen(ok), err);
	assert_non_null(d);
	assert_string_equal(d->title, "终报");
	assert_int_equal(d->sections->level, 2);
	assert_int_equal(d->sections->blocks->next->n_header, 1);
	assert_true(d->sections->next->attachment);
	xf_doc_free(d);
	const char *bad =
	    "{\"title\":\"t\",\"sections\":[{\"blocks\":[{\"type\":\"kv\",\"items\":[[\"k\"]]}]}]}";
	assert_null(xf_doc_from_json(bad, strlen(bad), err));
	assert_string_equal(err, "sections[0].blocks[0].items[0]: expected 2 cells, found 1");
}

/* Pages of d's PDF, written into a buffer. */
static int pdf_pages(const xf_document *d)
{
	char err[256] = "";
	xf_buf pdf = XF_BUF_INIT;
	xf_doc_sink sink = {.fd = -1, .buf = &pdf};
	int pages = 0;
	assert_int_equal(xf_doc_write_pdf(d, &sink, &pages, err), XF_OK);
	assert_true(pdf.len > 1000 && memcmp(pdf.data, "%PDF-", 5) == 0);
	xf_buf_release(&pdf);
	return pages;
}

/* A document meant for one page (首报) of about 25 lines in all: two pages on the 22-line grid,
 * one when it may tighten it; "one_page" in the JSON form. */
static void test_a_document_meant_for_one_page_fits_one(void **state)
{
	(void)state;
	xf_document *d = sample();
	xf_doc_section *s = xf_doc_section_add(d, "下一步工作", 1);
	for (int i = 0; i < 12; i++)
		assert_non_null(xf_doc_paragraph(d, s, "召开信访领导小组会议研究稳控措施。"));
	assert_int_equal(pdf_pages(d), 2);
	d->one_page = true;
	assert_int_equal(pdf_pages(d), 1);
	/* written through a sink that fails: an error */
	char err[256] = "";
	xf_doc_sink bad = {.fd = -1};
	assert_int_equal(xf_doc_write_pdf(d, &bad, NULL, err), XF_ERR);
	assert_non_null(strstr(err, "cannot write the pdf"));
	/* too long for one page even so: the 22-line grid */
	for (int i = 0; i < 40; i++)
		assert_non_null(xf_doc_paragraph(d, s, "对工作进度情况及时调度、及时汇报。"));
	assert_true(pdf_pages(d) >= 3);
	xf_doc_free(d);

	const char *json = "{\"title\":\"首报\",\"one_page\":true,\"sections\":[]}";
	d = xf_doc_from_json(json, strlen(json), err);
	assert_non_null(d);
	assert_true(d->one_page);
	xf_doc_free(d);
	const char *bad_json = "{\"title\":\"首报\",\"one_page\":\"yes\",\"sections\":[]}";
	assert_null(xf_doc_from_json(bad_json, strlen(bad_json), err));
	assert_string_equal(err, "one_page: expected true or false");
}

/* A table row taller than a page is split over the next pages, not drawn past them. */
static void test_a_row_taller_than_a_page_is_split(void **state)
{
	(void)state;
	xf_document *d = sample();
	xf_doc_section *s = xf_doc_section_add(d, "记录", 1);
	xf_doc_block *t = xf_doc_table(d, s, 2, NULL);
	char *long_text = calloc(1, 300 * 64);
	for (int i = 0; i < 300; i++) /* about three pages in its column */
		sprintf(long_text + strlen(long_text), "第%d段记录现场情况。", i + 1);
	const char *h[] = {"序号", "事项"}, *r1[] = {"1", long_text}, *r2[] = {"2", "末行"};
	assert_int_equal(xf_doc_table_header(d, t, h), XF_OK);
	assert_int_equal(xf_doc_table_row(d, t, r1), XF_OK);
	assert_int_equal(xf_doc_table_row(d, t, r2), XF_OK);
	free(long_text);
	assert_true(pdf_pages(d) >= 5); /* drawn past the page's bottom, it took 3 */
	xf_doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builder),
	    cmocka_unit_test(test_heading_numbers),
	    cmocka_unit_test(test_writers_to_buffer),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_a_document_meant_for_one_page_fits_one),
	    cmocka_unit_test(test_a_row_taller_than_a_page_is_split),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
