/* libFuzzer harness for the JSON form of documents (doc/xf_document.h): any bytes go
 * through xf_doc_from_json; a document that comes out is written as DOCX into a buffer
 * (the XML escaping and the zip writer see every string the parser let through). It
 * checks what the parser promises: a refusal names a field as "PATH: problem" in valid
 * UTF-8; a document has a title and stays within the limits; the DOCX is a zip (starts
 * with a local header, ends with an end-of-central-directory record). The PDF writer is
 * left out: pango's shaping costs milliseconds a run, and it only reads what the DOCX
 * writer reads. Seeds: tests/fuzz/seeds/fuzz_document/. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc/xf_document.h"
#include "util/xf_utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256] = "";
	xf_document *d = xf_doc_from_json((const char *)data, size, err);
	if (!d) {
		if (!strstr(err, ": ") || !xf_utf8_valid(err, strlen(err)))
			abort();
		return 0;
	}
	if (!d->title || d->n_blocks > XF_DOC_MAX_BLOCKS || d->n_cells > XF_DOC_MAX_CELLS)
		abort();
	xf_buf out;
	xf_buf_init(&out, 64u << 20);
	xf_doc_sink sink = {.fd = -1, .buf = &out};
	if (xf_doc_write_docx(d, &sink, err) != XF_OK)
		abort();
	if (out.len < 22 || memcmp(out.data, "PK\3\4", 4) != 0 ||
	    memcmp(out.data + out.len - 22, "PK\5\6", 4) != 0)
		abort();
	xf_buf_release(&out);
	xf_doc_free(d);
	return 0;
}
