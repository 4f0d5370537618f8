/* The DOCX writer of the document model: Office Open XML written here and zipped by
 * doc/xf_zip.h. The parts: [Content_Types].xml, _rels/.rels, docProps/core.xml and
 * app.xml, word/document.xml, styles.xml, settings.xml, two footers (odd pages right,
 * even pages left, "— N —"), a header with the watermark (草稿) when there is one, and
 * word/_rels/document.xml.rels.
 *
 * Everything is editable text: paragraphs with named styles (标题, 一级标题 …) and real
 * tables whose header rows repeat on each page. The styles name the 公文 fonts
 * (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312) in w:eastAsia so that Word and WPS on
 * the office's machines show the real faces (DOCUMENTS.md); page setup after
 * GB/T 9704: A4, margins 37/26/35/28 mm, 22 lines of 16 pt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/xf_document.h"
#include "doc/xf_zip.h"

#define TW_AREA_W 8844 /* 156 mm in twentieths of a point */
#define TW_PITCH  579  /* 225 mm / 22 lines */

#define FANGSONG "仿宋_GB2312"
#define XBS      "方正小标宋简体"
#define HEI      "黑体"
#define KAI      "楷体_GB2312"
#define SONG     "宋体"

/* Text for an element's content or an attribute: escaped; '\n' becomes a line break
 * and '\t' a tab when in_run (inside <w:t>), else a space. */
static void esc(xf_buf *b, const char *s, bool in_run)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':
			xf_buf_puts(b, "&amp;");
			break;
		case '<':
			xf_buf_puts(b, "&lt;");
			break;
		case '>':
			xf_buf_puts(b, "&gt;");
			break;
		case '"':
			xf_buf_puts(b, "&quot;");
			break;
		case '\n':
			xf_buf_puts(b, in_run ? "</w:t><w:br/><w:t xml:space=\"preserve\">" : " ");
			break;
		case '\t':
			xf_buf_puts(b, in_run ? "</w:t><w:tab/><w:t xml:space=\"preserve\">" : " ");
			break;
		default:
			xf_buf_append(b, s, 1);
		}
	}
}

/* A run of text; font = an East Asian font to override the style's, or NULL. */
static void run(xf_buf *b, const char *text, const char *font)
{
	xf_buf_puts(b, "<w:r>");
	if (font)
		xf_buf_printf(b, "<w:rPr><w:rFonts w:eastAsia=\"%s\" w:hint=\"eastAsia\"/></w:rPr>",
		              font);
	xf_buf_puts(b, "<w:t xml:space=\"preserve\">");
	esc(b, text, true);
	xf_buf_puts(b, "</w:t></w:r>");
}

static void para(xf_buf *b, const char *style, const char *text)
{
	xf_buf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", style);
	if (text && *text)
		run(b, text, NULL);
	xf_buf_puts(b, "</w:p>");
}

/* Body text: one paragraph per line of the text. */
static void body_text(xf_buf *b, const char *style, const char *text)
{
	const char *p = text;
	do {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, n);
		if (!line)
			abort();
		para(b, style, line);
		free(line);
		p = nl ? nl + 1 : NULL;
	} while (p);
}

static void page_break(xf_buf *b)
{
	xf_buf_puts(b, "<w:p><w:r><w:br w:type=\"page\"/></w:r></w:p>");
}

