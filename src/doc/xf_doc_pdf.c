/* The PDF writer of the document model: cairo draws, pango shapes and wraps, and the
 * fonts are Debian's substitutes for the 公文 faces (DOCUMENTS.md): Noto Serif CJK SC
 * for 仿宋/宋, its Bold for 小标宋, Noto Sans CJK SC for 黑体, AR PL UKai CN for 楷体.
 *
 * Layout after GB/T 9704-2012: A4, type area 156 × 225 mm from 37 mm top / 28 mm left,
 * 22 lines of 16 pt a page; a red head (版头: issuer, number, red rule), the title
 * centred at 22 pt, headings numbered 一、/（一）/1., body indented two characters, the
 * issuer and date at the end, attachments on pages of their own, 版记 (meta) last, page
 * numbers "— N —" at the bottom on the outer side. A table row taller than a page goes
 * on over the next pages; a document meant for one page (首报) is set on a tighter grid
 * when it needs that to fit (styles[]). Layout is streamed: each block is laid
 * out, drawn and freed, and cairo writes each page out when it is finished, so memory
 * holds one page's drawing plus the embedded font subsets. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "doc/xf_document.h"

#define MM       (72.0 / 25.4)
#define PAGE_W   (210 * MM)
#define PAGE_H   (297 * MM)
#define LEFT     (28 * MM)
#define TOP      (37 * MM)
#define AREA_W   (156 * MM)
#define AREA_H   (225 * MM)
#define BOTTOM   (TOP + AREA_H)
#define TABLE_PT 12.0
#define CELL_PAD 4.0

#define F_SONG "Noto Serif CJK SC"
#define F_HEI  "Noto Sans CJK SC"
#define F_KAI  "AR PL UKai CN"

/* The sizes of one layout: GB/T 9704's 22 lines of 3号, or tighter ones that a document
 * meant for one page (xf_document.one_page) falls back to ("特定情况可以作适当调整"). */
typedef struct style {
	double body_pt, pitch;      /* body text; one line of the grid */
	double issuer_pt, title_pt; /* 版头, 标题 */
	double sign_gap;            /* lines between the body and the issuer's name */
	double meta_pt, meta_pitch; /* 版记: size, line pitch as a part of a line */
	bool meta_packed;           /* 版记 entries side by side where they fit */
	double gap;                 /* the blank space around the 版头 and the 版记, in lines */
} style;

static const style styles[] = {
    {16, AREA_H / 22, 26, 22, 2, 12, 0.8, false, 1},  /* 3号 on 22 lines */
    {14, AREA_H / 30, 22, 18, 1, 10, 0.7, true, 0.5}, /* 4号 on 30 lines */
    {13, AREA_H / 32, 20, 17, 1, 9, 0.7, true, 0.5},  /* 13 pt on 32 lines */
    {12, AREA_H / 34, 20, 16, 1, 9, 0.7, true, 0.5},  /* 小4号 on 34 lines */
};

typedef struct pdf {
	const xf_document *d;
	const style *st;
	xf_doc_sink *sink;
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *pc;
	double y; /* top of the next line, from the top of the page */
	int page;
	bool open;
} pdf;

static cairo_status_t write_sink(void *closure, const unsigned char *data, unsigned int n)
{
	return xf_doc_sink_write(closure, data, n) == XF_OK ? CAIRO_STATUS_SUCCESS
	                                                    : CAIRO_STATUS_WRITE_ERROR;
}

static PangoFontDescription *font(const char *family, double pt, bool bold)
{
	PangoFontDescription *f = pango_font_description_new();
	pango_font_description_set_family(f, family);
	pango_font_description_set_absolute_size(f, pt * PANGO_SCALE);
	pango_font_description_set_weight(f, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	return f;
}

static PangoLayout *layout(pdf *p, const char *family, double pt, bool bold, double width,
                           PangoAlignment align, double indent, const char *text)
{
	PangoLayout *l = pango_layout_new(p->pc);
	PangoFontDescription *f = font(family, pt, bold);
	pango_layout_set_font_description(l, f);
	pango_font_description_free(f);
	pango_layout_set_width(l, width > 0 ? (int)(width * PANGO_SCALE) : -1);
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, align);
	pango_layout_set_indent(l, (int)(indent * PANGO_SCALE));
	pango_layout_set_text(l, text, -1);
	PangoAttrList *attrs = pango_attr_list_new(); /* no "-" where a hash or word breaks */
	pango_attr_list_insert(attrs, pango_attr_insert_hyphens_new(FALSE));
	pango_layout_set_attributes(l, attrs);
	pango_attr_list_unref(attrs);
	return l;
}

