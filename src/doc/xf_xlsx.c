/* The XLSX writer (xf_xlsx.h) over libxlsxwriter. One table a sheet: row 0 the title
 * (bold, merged over the table's width), row 1 the header (bold, filled, frozen), rows
 * from 2 the data; formats are made once per workbook. */
#include "doc/xf_xlsx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define MAX_COLS 16

struct xf_xlsx {
	lxw_workbook *wb;
	char path[4096];
	char tmpdir[4000];
	lxw_format *title, *header, *label, *formats[3];
	lxw_worksheet *sheet;
	char sheet_name[128];
	size_t n_cols, n_rows;
	xf_xlsx_format col_format[MAX_COLS];
};

static const char *tmp_dir(void)
{
	const char *t = getenv("TMPDIR");
	return t && *t ? t : "/tmp";
}

xf_xlsx *xf_xlsx_new(const char *title, char err[256])
{
	xf_xlsx *x = calloc(1, sizeof *x);
	if (!x) {
		snprintf(err, 256, "out of memory");
		return NULL;
	}
	snprintf(x->tmpdir, sizeof x->tmpdir, "%s", tmp_dir());
	snprintf(x->path, sizeof x->path, "%s/xinfang-xlsx-XXXXXX", x->tmpdir);
	int fd = mkstemp(x->path);
	if (fd < 0) {
		snprintf(err, 256, "cannot make a temporary file in '%.150s': %s", x->tmpdir,
		         strerror(errno));
		free(x);
		return NULL;
	}
	close(fd);
	lxw_workbook_options opt = {.constant_memory = 0, .tmpdir = x->tmpdir};
	x->wb = workbook_new_opt(x->path, &opt);
	if (!x->wb) {
		snprintf(err, 256, "cannot start a workbook in '%.150s'", x->path);
		unlink(x->path);
		free(x);
		return NULL;
	}
	lxw_doc_properties props = {.title = (char *)title, .author = (char *)"xinfang"};
	workbook_set_properties(x->wb, &props);
	x->title = workbook_add_format(x->wb);
	format_set_bold(x->title);
	format_set_font_size(x->title, 14);
	x->header = workbook_add_format(x->wb);
	format_set_bold(x->header);
	format_set_bg_color(x->header, 0xDDE6F0);
	format_set_border(x->header, LXW_BORDER_THIN);
	format_set_align(x->header, LXW_ALIGN_CENTER);
	x->label = workbook_add_format(x->wb);
	format_set_border(x->label, LXW_BORDER_THIN);
	static const char *const nums[] = {"#,##0", "#,##0.0", "0.0%"};
	for (int i = 0; i < 3; i++) {
		x->formats[i] = workbook_add_format(x->wb);
		format_set_num_format(x->formats[i], nums[i]);
		format_set_border(x->formats[i], LXW_BORDER_THIN);
	}
	return x;
}

int xf_xlsx_sheet(xf_xlsx *x, const char *name, const char *title, size_t n_cols,
                  const char *const *headers, const xf_xlsx_format *formats)
{
	if (n_cols < 2 || n_cols > MAX_COLS)
		return XF_ERR;
	x->sheet = workbook_add_worksheet(x->wb, name);
	if (!x->sheet)
		return XF_ERR;
	snprintf(x->sheet_name, sizeof x->sheet_name, "%s", name);
	x->n_cols = n_cols;
	x->n_rows = 0;
	for (size_t c = 0; c < n_cols; c++)
		x->col_format[c] = formats && c ? formats[c] : XF_XLSX_INTEGER;
	worksheet_merge_range(x->sheet, 0, 0, 0, (lxw_col_t)(n_cols - 1), title, x->title);
	worksheet_set_row(x->sheet, 0, 22, NULL);
	worksheet_set_column(x->sheet, 0, 0, 24, NULL);
	worksheet_set_column(x->sheet, 1, (lxw_col_t)(n_cols - 1), 14, NULL);
	for (size_t c = 0; c < n_cols; c++)
		worksheet_write_string(x->sheet, 1, (lxw_col_t)c, headers[c], x->header);
	worksheet_freeze_panes(x->sheet, 2, 1);
	return XF_OK;
}

int xf_xlsx_row(xf_xlsx *x, const char *label, const double *values)
{
	if (!x->sheet)
		return XF_ERR;
	lxw_row_t r = (lxw_row_t)(2 + x->n_rows++);
	if (worksheet_write_string(x->sheet, r, 0, label, x->label) != LXW_NO_ERROR)
		return XF_ERR;
	for (size_t c = 1; c < x->n_cols; c++)
		if (worksheet_write_number(x->sheet, r, (lxw_col_t)c, values[c - 1],
		                           x->formats[x->col_format[c]]) != LXW_NO_ERROR)
			return XF_ERR;
	return XF_OK;
}

int xf_xlsx_chart(xf_xlsx *x, const char *name, const char *title, size_t col, bool line)
{
	if (!x->sheet || col < 1 || col >= x->n_cols)
		return XF_ERR;
	lxw_chartsheet *cs = workbook_add_chartsheet(x->wb, name);
	lxw_chart *chart = workbook_add_chart(x->wb, line ? LXW_CHART_LINE : LXW_CHART_COLUMN);
	if (!cs || !chart)
		return XF_ERR;
	lxw_chart_series *s = chart_add_series(chart, NULL, NULL);
	lxw_row_t last = (lxw_row_t)(2 + (x->n_rows ? x->n_rows - 1 : 0));
	chart_series_set_categories(s, x->sheet_name, 2, 0, last, 0);
	chart_series_set_values(s, x->sheet_name, 2, (lxw_col_t)col, last, (lxw_col_t)col);
	chart_series_set_name_range(s, x->sheet_name, 1, (lxw_col_t)col);
	chart_title_set_name(chart, title);
	chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
	return chartsheet_set_chart(cs, chart) == LXW_NO_ERROR ? XF_OK : XF_ERR;
}

int xf_xlsx_finish(xf_xlsx *x, xf_buf *out, char err[256])
{
	int rc = XF_OK;
	lxw_error e = workbook_close(x->wb);
	if (e != LXW_NO_ERROR) {
		snprintf(err, 256, "cannot write the workbook: %s", lxw_strerror(e));
		rc = XF_ERR;
	}
	FILE *f = rc == XF_OK ? fopen(x->path, "rb") : NULL;
	if (rc == XF_OK && !f) {
		snprintf(err, 256, "cannot read the workbook '%.150s': %s", x->path,
		         strerror(errno));
		rc = XF_ERR;
	}
	if (f) {
		char chunk[65536];
		size_t n;
		while (rc == XF_OK && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
			if (xf_buf_append(out, chunk, n) != XF_OK) {
				snprintf(err, 256, "the workbook is too large");
				rc = XF_ERR;
			}
		if (ferror(f) && rc == XF_OK) {
			snprintf(err, 256, "cannot read the workbook '%.150s'", x->path);
			rc = XF_ERR;
		}
		fclose(f);
	}
	unlink(x->path);
	free(x);
	return rc;
}