static void table(xf_buf *b, const xf_doc_block *t)
{
	int w[XF_DOC_MAX_COLS];
	double total = 0;
	for (size_t i = 0; i < t->n_cols; i++)
		total += t->widths ? t->widths[i] : 1;
	for (size_t i = 0; i < t->n_cols; i++)
		w[i] = (int)(TW_AREA_W * (t->widths ? t->widths[i] : 1) / total);
	xf_buf_puts(b, "<w:tbl><w:tblPr><w:tblStyle w:val=\"XfTable\"/>"
	               "<w:tblW w:w=\"5000\" w:type=\"pct\"/><w:tblLayout w:type=\"autofit\"/>"
	               "<w:tblLook w:val=\"04A0\" w:firstRow=\"1\" w:lastRow=\"0\" "
	               "w:firstColumn=\"0\" w:lastColumn=\"0\" w:noHBand=\"1\" w:noVBand=\"1\"/>"
	               "</w:tblPr><w:tblGrid>");
	for (size_t i = 0; i < t->n_cols; i++)
		xf_buf_printf(b, "<w:gridCol w:w=\"%d\"/>", w[i]);
	xf_buf_puts(b, "</w:tblGrid>");
	for (int pass = 0; pass < 2; pass++)
		for (const xf_doc_row *r = pass ? t->rows : t->header; r; r = r->next) {
			xf_buf_puts(b, "<w:tr>");
			if (!pass)
				xf_buf_puts(b, "<w:trPr><w:tblHeader/></w:trPr>");
			for (size_t i = 0; i < t->n_cols; i++) {
				xf_buf_printf(
				    b,
				    "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/>%s</w:tcPr>",
				    w[i], pass ? "" : "<w:vAlign w:val=\"center\"/>");
				para(b, pass ? "XfTableText" : "XfTableHeader", r->cells[i]);
				xf_buf_puts(b, "</w:tc>");
			}
			xf_buf_puts(b, "</w:tr>");
		}
	xf_buf_puts(b, "</w:tbl>");
	para(b, "XfTableAfter", NULL); /* Word needs a paragraph between two tables */
}

static void blocks(xf_buf *b, const xf_doc_section *s)
{
	for (const xf_doc_block *x = s->blocks; x; x = x->next) {
		if (x->kind == XF_DOC_PARAGRAPH)
			body_text(b, "Normal", x->text);
		else if (x->kind == XF_DOC_TABLE)
			table(b, x);
		else
			for (const xf_doc_kv *kv = x->items; kv; kv = kv->next) {
				xf_buf_puts(b, "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/></w:pPr>");
				char *key = malloc(strlen(kv->key) + 4);
				if (!key)
					abort();
				sprintf(key, "%s：", kv->key);
				run(b, key, HEI);
				free(key);
				run(b, kv->value, NULL);
				xf_buf_puts(b, "</w:p>");
			}
	}
}

/* 文头: issuer, number, title and recipient. */
static void docx_head(xf_buf *b, const xf_document *d)
{
	if (d->issuer)
		para(b, "XfIssuerHead", d->issuer);
	if (d->issuer || d->number)
		para(b, "XfNumber", d->number ? d->number : "");
	para(b, "Title", d->title);
	if (d->recipient) {
		char *r = malloc(strlen(d->recipient) + 4);
		if (!r)
			abort();
		sprintf(r, "%s：", d->recipient);
		para(b, "XfRecipient", r);
		free(r);
	}
}

/* 正文: the sections that are not attachments, headings numbered per level. Returns the
 * number of attachments. */
static int docx_body(xf_buf *b, const xf_document *d)
{
	int counters[4] = {0}, n_att = 0;
	for (const xf_doc_section *s = d->sections; s; s = s->next) {
		if (s->attachment) {
			n_att++;
			continue;
		}
		if (s->heading && *s->heading) {
			for (int i = s->level + 1; i <= 3; i++)
				counters[i] = 0;
			char num[32];
			xf_doc_heading_number(num, s->level, ++counters[s->level]);
			char style[16];
			snprintf(style, sizeof style, "Heading%d", s->level);
			xf_buf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"%s\"/></w:pPr>", style);
			run(b, num, NULL);
			run(b, s->heading, NULL);
			xf_buf_puts(b, "</w:p>");
		}
		blocks(b, s);
	}
	return n_att;
}

/* 附件说明: the list of the n_att attachments under the body. */
static void docx_attachment_list(xf_buf *b, const xf_document *d, int n_att)
{
	if (!n_att)
		return;
	para(b, "XfPlain", NULL);
	int i = 0;
	for (const xf_doc_section *s = d->sections; s; s = s->next) {
		if (!s->attachment)
			continue;
		char line[64];
		if (n_att == 1)
			snprintf(line, sizeof line, "附件：");
		else
			snprintf(line, sizeof line, i == 0 ? "附件：%d. " : "　　　%d. ", i + 1);
		xf_buf_puts(b, "<w:p><w:pPr><w:pStyle w:val=\"Normal\"/></w:pPr>");
		run(b, line, NULL);
		run(b, s->heading ? s->heading : "", NULL);
		xf_buf_puts(b, "</w:p>");
		i++;
	}
}

