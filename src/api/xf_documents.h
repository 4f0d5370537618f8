/* Issued documents and their drafts (src/api/xf_documents.c): a notice (api/matter_notices.c),
 * a report (api/reports.c) and the annual statistics report (api/statistics.c) are each
 * written as PDF and DOCX the same way, an issued one's two files are stored in the
 * content store, and a download is the stored file by its hash or a draft's bytes made
 * now, named alike. */
#ifndef XF_DOCUMENTS_H
#define XF_DOCUMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "api/xf_api.h"
#include "doc/xf_document.h"

/* The MIME type of a document's PDF (pdf) or DOCX. */
const char *xf_api_document_mime(bool pdf);
/* Writes d as PDF into pdf and as DOCX into docx (either may be NULL) and frees d; d
 * NULL means it could not be built (err says why). XF_OK, else XF_ERR with err. */
int xf_api_document_write(xf_document *d, xf_buf *pdf, xf_buf *docx, char err[256]);
/* Stores an issued document's PDF and DOCX in the content store (api/xf_records.h). */
int xf_api_document_store(const xf_buf *pdf, const xf_buf *docx, char pdf_sha[65],
                          char docx_sha[65]);
/* Answers with a document's PDF (pdf) or DOCX: the issued file stored as sha256, or when
 * sha256 is NULL a draft's bytes made now. The download is named name.ext (ascii.ext its
 * fallback), a draft's "草稿-"name.ext (ascii-draft.ext). */
bool xf_api_send_document(xf_req *req, bool pdf, const char *sha256, const xf_buf *draft,
                          const char *name, const char *ascii);
/* The calendar year in Beijing time of a time in ms: the year of a document number. */
int xf_api_shanghai_year(int64_t ms);

#endif
