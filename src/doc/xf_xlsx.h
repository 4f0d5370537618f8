/* Workbooks for exports (the statistics' XLSX, docs/statistics.md), written with
 * libxlsxwriter, which only this layer includes. The model is what an export needs:
 * sheets of one table each (a title line, a header row, rows whose first column is a
 * label and whose other columns are numbers in a per-column format), and chart sheets
 * drawing one column of a table sheet over its labels. Names and text are UTF-8;
 * sheet names follow Excel's rules (at most 31 characters, none of []:*?/\).
 *
 * libxlsxwriter writes to a file: the workbook is written to a temporary file that is
 * read back into the buffer and removed. */
#ifndef XF_XLSX_H
#define XF_XLSX_H

#include <stdbool.h>
#include <stddef.h>

#include "util/xf_buf.h"

typedef enum xf_xlsx_format {
	XF_XLSX_INTEGER, /* 1,234 */
	XF_XLSX_DECIMAL, /* 1,234.5 */
	XF_XLSX_PERCENT, /* 0.953 shown as 95.3% */
} xf_xlsx_format;

typedef struct xf_xlsx xf_xlsx;

/* A new workbook titled title (the document's property); NULL with err set when the
 * temporary file cannot be made. */
xf_xlsx *xf_xlsx_new(const char *title, char err[256]);
/* Starts a table sheet of n_cols columns (2..16): headers[n_cols], formats of columns
 * 1..n_cols-1 (formats[0] is ignored; NULL: integers). */
int xf_xlsx_sheet(xf_xlsx *x, const char *name, const char *title, size_t n_cols,
                  const char *const *headers, const xf_xlsx_format *formats);
/* Appends a row to the current sheet: its label and n_cols - 1 values. */
int xf_xlsx_row(xf_xlsx *x, const char *label, const double *values);
/* A chart sheet named name drawing column col (1..) of the current table sheet's rows
 * over their labels, as columns (or a line when line is true). */
int xf_xlsx_chart(xf_xlsx *x, const char *name, const char *title, size_t col, bool line);
/* Closes the workbook and appends its bytes to out; frees x whatever the result. */
int xf_xlsx_finish(xf_xlsx *x, xf_buf *out, char err[256]);

#endif