/* 落款 (issuer and date), then each attachment on a page of its own. */
static void docx_signature_and_attachments(xf_buf *b, const xf_document *d, int n_att)
{
	if (d->issuer || d->date) {
		para(b, "XfPlain", NULL);
		para(b, "XfPlain", NULL);
		if (d->issuer)
			para(b, "XfSignature", d->issuer);
		if (d->date)
			para(b, "XfSignature", d->date);
	}
	int i = 0;
	for (const xf_doc_section *s = d->sections; s; s = s->next) {
		if (!s->attachment)
			continue;
		page_break(b);
		char label[32];
		snprintf(label, sizeof label, n_att == 1 ? "附件" : "附件%d", ++i);
		para(b, "XfAttachmentLabel", label);
		para(b, "Title", s->heading);
		blocks(b, s);
	}
}

/* 版记: the key-value lines at the end, the first under a rule. */
static void docx_meta(xf_buf *b, const xf_document *d)
{
	if (!d->meta)
		return;
	para(b, "XfPlain", NULL);
	for (const xf_doc_kv *kv = d->meta; kv; kv = kv->next) {
		xf_buf_printf(b, "<w:p><w:pPr><w:pStyle w:val=\"XfMeta\"/>%s</w:pPr>",
		              kv == d->meta ? "<w:pBdr><w:top w:val=\"single\" w:sz=\"6\" "
		                              "w:space=\"1\" w:color=\"000000\"/></w:pBdr>"
		                            : "");
		run(b, kv->key, NULL);
		run(b, "：", NULL);
		run(b, kv->value, NULL);
		xf_buf_puts(b, "</w:p>");
	}
	para(b, "XfMetaEnd", NULL);
}

static void document_xml(xf_buf *b, const xf_document *d)
{
	xf_buf_puts(
	    b,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	    "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
	    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	    "<w:body>");
	docx_head(b, d);
	int n_att = docx_body(b, d);
	docx_attachment_list(b, d, n_att);
	docx_signature_and_attachments(b, d, n_att);
	docx_meta(b, d);
	xf_buf_puts(b, "<w:sectPr>");
	if (d->watermark)
		xf_buf_puts(b, "<w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/>"
		               "<w:headerReference w:type=\"even\" r:id=\"rIdHeader\"/>");
	xf_buf_puts(b, "<w:footerReference w:type=\"default\" r:id=\"rIdFooterOdd\"/>"
	               "<w:footerReference w:type=\"even\" r:id=\"rIdFooterEven\"/>"
	               "<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"
	               "<w:pgMar w:top=\"2098\" w:right=\"1474\" w:bottom=\"1984\" w:left=\"1588\" "
	               "w:header=\"851\" w:footer=\"1191\" w:gutter=\"0\"/>"
	               "<w:docGrid w:type=\"lines\" w:linePitch=\"579\"/>"
	               "</w:sectPr></w:body></w:document>");
}

/* A paragraph style; ppr and rpr are the inner XML of w:pPr and w:rPr. */
static void style(xf_buf *b, const char *id, const char *name, const char *ppr, const char *rpr)
{
	xf_buf_printf(b,
	              "<w:style w:type=\"paragraph\" w:customStyle=\"%d\" w:styleId=\"%s\">"
	              "<w:name w:val=\"%s\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>"
	              "<w:pPr>%s</w:pPr><w:rPr>%s</w:rPr></w:style>",
	              strncmp(id, "Xf", 2) == 0, id, name, ppr, rpr);
}

#define FONTS(ea)                                                                                  \
	"<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"" ea "\"/" \
	">"
#define NO_INDENT "<w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>"