/* A centred title of several lines made even (the trapezoid of GB/T 9704): the
 * narrowest width that still gives the same number of lines. */
static void balance(PangoLayout *l, double width)
{
	int lines = pango_layout_get_line_count(l);
	if (lines < 2)
		return;
	double lo = width / lines, hi = width;
	for (int i = 0; i < 12; i++) {
		double mid = (lo + hi) / 2;
		pango_layout_set_width(l, (int)(mid * PANGO_SCALE));
		if (pango_layout_get_line_count(l) > lines)
			lo = mid;
		else
			hi = mid;
	}
	pango_layout_set_width(l, (int)(hi * PANGO_SCALE));
}

static void show_text_at(pdf *p, PangoLayout *l, double x, double baseline)
{
	PangoLayoutLine *line = pango_layout_get_line_readonly(l, 0);
	cairo_move_to(p->cr, x, baseline);
	pango_cairo_show_layout_line(p->cr, line);
}

static void page_end(pdf *p)
{
	if (!p->open)
		return;
	char num[32];
	snprintf(num, sizeof num, "— %d —", p->page);
	PangoLayout *l = layout(p, F_SONG, 14, false, -1, PANGO_ALIGN_LEFT, 0, num);
	int w, h;
	pango_layout_get_pixel_size(l, &w, &h);
	double x = p->page % 2 ? LEFT + AREA_W - 14 - w : LEFT + 14; /* outer side, 一字 in */
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	show_text_at(p, l, x, BOTTOM + 7 * MM + 14);
	g_object_unref(l);
	cairo_show_page(p->cr);
	p->open = false;
}

