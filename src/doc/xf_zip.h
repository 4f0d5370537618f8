/* A small ZIP writer for the DOCX writer (and later the archive download): entries are
 * deflated with zlib one at a time and written straight to a sink, then the central
 * directory. Timestamps are the caller's, so the same input gives the same bytes.
 * Limits: no ZIP64 (entries and the archive under 4 GiB), at most 65535 entries. */
#ifndef XF_ZIP_H
#define XF_ZIP_H

#include "doc/xf_document.h"

typedef struct xf_zip xf_zip;

/* year..second: the entries' modification time (local, as ZIP stores it). */
xf_zip *xf_zip_new(xf_doc_sink *out, int year, int month, int day, int hour, int minute);
/* Adds an entry: deflated, or stored when `store` (for already compressed data). */
int xf_zip_add(xf_zip *z, const char *name, const void *data, size_t n, bool store);
/* Writes the central directory and frees z; XF_ERR when any write failed. */
int xf_zip_finish(xf_zip *z);

#endif