static void styles_xml(xf_buf *b)
{
	xf_buf_puts(
	    b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	       "<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
	       "<w:docDefaults><w:rPrDefault><w:rPr>" FONTS(
	           FANGSONG) "<w:sz w:val=\"32\"/><w:szCs w:val=\"32\"/><w:lang w:val=\"en-US\" "
	                     "w:eastAsia=\"zh-CN\"/>"
	                     "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>"
	                     "<w:spacing w:before=\"0\" w:after=\"0\" w:line=\"579\" "
	                     "w:lineRule=\"exact\"/>"
	                     "</w:pPr></w:pPrDefault></w:docDefaults>"
	                     "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\">"
	                     "<w:name w:val=\"Normal\"/><w:qFormat/><w:pPr><w:widowControl/>"
	                     "<w:ind w:firstLineChars=\"200\" w:firstLine=\"640\"/><w:jc "
	                     "w:val=\"both\"/></w:pPr>"
	                     "<w:rPr>" FONTS(FANGSONG) "<w:sz w:val=\"32\"/><w:szCs "
	                                               "w:val=\"32\"/></w:rPr></w:style>");
	style(b, "Title", "Title",
	      NO_INDENT "<w:jc w:val=\"center\"/><w:spacing w:before=\"290\" w:after=\"290\" "
	                "w:line=\"760\" w:lineRule=\"exact\"/>",
	      FONTS(XBS) "<w:sz w:val=\"44\"/><w:szCs w:val=\"44\"/>");
	style(b, "Heading1", "heading 1", "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"0\"/>",
	      FONTS(HEI));
	style(b, "Heading2", "heading 2", "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"1\"/>",
	      FONTS(KAI));
	style(b, "Heading3", "heading 3", "<w:keepNext/><w:keepLines/><w:outlineLvl w:val=\"2\"/>",
	      FONTS(FANGSONG) "<w:b/>");
	style(b, "XfIssuerHead", "发文机关标志",
	      NO_INDENT "<w:jc w:val=\"center\"/><w:spacing w:line=\"900\" w:lineRule=\"exact\"/>",
	      FONTS(XBS) "<w:color w:val=\"CC0000\"/><w:sz w:val=\"52\"/><w:szCs w:val=\"52\"/>");
	style(b, "XfNumber", "发文字号",
	      NO_INDENT "<w:jc w:val=\"center\"/><w:pBdr><w:bottom w:val=\"single\" w:sz=\"12\" "
	                "w:space=\"8\" w:color=\"CC0000\"/></w:pBdr><w:spacing w:after=\"290\"/>",
	      "");
	style(b, "XfRecipient", "主送机关", NO_INDENT, "");
	style(b, "XfPlain", "无缩进", NO_INDENT, "");
	style(b, "XfSignature", "署名日期",
	      NO_INDENT "<w:jc w:val=\"right\"/><w:ind w:right=\"1280\"/>", "");
	style(b, "XfAttachmentLabel", "附件标识", NO_INDENT, FONTS(HEI));
	style(b, "XfTableText", "表格文字",
	      NO_INDENT "<w:snapToGrid w:val=\"0\"/><w:jc w:val=\"left\"/><w:spacing "
	                "w:line=\"240\" w:lineRule=\"auto\"/>",
	      "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>");
	style(b, "XfTableHeader", "表头",
	      NO_INDENT "<w:snapToGrid w:val=\"0\"/><w:jc w:val=\"center\"/><w:spacing "
	                "w:line=\"240\" w:lineRule=\"auto\"/>",
	      FONTS(HEI) "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>");
	style(b, "XfTableAfter", "表后空行",
	      NO_INDENT "<w:spacing w:line=\"240\" w:lineRule=\"auto\"/>", "<w:sz w:val=\"12\"/>");
	style(b, "XfMeta", "版记",
	      NO_INDENT "<w:ind w:left=\"280\" w:right=\"280\"/><w:spacing w:line=\"440\" "
	                "w:lineRule=\"exact\"/>",
	      "<w:sz w:val=\"24\"/><w:szCs w:val=\"24\"/>");
	style(
	    b, "XfMetaEnd", "版记结束",
	    NO_INDENT
	    "<w:pBdr><w:top w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"000000\"/></w:pBdr>"
	    "<w:spacing w:line=\"240\" w:lineRule=\"auto\"/>",
	    "<w:sz w:val=\"12\"/>");
	style(b, "XfPageNumber", "页码",
	      NO_INDENT "<w:spacing w:line=\"240\" w:lineRule=\"auto\"/>",
	      FONTS(SONG) "<w:sz w:val=\"28\"/><w:szCs w:val=\"28\"/>");
	xf_buf_puts(
	    b, "<w:style w:type=\"table\" w:styleId=\"XfTable\"><w:name w:val=\"xinfang table\"/>"
	       "<w:tblPr><w:tblBorders>"
	       "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	       "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	       "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	       "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	       "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	       "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>"
	       "</w:tblBorders><w:tblCellMar><w:top w:w=\"60\" w:type=\"dxa\"/>"
	       "<w:left w:w=\"80\" w:type=\"dxa\"/><w:bottom w:w=\"60\" w:type=\"dxa\"/>"
	       "<w:right w:w=\"80\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>"
	       "</w:styles>");
}

