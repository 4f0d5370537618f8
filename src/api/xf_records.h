/* Records (记录在案): the files and 谈话记录 attached to an incident (src/api/records.c).
 * Files live content-addressed under DATA_DIR/records/ab/cdef… (the SHA-256 of the
 * content in hex, split after two digits), thumbnails likewise; uploads arrive in
 * DATA_DIR/records/tmp first. */
#ifndef XF_RECORDS_H
#define XF_RECORDS_H

#include <stdio.h>

#include "api/xf_api.h"

extern const xf_route_list xf_routes_records;

/* Sets the data directory and the largest file (0: 200 MiB) and creates
 * DATA_DIR/records/tmp; XF_OK or XF_ERR (printed). */
int xf_records_configure(const char *data_dir, uint64_t max_bytes);
/* The path of a stored file by its hash (DATA_DIR/records/ab/cdef…), and the data
 * directory (for the archive download's temporary files and retention). */
void xf_records_path(const char *sha256, char *out, size_t size);
const char *xf_records_data_dir(void);
/* For xinfang check: hashes every stored file against its name and the records that
 * point at it; names each missing or altered one on err. Returns the number of
 * problems, or -1 when the store cannot be read. */
int xf_records_check(xf_db *db, const char *data_dir, FILE *err);

/* The content store for others (issued reports, api/reports.c): stores bytes under
 * their SHA-256 (hex into sha256) and opens a stored file read-only (-1 when missing;
 * size may be NULL). */
int xf_records_store_bytes(const void *bytes, size_t len, char sha256[65]);
int xf_records_open(const char *sha256, uint64_t *size);

#endif