static void page_begin(pdf *p)
{
	if (p->open)
		return;
	p->page++;
	p->open = true;
	p->y = TOP;
	if (p->d->watermark) {
		PangoLayout *l =
		    layout(p, F_HEI, 96, true, -1, PANGO_ALIGN_LEFT, 0, p->d->watermark);
		int w, h;
		pango_layout_get_pixel_size(l, &w, &h);
		cairo_save(p->cr);
		cairo_translate(p->cr, PAGE_W / 2, PAGE_H / 2);
		cairo_rotate(p->cr, -M_PI / 6);
		cairo_move_to(p->cr, -w / 2.0, -h / 2.0);
		cairo_set_source_rgb(p->cr, 0.88, 0.88, 0.88);
		pango_cairo_show_layout(p->cr, l);
		cairo_restore(p->cr);
		g_object_unref(l);
	}
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

/* Room for h points on this page, else a new one. */
static void ensure(pdf *p, double h)
{
	page_begin(p);
	if (p->y + h > BOTTOM + 0.5 && p->y > TOP) {
		page_end(p);
		page_begin(p);
	}
}

/* Draws the layout's lines from p->y, one per `pitch`, breaking pages between lines. */
static void emit(pdf *p, PangoLayout *l, double x, double pitch)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	do {
		PangoRectangle logical;
		pango_layout_iter_get_line_extents(it, NULL, &logical);
		ensure(p, pitch);
		double lx = x + (double)logical.x / PANGO_SCALE;
		double lh = (double)logical.height / PANGO_SCALE;
		double ascent =
		    (double)(pango_layout_iter_get_baseline(it) - logical.y) / PANGO_SCALE;
		cairo_move_to(p->cr, lx, p->y + (pitch - lh) / 2 + ascent);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		p->y += pitch;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
}

static void text_block(pdf *p, const char *family, double pt, bool bold, PangoAlignment align,
                       double indent, const char *text, double pitch)
{
	PangoLayout *l = layout(p, family, pt, bold, AREA_W, align, indent, text);
	emit(p, l, LEFT, pitch);
	g_object_unref(l);
}

static void title(pdf *p, const char *text)
{
	PangoLayout *l =
	    layout(p, F_SONG, p->st->title_pt, true, AREA_W, PANGO_ALIGN_CENTER, 0, text);
	balance(l, AREA_W);
	int w = pango_layout_get_width(l) / PANGO_SCALE;
	emit(p, l, LEFT + (AREA_W - w) / 2, p->st->pitch * 1.3);
	g_object_unref(l);
}

static const char *const cn_digits[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};

/* 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九; larger numbers in Arabic. */
static void cn_number(char *out, size_t n, int v)
{
	if (v < 1 || v > 99)
		snprintf(out, n, "%d", v);
	else if (v < 10)
		snprintf(out, n, "%s", cn_digits[v]);
	else
		snprintf(out, n, "%s十%s", v / 10 == 1 ? "" : cn_digits[v / 10], cn_digits[v % 10]);
}

void xf_doc_heading_number(char out[32], int level, int n)
{
	char cn[24];
	cn_number(cn, sizeof cn, n);
	if (level == 1)
		snprintf(out, 32, "%s、", cn);
	else if (level == 2)
		snprintf(out, 32, "（%s）", cn);
	else
		snprintf(out, 32, "%d.", n);
}

/* The column widths of a table in points: given ones scaled to the area, else from the
 * cells' natural widths: narrow columns get what they need, the rest share the remainder
 * in proportion to theirs. */
static void column_widths(pdf *p, const xf_doc_block *t, double *w)
{
	size_t n = t->n_cols;
	double total = 0;
	if (t->widths) {
		for (size_t i = 0; i < n; i++)
			total += t->widths[i];
		for (size_t i = 0; i < n; i++)
			w[i] = AREA_W * t->widths[i] / total;
		/* no column narrower than two characters: take it from the widest */
		for (size_t i = 0; i < n; i++) {
			double min = 2 * TABLE_PT + 2 * CELL_PAD + 1;
			size_t widest = 0;
			for (size_t j = 1; j < n; j++)
				widest = w[j] > w[widest] ? j : widest;
			if (w[i] < min && w[widest] - (min - w[i]) >= min)
				w[widest] -= min - w[i], w[i] = min;
		}
		return;
	}
	double natural[XF_DOC_MAX_COLS] = {0};
	PangoLayout *l = layout(p, F_SONG, TABLE_PT, false, -1, PANGO_ALIGN_LEFT, 0, "");
	for (int pass = 0; pass < 2; pass++)
		for (const xf_doc_row *r = pass ? t->rows : t->header; r; r = r->next)
			for (size_t i = 0; i < n; i++) {
				int cw, ch;
				pango_layout_set_text(l, r->cells[i], -1);
				pango_layout_get_pixel_size(l, &cw, &ch);
				double need = cw + 2 * CELL_PAD + 1;
				if (need > natural[i])
					natural[i] = need;
			}
	g_object_unref(l);
	double min = 2 * TABLE_PT + 2 * CELL_PAD + 1;
	for (size_t i = 0; i < n; i++) {
		natural[i] = natural[i] < min ? min : natural[i];
		total += natural[i];
	}
	if (total <= AREA_W) { /* everything fits: widen in proportion */
		for (size_t i = 0; i < n; i++)
			w[i] = natural[i] * AREA_W / total;
		return;
	}
	bool fixed[XF_DOC_MAX_COLS] = {false};
	double left = AREA_W;
	size_t n_free = n;
	for (bool changed = true; changed && n_free > 0;) {
		changed = false;
		double share = left / (double)n_free;
		for (size_t i = 0; i < n; i++)
			if (!fixed[i] && natural[i] <= share) {
				fixed[i] = true, w[i] = natural[i], left -= natural[i], n_free--;
				changed = true;
			}
	}
	double rest = 0;
	for (size_t i = 0; i < n; i++)
		rest += fixed[i] ? 0 : natural[i];
	for (size_t i = 0; i < n; i++)
		if (!fixed[i])
			w[i] = left * natural[i] / rest;
}

/* Lays out one row (its cells' layouts into ls), returns its height. */
static double row_layout(pdf *p, const xf_doc_row *r, size_t n, const double *w, bool header,
                         PangoLayout **ls)
{
	double h = 0;
	for (size_t i = 0; i < n; i++) {
		ls[i] = layout(p, header ? F_HEI : F_SONG, TABLE_PT, false, w[i] - 2 * CELL_PAD,
		               header ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT, 0, r->cells[i]);
		pango_layout_set_spacing(ls[i], (int)(3 * PANGO_SCALE));
		int cw, ch;
		pango_layout_get_pixel_size(ls[i], &cw, &ch);
		if (ch + 2 * CELL_PAD > h)
			h = ch + 2 * CELL_PAD;
	}
	return h < TABLE_PT * 2 ? TABLE_PT * 2 : h;
}

static void row_draw(pdf *p, size_t n, const double *w, double h, PangoLayout **ls)
{
	double x = LEFT;
	cairo_set_line_width(p->cr, 0.75);
	for (size_t i = 0; i < n; i++) {
		cairo_rectangle(p->cr, x, p->y, w[i], h);
		cairo_stroke(p->cr);
		int cw, ch;
		pango_layout_get_pixel_size(ls[i], &cw, &ch);
		cairo_move_to(p->cr, x + CELL_PAD, p->y + (h - ch) / 2); /* centred vertically */
		pango_cairo_show_layout(p->cr, ls[i]);
		g_object_unref(ls[i]);
		x += w[i];
	}
	p->y += h;
}

/* How much of cell layout l, from its offset `from`, fits in `room` points: the height
 * of the whole lines shown (at least one), with *next the offset the rest starts at
 * (the layout's height when everything is shown). */
static double cell_cut(PangoLayout *l, double from, double room, double *next)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double shown = 0;
	int cw, ch;
	pango_layout_get_pixel_size(l, &cw, &ch);
	*next = ch;
	do {
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		double top = (double)r.y / PANGO_SCALE,
		       bottom = (double)(r.y + r.height) / PANGO_SCALE;
		if (bottom <= from + 0.5)
			continue;
		if (bottom - from > room && shown > 0) {
			*next = top;
			break;
		}
		shown = bottom - from;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	return shown;
}

static void header_draw(pdf *p, const xf_doc_block *t, const double *w);

/* A row taller than what is left of the page: its cells continue, line by line, on the
 * next pages under the table's header, each slice drawn within the bottom margin. */
static void row_split(pdf *p, const xf_doc_block *t, const double *w, PangoLayout **ls)
{
	size_t n = t->n_cols;
	double from[XF_DOC_MAX_COLS] = {0}, next[XF_DOC_MAX_COLS], shown[XF_DOC_MAX_COLS];
	cairo_set_line_width(p->cr, 0.75);
	for (;;) {
		double room = BOTTOM - p->y - 2 * CELL_PAD, slice = 0;
		bool done = true;
		for (size_t i = 0; i < n; i++) {
			shown[i] = cell_cut(ls[i], from[i], room, &next[i]);
			int cw, ch;
			pango_layout_get_pixel_size(ls[i], &cw, &ch);
			done = done && next[i] >= ch;
			slice = shown[i] > slice ? shown[i] : slice;
		}
		double h = slice + 2 * CELL_PAD, x = LEFT;
		for (size_t i = 0; i < n; i++) {
			cairo_rectangle(p->cr, x, p->y, w[i], h);
			cairo_stroke(p->cr);
			cairo_save(p->cr);
			cairo_rectangle(p->cr, x, p->y + CELL_PAD, w[i], shown[i] + 1);
			cairo_clip(p->cr);
			cairo_move_to(p->cr, x + CELL_PAD, p->y + CELL_PAD - from[i]);
			pango_cairo_show_layout(p->cr, ls[i]);
			cairo_restore(p->cr);
			from[i] = next[i];
			x += w[i];
		}
		p->y += h;
		if (done)
			break;
		page_end(p);
		page_begin(p);
		header_draw(p, t, w);
	}
	for (size_t i = 0; i < n; i++)
		g_object_unref(ls[i]);
}

static void header_draw(pdf *p, const xf_doc_block *t, const double *w)
{
	PangoLayout *ls[XF_DOC_MAX_COLS];
	for (const xf_doc_row *r = t->header; r; r = r->next) {
		double h = row_layout(p, r, t->n_cols, w, true, ls);
		row_draw(p, t->n_cols, w, h, ls);
	}
}

/* A table: header rows drawn again at the top of every page the table continues on. */
static void table(pdf *p, const xf_doc_block *t)
{
	double w[XF_DOC_MAX_COLS];
	column_widths(p, t, w);
	PangoLayout *ls[XF_DOC_MAX_COLS];
	double header_h = 0;
	for (const xf_doc_row *r = t->header; r; r = r->next) {
		header_h += row_layout(p, r, t->n_cols, w, true, ls);
		for (size_t i = 0; i < t->n_cols; i++)
			g_object_unref(ls[i]);
	}
	p->y += p->st->pitch * 0.25;
	const xf_doc_row *first = t->rows;
	double first_h = first ? row_layout(p, first, t->n_cols, w, false, ls) : 0;
	if (first)
		for (size_t i = 0; i < t->n_cols; i++)
			g_object_unref(ls[i]);
	/* a first row taller than a page starts on a fresh one and is split there */
	double page_rows = BOTTOM - TOP - header_h;
	ensure(p, header_h + (first_h < page_rows ? first_h : page_rows));
	header_draw(p, t, w);
	for (const xf_doc_row *r = t->rows; r; r = r->next) {
		double h = row_layout(p, r, t->n_cols, w, false, ls);
		bool fits = p->y + h <= BOTTOM + 0.5;
		/* a row that fits a page moves to the next one whole; a taller one starts here
		 * when a few lines of it still fit */
		if (!fits && p->y > TOP + header_h + 0.5 &&
		    (h <= page_rows || BOTTOM - p->y < 3 * TABLE_PT + 2 * CELL_PAD)) {
			page_end(p);
			page_begin(p);
			header_draw(p, t, w);
			fits = p->y + h <= BOTTOM + 0.5;
		}
		if (fits)
			row_draw(p, t->n_cols, w, h, ls);
		else
			row_split(p, t, w, ls);
	}
	/* back onto the line grid */
	double k = ceil((p->y - TOP) / p->st->pitch - 0.01) + 0.25;
	p->y = TOP + k * p->st->pitch;
}

static void kv_block(pdf *p, const xf_doc_block *b)
{
	for (const xf_doc_kv *kv = b->items; kv; kv = kv->next) {
		size_t kl = strlen(kv->key);
		char *text = g_strdup_printf("%s：%s", kv->key, kv->value);
		PangoLayout *l = layout(p, F_SONG, p->st->body_pt, false, AREA_W, PANGO_ALIGN_LEFT,
		                        2 * p->st->body_pt, text);
		PangoAttrList *attrs = pango_layout_get_attributes(l);
		PangoAttribute *a = pango_attr_family_new(F_HEI);
		a->start_index = 0;
		a->end_index = (guint)(kl + strlen("："));
		pango_attr_list_insert(attrs, a);
		pango_layout_set_attributes(l, attrs);
		emit(p, l, LEFT, p->st->pitch);
		g_object_unref(l);
		g_free(text);
	}
}

static double layout_lines_height(pdf *p, const char *family, double pt, const char *text,
                                  double pitch)
{
	PangoLayout *l = layout(p, family, pt, false, AREA_W, PANGO_ALIGN_LEFT, 0, text);
	double h = pango_layout_get_line_count(l) * pitch;
	g_object_unref(l);
	return h;
}

static void heading(pdf *p, const xf_doc_section *s, int counters[4])
{
	if (!s->heading || !*s->heading)
		return;
	for (int i = s->level + 1; i <= 3; i++)
		counters[i] = 0;
	char num[32], *text;
	xf_doc_heading_number(num, s->level, ++counters[s->level]);
	text = g_strdup_printf("%s%s", num, s->heading);
	const char *family = s->level == 1 ? F_HEI : s->level == 2 ? F_KAI : F_SONG;
	/* kept with the next block: the heading and two lines (or a table's first rows) */
	double h =
	    layout_lines_height(p, family, p->st->body_pt, text, p->st->pitch) + 2 * p->st->pitch;
	ensure(p, h);
	text_block(p, family, p->st->body_pt, s->level == 3, PANGO_ALIGN_LEFT, 2 * p->st->body_pt,
	           text, p->st->pitch);
	g_free(text);
}

static void blocks(pdf *p, const xf_doc_section *s)
{
	for (const xf_doc_block *b = s->blocks; b; b = b->next) {
		if (b->kind == XF_DOC_PARAGRAPH)
			text_block(p, F_SONG, p->st->body_pt, false, PANGO_ALIGN_LEFT,
			           2 * p->st->body_pt, b->text, p->st->pitch);
		else if (b->kind == XF_DOC_KV)
			kv_block(p, b);
		else
			table(p, b);
	}
}

static void head(pdf *p)
{
	const xf_document *d = p->d;
	page_begin(p);
	if (d->issuer) { /* 版头: the issuer in red, the number, the red rule */
		cairo_set_source_rgb(p->cr, 0.8, 0, 0);
		text_block(p, F_SONG, p->st->issuer_pt, true, PANGO_ALIGN_CENTER, 0, d->issuer,
		           p->st->pitch * 1.5);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
	}
	if (d->number) {
		p->y += p->st->pitch * 0.5 * p->st->gap;
		text_block(p, F_SONG, p->st->body_pt, false, PANGO_ALIGN_CENTER, 0, d->number,
		           p->st->pitch);
	}
	if (d->issuer || d->number) {
		cairo_set_source_rgb(p->cr, 0.8, 0, 0);
		cairo_set_line_width(p->cr, 1.5);
		cairo_move_to(p->cr, LEFT, p->y + 4);
		cairo_line_to(p->cr, LEFT + AREA_W, p->y + 4);
		cairo_stroke(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		p->y += p->st->pitch * p->st->gap;
	}
	title(p, d->title);
	p->y += p->st->pitch * 0.5 * p->st->gap;
	if (d->recipient) {
		char *r = g_strdup_printf("%s：", d->recipient);
		text_block(p, F_SONG, p->st->body_pt, false, PANGO_ALIGN_LEFT, 0, r, p->st->pitch);
		g_free(r);
	}
}

/* 附件说明, the issuer's name and the date at the end of the body. */
static void signature(pdf *p)
{
	const xf_document *d = p->d;
	int n_att = 0;
	for (const xf_doc_section *s = d->sections; s; s = s->next)
		n_att += s->attachment;
	if (n_att) {
		p->y += p->st->pitch;
		int i = 0;
		for (const xf_doc_section *s = d->sections; s; s = s->next) {
			if (!s->attachment)
				continue;
			char *line = n_att == 1 ? g_strdup_printf("附件：%s", s->heading)
			             : i == 0 ? g_strdup_printf("附件：%d. %s", i + 1, s->heading)
			                      : g_strdup_printf("      %d. %s", i + 1, s->heading);
			text_block(p, F_SONG, p->st->body_pt, false, PANGO_ALIGN_LEFT,
			           2 * p->st->body_pt, line, p->st->pitch);
			g_free(line);
			i++;
		}
	}
	if (!d->issuer && !d->date)
		return;
	ensure(p, (p->st->sign_gap + 2) * p->st->pitch);
	p->y += p->st->sign_gap * p->st->pitch;
	double right = LEFT + AREA_W - 4 * p->st->body_pt; /* the date 空四字 from the right */
	double date_w = 0;
	PangoLayout *dl =
	    d->date ? layout(p, F_SONG, p->st->body_pt, false, -1, PANGO_ALIGN_LEFT, 0, d->date)
	            : NULL;
	if (dl) {
		int w, h;
		pango_layout_get_pixel_size(dl, &w, &h);
		date_w = w;
	}
	double centre = right - date_w / 2;
	if (d->issuer) {
		PangoLayout *il =
		    layout(p, F_SONG, p->st->body_pt, false, -1, PANGO_ALIGN_LEFT, 0, d->issuer);
		int w, h;
		pango_layout_get_pixel_size(il, &w, &h);
		double x = centre - w / 2.0;
		if (x + w > LEFT + AREA_W)
			x = LEFT + AREA_W - w;
		emit(p, il, x < LEFT ? LEFT : x, p->st->pitch);
		g_object_unref(il);
	}
	if (dl) {
		emit(p, dl, right - date_w, p->st->pitch);
		g_object_unref(dl);
	}
}

static void attachments(pdf *p)
{
	int i = 0, n_att = 0;
	for (const xf_doc_section *s = p->d->sections; s; s = s->next)
		n_att += s->attachment;
	for (const xf_doc_section *s = p->d->sections; s; s = s->next) {
		if (!s->attachment)
			continue;
		page_end(p);
		page_begin(p);
		char label[32];
		snprintf(label, sizeof label, n_att == 1 ? "附件" : "附件%d", ++i);
		text_block(p, F_HEI, p->st->body_pt, false, PANGO_ALIGN_LEFT, 0, label,
		           p->st->pitch);
		p->y += p->st->pitch * 0.5;
		if (s->heading && *s->heading)
			title(p, s->heading);
		p->y += p->st->pitch * 0.5;
		blocks(p, s);
	}
}

/* The 版记's lines: "key：value" each, or, in a style that packs them, as many side by
 * side as fit the line. */
static GPtrArray *meta_lines(pdf *p)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
	PangoLayout *l = layout(p, F_SONG, p->st->meta_pt, false, -1, PANGO_ALIGN_LEFT, 0, "");
	for (const xf_doc_kv *kv = p->d->meta; kv; kv = kv->next) {
		char *item = g_strdup_printf("%s：%s", kv->key, kv->value);
		if (p->st->meta_packed && lines->len) {
			char *joined =
			    g_strdup_printf("%s　　%s", (char *)lines->pdata[lines->len - 1], item);
			int w, h;
			pango_layout_set_text(l, joined, -1);
			pango_layout_get_pixel_size(l, &w, &h);
			if (w <= AREA_W - 2 * 14) {
				g_free(lines->pdata[lines->len - 1]);
				lines->pdata[lines->len - 1] = joined;
				g_free(item);
				continue;
			}
			g_free(joined);
		}
		g_ptr_array_add(lines, item);
	}
	g_object_unref(l);
	return lines;
}

/* 版记: the meta lines between two rules, after everything else. */
static void meta(pdf *p)
{
	if (!p->d->meta)
		return;
	GPtrArray *lines = meta_lines(p);
	double pitch = p->st->pitch * p->st->meta_pitch;
	p->y += p->st->pitch * p->st->gap;
	ensure(p, p->st->pitch * 0.4 + lines->len * pitch);
	cairo_set_line_width(p->cr, 0.75);
	cairo_move_to(p->cr, LEFT, p->y);
	cairo_line_to(p->cr, LEFT + AREA_W, p->y);
	cairo_stroke(p->cr);
	p->y += p->st->pitch * 0.2;
	for (guint i = 0; i < lines->len; i++) {
		PangoLayout *l = layout(p, F_SONG, p->st->meta_pt, false, AREA_W - 2 * 14,
		                        PANGO_ALIGN_LEFT, 0, lines->pdata[i]);
		emit(p, l, LEFT + 14, pitch);
		g_object_unref(l);
	}
	g_ptr_array_free(lines, TRUE);
	p->y += p->st->pitch * 0.2;
	cairo_move_to(p->cr, LEFT, p->y);
	cairo_line_to(p->cr, LEFT + AREA_W, p->y);
	cairo_stroke(p->cr);
}

/* The fonts must be there, or pango silently substitutes and the PDF shows boxes. */
static const char *missing_font(PangoContext *pc)
{
	static const char *const need[] = {F_SONG, F_HEI, F_KAI};
	PangoFontFamily **fams;
	int n;
	pango_context_list_families(pc, &fams, &n);
	const char *missing = NULL;
	for (size_t i = 0; i < XF_ARRAY_LEN(need) && !missing; i++) {
		bool found = false;
		for (int j = 0; j < n && !found; j++)
			found = strcmp(pango_font_family_get_name(fams[j]), need[i]) == 0;
		if (!found)
			missing = need[i];
	}
	g_free(fams);
	return missing;
}

/* The document's metadata: title, issuer, number, the font substitutes, the date. */
static void metadata(cairo_surface_t *surface, const xf_document *d)
{
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, d->title);
	if (d->issuer)
		cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, d->issuer);
	if (d->number)
		cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, d->number);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_KEYWORDS,
	                               "fonts: 仿宋_GB2312 → " F_SONG "; 方正小标宋简体 → " F_SONG
	                               " Bold; 黑体 → " F_HEI "; 楷体_GB2312 → " F_KAI);
	cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "xinfang " XF_VERSION);
	int y, m, day; /* the document's date as the creation date: same input, same bytes */
	if (d->date && sscanf(d->date, "%d年%d月%d日", &y, &m, &day) == 3 && y >= 1000 &&
	    y <= 9999 && m >= 1 && m <= 12 && day >= 1 && day <= 31) {
		char iso[32];
		snprintf(iso, sizeof iso, "%04d-%02d-%02dT00:00:00", y, m, day);
		cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, iso);
	}
}

