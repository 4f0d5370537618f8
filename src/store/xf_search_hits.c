/* Ranking order and hits shared by both search engines: see xf_search_hits.h. */
#include "store/xf_search_hits.h"

#include <assert.h>
#include <stdbool.h>
#include <string.h>

#include "util/xf_buf.h"

/* The natural logarithm of x > 0, to double precision: the library links without
 * libm. x = m * 2^e with m in [1, 2), ln m = 2 atanh((m - 1) / (m + 1)). */
static double natural_log(double x)
{
	assert(x > 0.0);
	int e = 0;
	while (x >= 2.0) {
		x /= 2.0;
		e++;
	}
	while (x < 1.0) {
		x *= 2.0;
		e--;
	}
	double z = (x - 1.0) / (x + 1.0), z2 = z * z, term = z, sum = 0.0;
	for (int k = 1; k < 60; k += 2) {
		sum += term / k;
		term *= z2;
	}
	return 2.0 * sum + e * 0.69314718055994530942;
}

double xf_search_idf(int64_t rows, int64_t df)
{
	df = df < 0 ? 0 : df > rows ? rows : df;
	double ratio = ((double)rows - (double)df + 0.5) / ((double)df + 0.5);
	return ratio > 1.0 ? natural_log(ratio) : 1e-6;
}

double xf_search_bm25_term(double idf, double freq, double size, double avgdl)
{
	return idf * (freq * (XF_SEARCH_BM25_K1 + 1.0)) /
	       (freq +
	        XF_SEARCH_BM25_K1 * (1.0 - XF_SEARCH_BM25_B + XF_SEARCH_BM25_B * size / avgdl));
}

int xf_search_best_first(const void *a, const void *b)
{
	const xf_search_ranked *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->id < y->id ? 1 : x->id > y->id ? -1 : 0;
}

json_t *xf_search_text_json(const char *text, size_t n)
{
	json_t *s = json_stringn(text, n);
	if (s && !memchr(text, '\0', n))
		return s;
	json_decref(s);
	xf_buf b = XF_BUF_INIT;
	for (size_t i = 0; i < n;) {
		size_t at = i;
		int32_t cp = xf_cjk_decode(text, n, &i);
		if (cp <= 0)
			xf_buf_puts(&b, "\xef\xbf\xbd");
		else
			xf_buf_append(&b, text + at, i - at);
	}
	s = json_stringn(b.data ? b.data : "", b.len);
	xf_buf_release(&b);
	return s;
}

typedef struct highlight_builder {
	json_t *segments;
	xf_buf text;
	bool match;
} highlight_builder;

static void flush_segment(highlight_builder *h)
{
	if (h->text.len == 0)
		return;
	json_array_append_new(
	    h->segments,
	    json_pack("[o, b]", xf_search_text_json(h->text.data, h->text.len), h->match));
	xf_buf_reset(&h->text);
}

/* Joins neighbouring pieces of the same kind (a cut text and its ellipsis). */
static void add_piece(void *ctx, const char *text, size_t n, bool match)
{
	highlight_builder *h = ctx;
	if (h->text.len > 0 && h->match != match)
		flush_segment(h);
	h->match = match;
	xf_buf_append(&h->text, text, n);
}

static json_t *highlight_json(const char *text, size_t len, const xf_cjk_marks *marks)
{
	highlight_builder h = {json_array(), XF_BUF_INIT, false};
	xf_cjk_highlight(text, len, marks, XF_SEARCH_HIGHLIGHT_CHARS, add_piece, &h);
	flush_segment(&h);
	xf_buf_release(&h.text);
	return h.segments;
}

/* The highlight of the column that matches best: more of the query's phrases, then
 * more occurrences weighted as the rank weighs the columns, then the title. */
static json_t *best_highlight(const xf_cjk_query *q, const xf_search_doc_row *d)
{
	xf_cjk_marks mt = XF_CJK_MARKS_INIT, mb = XF_CJK_MARKS_INIT;
	xf_cjk_mark(q, d->title, d->title_len, &mt);
	xf_cjk_mark(q, d->body, d->body_len, &mb);
	bool use_body =
	    mb.phrases > mt.phrases ||
	    (mb.phrases == mt.phrases && (double)mb.occurrences * XF_SEARCH_BODY_WEIGHT >
	                                     (double)mt.occurrences * XF_SEARCH_TITLE_WEIGHT);
	json_t *out = use_body ? highlight_json(d->body, d->body_len, &mb)
	                       : highlight_json(d->title, d->title_len, &mt);
	xf_cjk_marks_release(&mt);
	xf_cjk_marks_release(&mb);
	return out;
}

static json_t *id_or_null(int64_t id)
{
	return id > 0 ? json_integer(id) : json_null();
}

json_t *xf_search_hit_json(const xf_cjk_query *q, const xf_search_doc_row *doc, double score)
{
	return json_pack("{s:s, s:I, s:o, s:o, s:o, s:o, s:f}", "kind", doc->kind, "id",
	                 (json_int_t)doc->object_id, "incident_id", id_or_null(doc->incident_id),
	                 "person_id", id_or_null(doc->person_id), "title",
	                 xf_search_text_json(doc->title, doc->title_len), "highlight",
	                 best_highlight(q, doc), "rank", score);
}