static void footer_xml(xf_buf *b, const char *jc, const char *ind)
{
	xf_buf_printf(
	    b,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	    "<w:ftr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
	    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	    "<w:p><w:pPr><w:pStyle w:val=\"XfPageNumber\"/><w:jc w:val=\"%s\"/>%s</w:pPr>"
	    "<w:r><w:t xml:space=\"preserve\">— </w:t></w:r>"
	    "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>"
	    "<w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>"
	    "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>"
	    "<w:r><w:t>1</w:t></w:r>"
	    "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
	    "<w:r><w:t xml:space=\"preserve\"> —</w:t></w:r></w:p></w:ftr>",
	    jc, ind);
}

/* The watermark of a draft (草稿) as a grey header on every page: plain text, so the
 * office removes it with the header when it edits the draft into the issued text. */
static void header_xml(xf_buf *b, const char *text)
{
	xf_buf_puts(
	    b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	       "<w:hdr xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
	       "<w:p><w:pPr><w:pStyle w:val=\"XfPlain\"/><w:jc w:val=\"right\"/></w:pPr>"
	       "<w:r><w:rPr><w:rFonts w:eastAsia=\"" HEI "\"/><w:color w:val=\"999999\"/>"
	       "<w:sz w:val=\"28\"/></w:rPr><w:t xml:space=\"preserve\">");
	esc(b, text, false);
	xf_buf_puts(b, "</w:t></w:r></w:p></w:hdr>");
}