/* Writes the whole document in style st. */
static int render(const xf_document *d, const style *st, xf_doc_sink *out, int *n_pages_out,
                  char err[256])
{
	pdf p = {.d = d, .st = st, .sink = out};
	p.surface = cairo_pdf_surface_create_for_stream(write_sink, out, PAGE_W, PAGE_H);
	p.cr = cairo_create(p.surface);
	p.pc = pango_cairo_create_context(p.cr);
	const char *missing = missing_font(p.pc);
	if (missing) {
		snprintf(err, 256,
		         "font '%s' is not installed (Debian: fonts-noto-cjk, fonts-arphic-ukai)",
		         missing);
		g_object_unref(p.pc);
		cairo_destroy(p.cr);
		cairo_surface_destroy(p.surface);
		return XF_ERR;
	}
	metadata(p.surface, d);

	head(&p);
	int counters[4] = {0};
	for (const xf_doc_section *s = d->sections; s; s = s->next) {
		if (s->attachment)
			continue;
		heading(&p, s, counters);
		blocks(&p, s);
	}
	signature(&p);
	attachments(&p);
	meta(&p);
	page_end(&p);

	g_object_unref(p.pc);
	cairo_destroy(p.cr);
	cairo_surface_finish(p.surface);
	cairo_status_t st_rc = cairo_surface_status(p.surface);
	cairo_surface_destroy(p.surface);
	if (st_rc != CAIRO_STATUS_SUCCESS || out->failed) {
		snprintf(err, 256, "cannot write the pdf: %s",
		         out->failed ? "write failed" : cairo_status_to_string(st_rc));
		return XF_ERR;
	}
	if (n_pages_out)
		*n_pages_out = p.page;
	return XF_OK;
}

