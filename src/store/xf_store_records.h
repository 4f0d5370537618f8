/* Records (记录在案) of an incident in SQL (migration 12): the metadata of files stored
 * content-addressed under the data directory, and 谈话记录 (interview records) whose
 * structured content is JSON. Promises as in xf_store.h. Times are milliseconds since
 * the epoch (UTC). */
#ifndef XF_STORE_RECORDS_H
#define XF_STORE_RECORDS_H

#include "store/xf_store.h"

typedef struct xf_record_new {
	int64_t incident_id;
	const char *kind, *title, *place, *note;
	int64_t captured_ms;  /* 0: not given */
	const char *filename; /* NULL: no file (an interview typed in) */
	const char *sha256;   /* 64 hex digits; NULL without a file */
	int64_t size;
	const char *mime;
	const char *thumb_sha256; /* NULL: no thumbnail */
	const char *interview;    /* JSON text; NULL for other kinds */
	int64_t added_by;
	int64_t now_ms;
} xf_record_new;

typedef struct xf_record_row {
	int64_t id, incident_id, size;
	char kind[16];
	char sha256[65], thumb_sha256[65];
	char mime[128];
	char filename[512];
} xf_record_row;

int xf_store_record_insert(xf_db *db, const xf_record_new *in, int64_t *id);
int xf_store_record_get(xf_db *db, int64_t id, xf_record_row *out);
/* The API shape (docs/api.md, records), added_by_name included. */
int xf_store_record_json(xf_db *db, int64_t id, json_t **out);
/* The records of an incident, oldest first. */
int xf_store_record_list(xf_db *db, int64_t incident_id, json_t **out);
/* Every distinct stored file (records' and thumbnails' hashes), for xinfang check:
 * calls each(ctx, sha256, record_id) once per hash; a non-zero return stops. */
int xf_store_record_files(xf_db *db, int (*each)(void *ctx, const char *sha256, int64_t record_id),
                          void *ctx);

#endif