static void core_xml(xf_buf *b, const xf_document *d)
{
	xf_buf_puts(
	    b,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	    "<cp:coreProperties "
	    "xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
	    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" "
	    "xmlns:dcterms=\"http://purl.org/dc/terms/\" "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>");
	esc(b, d->title, false);
	xf_buf_puts(b, "</dc:title>");
	if (d->number) {
		xf_buf_puts(b, "<dc:subject>");
		esc(b, d->number, false);
		xf_buf_puts(b, "</dc:subject>");
	}
	if (d->issuer) {
		xf_buf_puts(b, "<dc:creator>");
		esc(b, d->issuer, false);
		xf_buf_puts(b, "</dc:creator>");
	}
	xf_buf_puts(b, "<dc:language>zh-CN</dc:language></cp:coreProperties>");
}

/* The parts of the package that are the same in every document. */
static const char content_types_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" "
    "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
    "<Override PartName=\"/word/document.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
    "<Override PartName=\"/word/styles.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>"
    "<Override PartName=\"/word/settings.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>"
    "<Override PartName=\"/word/footer1.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
    "<Override PartName=\"/word/footer2.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>"
    "<Override PartName=\"/word/header1.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>"
    "<Override PartName=\"/docProps/core.xml\" "
    "ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
    "<Override PartName=\"/docProps/app.xml\" "
    "ContentType=\"application/"
    "vnd.openxmlformats-officedocument.extended-properties+xml\"/>"
    "</Types>";

static const char package_rels_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/officeDocument\" Target=\"word/document.xml\"/>"
    "<Relationship Id=\"rId2\" "
    "Type=\"http://schemas.openxmlformats.org/package/2006/relationships/"
    "metadata/core-properties\" Target=\"docProps/core.xml\"/>"
    "<Relationship Id=\"rId3\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/extended-properties\" Target=\"docProps/app.xml\"/>"
    "</Relationships>";

static const char app_xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                              "<Properties "
                              "xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                              "extended-properties\">"
                              "<Application>xinfang " XF_VERSION "</Application></Properties>";

static const char document_rels_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<Relationships "
    "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rIdStyles\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/>"
    "<Relationship Id=\"rIdSettings\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/settings\" Target=\"settings.xml\"/>"
    "<Relationship Id=\"rIdFooterOdd\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/footer\" Target=\"footer1.xml\"/>"
    "<Relationship Id=\"rIdFooterEven\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/footer\" Target=\"footer2.xml\"/>"
    "<Relationship Id=\"rIdHeader\" "
    "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/header\" Target=\"header1.xml\"/>"
    "</Relationships>";

static const char settings_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    "<w:settings "
    "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">"
    "<w:evenAndOddHeaders/><w:defaultTabStop w:val=\"420\"/>"
    "<w:characterSpacingControl w:val=\"compressPunctuation\"/>"
    "<w:compat><w:compatSetting w:name=\"compatibilityMode\" "
    "w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>"
    "</w:settings>";

static void fixed_part(xf_zip *z, const char *name, const char *xml)
{
	xf_zip_add(z, name, xml, strlen(xml), false);
}

/* Adds what b holds as the part `name` and empties b for the next part. Returns true when
 * b had overflowed. */
static bool buf_part(xf_zip *z, xf_buf *b, const char *name)
{
	bool overflow = b->overflow;
	xf_zip_add(z, name, b->data ? b->data : "", b->len, false);
	xf_buf_reset(b);
	return overflow;
}

/* The document's date as the zip entries' time stamp; 1980-01-01 when there is none a zip
 * can hold. */
static void docx_stamp(const xf_document *d, int *y, int *m, int *day)
{
	if (!d->date || sscanf(d->date, "%d年%d月%d日", y, m, day) != 3 || *y < 1980 || *y > 2107 ||
	    *m < 1 || *m > 12 || *day < 1 || *day > 31)
		*y = 1980, *m = 1, *day = 1;
}

int xf_doc_write_docx(const xf_document *d, xf_doc_sink *out, char err[256])
{
	int y, m, day;
	docx_stamp(d, &y, &m, &day);
	xf_zip *z = xf_zip_new(out, y, m, day, 0, 0);
	xf_buf b = XF_BUF_INIT;
	bool overflow = false;
	fixed_part(z, "[Content_Types].xml", content_types_xml);
	fixed_part(z, "_rels/.rels", package_rels_xml);
	core_xml(&b, d);
	overflow |= buf_part(z, &b, "docProps/core.xml");
	fixed_part(z, "docProps/app.xml", app_xml);
	fixed_part(z, "word/_rels/document.xml.rels", document_rels_xml);
	document_xml(&b, d);
	overflow |= buf_part(z, &b, "word/document.xml");
	styles_xml(&b);
	overflow |= buf_part(z, &b, "word/styles.xml");
	fixed_part(z, "word/settings.xml", settings_xml);
	footer_xml(&b, "right", "<w:ind w:right=\"280\"/>");
	overflow |= buf_part(z, &b, "word/footer1.xml");
	footer_xml(&b, "left", "<w:ind w:left=\"280\"/>");
	overflow |= buf_part(z, &b, "word/footer2.xml");
	header_xml(&b, d->watermark ? d->watermark : "");
	overflow |= buf_part(z, &b, "word/header1.xml");
	xf_buf_release(&b);
	if (xf_zip_finish(z) != XF_OK || overflow) {
		snprintf(err, 256, "cannot write the docx: %s",
		         overflow ? "out of memory" : "write failed");
		return XF_ERR;
	}
	return XF_OK;
}
