/* The render subcommand: reads a document in its JSON form (a file or standard input),
 * checks it (a problem is named by its JSON path) and writes the PDF and/or the DOCX.
 * A file is written to FILE.tmp and renamed into place, so a failure leaves no half
 * document behind. */
#include "cli/xf_cli_render.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/xf_cli_common.h"
#include "doc/xf_document.h"
#include "util/xf_buf.h"

#define INPUT_MAX (64u << 20)

static const char usage_text[] =
    "usage: xinfang render [--pdf FILE] [--docx FILE] [JSON_FILE]\n"
    "Writes a document (report, notice) as PDF (A4, GB/T 9704 layout, Noto CJK fonts)\n"
    "and/or DOCX from its JSON form, read from JSON_FILE or standard input:\n"
    "  {\"title\": \"…\", \"issuer\": \"…煤矿信访办公室\", \"number\": \"〔2026〕15号\",\n"
    "   \"date\": \"2026年12月6日\", \"recipient\": \"公司信访办公室\", \"watermark\": \"草稿\",\n"
    "   \"one_page\": false,\n"
    "   \"meta\": [[\"版本\", \"第1版\"], …],\n"
    "   \"sections\": [{\"heading\": \"基本情况\", \"level\": 1, \"attachment\": false,\n"
    "     \"blocks\": [\"a paragraph\", {\"type\": \"paragraph\", \"text\": \"…\"},\n"
    "       {\"type\": \"kv\", \"items\": [[\"时间\", \"…\"], …]},\n"
    "       {\"type\": \"table\", \"columns\": 3, \"widths\": [1, 2, 4],\n"
    "        \"header\": [[\"序号\", \"时间\", \"事项\"]], \"rows\": [[\"1\", \"…\", \"…\"], "
    "…]}]}]}\n"
    "Only title and sections are required. Headings are numbered 一、/（一）/1. by level;\n"
    "attachment sections print after the signature as 附件1, 附件2. With one_page the PDF\n"
    "tightens its grid (down to 12 pt) to keep a short report on one page. A problem in the\n"
    "document exits 1 naming its field, e.g. sections[2].blocks[0].rows[3]: ….\n";

static int usage(int status)
{
	return xf_cli_usage(usage_text, status);
}

static int write_one(const xf_document *d, const char *path, bool pdf)
{
	char tmp[4096];
	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		fprintf(stderr, "xinfang: path too long: '%s'\n", path);
		return XF_ERR;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "xinfang: cannot create '%s': %s\n", tmp, strerror(errno));
		return XF_ERR;
	}
	xf_doc_sink sink = {.fd = fd};
	char err[256] = "";
	int pages = 0;
	int rc = pdf ? xf_doc_write_pdf(d, &sink, &pages, err) : xf_doc_write_docx(d, &sink, err);
	if (close(fd) != 0 && rc == XF_OK) {
		snprintf(err, sizeof err, "cannot write: %s", strerror(errno));
		rc = XF_ERR;
	}
	if (rc == XF_OK && rename(tmp, path) != 0) {
		snprintf(err, sizeof err, "cannot rename into place: %s", strerror(errno));
		rc = XF_ERR;
	}
	if (rc != XF_OK) {
		unlink(tmp);
		fprintf(stderr, "xinfang: '%s': %s\n", path, err);
		return XF_ERR;
	}
	if (pdf)
		printf("wrote '%s' (%d page%s)\n", path, pages, pages == 1 ? "" : "s");
	else
		printf("wrote '%s'\n", path);
	return XF_OK;
}

int xf_cli_render(int argc, char **argv)
{
	const char *pdf = NULL, *docx = NULL, *input = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return usage(0);
		if ((strcmp(argv[i], "--pdf") == 0 || strcmp(argv[i], "--docx") == 0) &&
		    i + 1 < argc) {
			*(argv[i][2] == 'p' ? &pdf : &docx) = argv[i + 1];
			i++;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			fprintf(stderr, "xinfang: render: unknown or incomplete option '%s'\n",
			        argv[i]);
			return usage(2);
		} else if (!input) {
			input = argv[i];
		} else {
			return usage(2);
		}
	}
	if (!pdf && !docx) {
		fprintf(stderr, "xinfang: render: give --pdf FILE, --docx FILE or both\n");
		return usage(2);
	}
	xf_buf text;
	xf_buf_init(&text, INPUT_MAX);
	if (xf_cli_read_input(input, &text, "") != XF_OK) {
		xf_buf_release(&text);
		return 1;
	}
	char err[256] = "";
	xf_document *d = xf_doc_from_json(text.data ? text.data : "", text.len, err);
	xf_buf_release(&text);
	if (!d) {
		fprintf(stderr, "xinfang: '%s': %s\n", input ? input : "-", err);
		return 1;
	}
	int rc = 0;
	if (pdf && write_one(d, pdf, true) != XF_OK)
		rc = 1;
	if (docx && write_one(d, docx, false) != XF_OK)
		rc = 1;
	xf_doc_free(d);
	xf_doc_release_fonts();
	return rc;
}