int xf_doc_write_pdf(const xf_document *d, xf_doc_sink *out, int *n_pages_out, char err[256])
{
	if (!d->one_page)
		return render(d, &styles[0], out, n_pages_out, err);
	/* meant for one page: the first style it fits on one page in, else the standard one */
	for (size_t i = 0; i < XF_ARRAY_LEN(styles); i++) {
		xf_buf buf;
		xf_buf_init(&buf, 0);
		xf_doc_sink scratch = {.fd = -1, .buf = &buf};
		int pages = 0;
		int rc = render(d, &styles[i], &scratch, &pages, err);
		if (rc == XF_OK && pages == 1 &&
		    xf_doc_sink_write(out, buf.data, buf.len) != XF_OK) {
			snprintf(err, 256, "cannot write the pdf: write failed");
			rc = XF_ERR;
		}
		xf_buf_release(&buf);
		if (rc != XF_OK)
			return rc;
		if (pages == 1) {
			if (n_pages_out)
				*n_pages_out = 1;
			return XF_OK;
		}
	}
	return render(d, &styles[0], out, n_pages_out, err);
}

void xf_doc_release_fonts(void)
{
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
}

/* For the Sanitize build: cairo 1.16 leaks a few KiB inside cairo_surface_finish of a
 * PDF surface, and fontconfig keeps caches that FcFini does not always free; those are
 * the libraries' and would fail every test that writes a PDF. LeakSanitizer reads this
 * hook (a no-op in other builds); leaks in our code are still reported. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libcairo.so\nleak:libfontconfig.so\nleak:libpango\nleak:libharfbuzz.so\n";
}
