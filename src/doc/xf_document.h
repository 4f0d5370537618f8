/* The document model of the written reports (首报, 续报, 终报, 工作总结, notices): a
 * title, the issuing unit (发文单位), a document number, a date, ordered sections of
 * paragraphs, key-value lists and tables, and attachments; and the two writers that
 * turn it into files, PDF (cairo + pango, GB/T 9704-like layout, see
 * docs/documents.md) and DOCX (Office Open XML, zipped by doc/xf_zip.h).
 *
 * The model knows nothing of the store or HTTP: the reports API fills one from an
 * incident, the CLI (`xinfang render`) from JSON (xf_doc_from_json). All text is UTF-8;
 * the builder refuses text that is not valid UTF-8 (XF_ERR) and drops control
 * characters other than '\n' and '\t', so the writers never see them.
 *
 * Ownership: everything hangs off the xf_document and is freed by xf_doc_free(); the
 * builder copies every string it is given. Section headings are given without their
 * numbers: the writers number level 1 "一、", level 2 "（一）", level 3 "1.". */
#ifndef XF_DOCUMENT_H
#define XF_DOCUMENT_H

#include <stdio.h>

#include "util/xf_arena.h"
#include "util/xf_buf.h"
#include "util/xf_util.h"

typedef enum xf_doc_block_kind {
	XF_DOC_PARAGRAPH, /* body text, first line indented two characters */
	XF_DOC_KV,        /* "key：value" lines (时间：…, 地点：…) */
	XF_DOC_TABLE,     /* a table with header rows repeated on every page */
} xf_doc_block_kind;

typedef struct xf_doc_row {
	struct xf_doc_row *next;
	const char **cells; /* n_cols strings */
} xf_doc_row;

typedef struct xf_doc_kv {
	struct xf_doc_kv *next;
	const char *key, *value;
} xf_doc_kv;

typedef struct xf_doc_block {
	struct xf_doc_block *next;
	xf_doc_block_kind kind;
	const char *text;               /* paragraph */
	xf_doc_kv *items, **items_tail; /* kv */
	size_t n_cols;                  /* table */
	double *widths;                 /* table: relative column widths, NULL = from content */
	xf_doc_row *header, **header_tail;
	xf_doc_row *rows, **rows_tail;
	size_t n_header, n_rows;
} xf_doc_block;

typedef struct xf_doc_section {
	struct xf_doc_section *next;
	const char *heading; /* without its number; NULL or "" = no heading */
	int level;           /* 1..3 */
	bool attachment;     /* printed after the issuer block as 附件N, listed in 附件： */
	xf_doc_block *blocks, **blocks_tail;
} xf_doc_section;

typedef struct xf_document {
	xf_arena arena;
	const char *title;  /* 标题 */
	const char *issuer; /* 发文单位, printed at the head (版头) and signed at the end */
	const char *number; /* 发文字号, e.g. "〔2026〕15号"; NULL = none (a draft) */
	const char *date;   /* "2026年12月6日" (xf_doc_format_date) */
	const char *recipient; /* 主送机关, e.g. "公司信访办公室"; NULL = none */
	const char *watermark; /* e.g. "草稿" on drafts; NULL = none */
	bool one_page; /* meant for one page (首报): the PDF tightens its grid to fit one */
	xf_doc_kv *meta, **meta_tail; /* 版记: version, issue time, issuer, chain head */
	xf_doc_section *sections, **sections_tail;
	size_t n_sections, n_blocks, n_cells;
} xf_document;

/* Limits of one document (also what xf_doc_from_json enforces). */
#define XF_DOC_MAX_COLS   16
#define XF_DOC_MAX_BLOCKS 20000
#define XF_DOC_MAX_CELLS  200000
#define XF_DOC_MAX_TEXT   (256u << 10) /* bytes of one string */

xf_document *xf_doc_new(void);
void xf_doc_free(xf_document *d);

/* Setters copy s; XF_ERR when s is not valid UTF-8 or longer than XF_DOC_MAX_TEXT. */
int xf_doc_set_title(xf_document *d, const char *s);
int xf_doc_set_issuer(xf_document *d, const char *s);
int xf_doc_set_number(xf_document *d, const char *s);
int xf_doc_set_date(xf_document *d, const char *s);
int xf_doc_set_recipient(xf_document *d, const char *s);
int xf_doc_set_watermark(xf_document *d, const char *s);
int xf_doc_add_meta(xf_document *d, const char *key, const char *value);
/* "2026年12月6日" from a year, month and day; out must hold 32 bytes. */
void xf_doc_format_date(char out[32], int year, int month, int day);

/* Sections and blocks are appended in order. NULL on invalid text or past a limit. */
xf_doc_section *xf_doc_section_add(xf_document *d, const char *heading, int level);
xf_doc_block *xf_doc_paragraph(xf_document *d, xf_doc_section *s, const char *text);
/* Appends to the section's last block when it is a key-value list, else starts one. */
xf_doc_block *xf_doc_kv_add(xf_document *d, xf_doc_section *s, const char *key, const char *value);
/* A table of n_cols columns (1..XF_DOC_MAX_COLS); widths may be NULL. */
xf_doc_block *xf_doc_table(xf_document *d, xf_doc_section *s, size_t n_cols, const double *widths);
/* Rows of n_cols cells (NULL cells print empty); header rows come before body rows. */
int xf_doc_table_header(xf_document *d, xf_doc_block *t, const char *const *cells);
int xf_doc_table_row(xf_document *d, xf_doc_block *t, const char *const *cells);

/* The number of a level-1..3 heading: "一、", "（一）", "1.". */
void xf_doc_heading_number(char out[32], int level, int n);

/* Where a writer's bytes go: a file descriptor or a growable buffer. */
typedef struct xf_doc_sink {
	int fd;      /* used when buf is NULL */
	xf_buf *buf; /* appended to */
	bool failed;
} xf_doc_sink;
int xf_doc_sink_write(xf_doc_sink *s, const void *bytes, size_t n);

/* The writers. XF_ERR with a message in err (lower case) on failure. n_pages_out
 * (may be NULL) receives the PDF's page count. */
int xf_doc_write_pdf(const xf_document *d, xf_doc_sink *out, int *n_pages_out, char err[256]);
int xf_doc_write_docx(const xf_document *d, xf_doc_sink *out, char err[256]);

/* Frees the font caches of pango, cairo and fontconfig, which live until the process
 * ends: for a command that exits (so LeakSanitizer sees no leaks), never in the server
 * while another thread may be writing a PDF. */
void xf_doc_release_fonts(void);

/* The JSON form (see `xinfang render --help`): NULL with
 * "FIELD: problem" in err, e.g. "sections[2].blocks[0].rows[3]: expected 4 cells". */
xf_document *xf_doc_from_json(const char *text, size_t len, char err[256]);

#endif
