/* Issued documents and their drafts, written, stored and sent one way (see
 * api/xf_documents.h). */
#include <time.h>

#include "api/xf_documents.h"
#include "api/xf_records.h"

const char *xf_api_document_mime(bool pdf)
{
	return pdf ? "application/pdf"
	           : "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
}

int xf_api_document_write(xf_document *d, xf_buf *pdf, xf_buf *docx, char err[256])
{
	int rc = d ? XF_OK : XF_ERR;
	if (rc == XF_OK && pdf) {
		xf_doc_sink sink = {.fd = -1, .buf = pdf};
		rc = xf_doc_write_pdf(d, &sink, NULL, err);
	}
	if (rc == XF_OK && docx) {
		xf_doc_sink sink = {.fd = -1, .buf = docx};
		rc = xf_doc_write_docx(d, &sink, err);
	}
	xf_doc_free(d);
	return rc;
}

int xf_api_document_store(const xf_buf *pdf, const xf_buf *docx, char pdf_sha[65],
                          char docx_sha[65])
{
	int rc = xf_records_store_bytes(pdf->data, pdf->len, pdf_sha);
	return rc == XF_OK ? xf_records_store_bytes(docx->data, docx->len, docx_sha) : rc;
}

bool xf_api_send_document(xf_req *req, bool pdf, const char *sha256, const xf_buf *draft,
                          const char *name, const char *ascii)
{
	const char *ext = pdf ? "pdf" : "docx";
	bool is_draft = sha256 == NULL;
	return xf_api_send_file(
	    req,
	    &(xf_api_file){
	        .sha256 = sha256,
	        .bytes = is_draft ? draft : NULL,
	        .mime = xf_api_document_mime(pdf),
	        .name = xf_arena_printf(&req->arena, "%s%s.%s", is_draft ? "草稿-" : "", name, ext),
	        .ascii =
	            xf_arena_printf(&req->arena, "%s%s.%s", ascii, is_draft ? "-draft" : "", ext),
	    });
}

int xf_api_shanghai_year(int64_t ms)
{
	time_t secs = (time_t)(ms / 1000) + XF_CST_OFFSET_S;
	struct tm tm;
	gmtime_r(&secs, &tm);
	return tm.tm_year + 1900;
}
