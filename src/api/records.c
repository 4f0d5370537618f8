/* The record resource (记录在案, plan 三(6) and 四(二)7): files attached to an incident
 * (photos, video, audio, scanned documents, 谈话记录 scans or recordings) and
 * structured 谈话记录 (interview records).
 *
 * An upload is multipart/form-data on a route flagged XF_ROUTE_STREAM_BODY: the
 * handler first checks the incident and sets a sink; each piece of the body then goes
 * through the multipart parser (http/xf_multipart.h) straight into a temporary file
 * under DATA_DIR/records/tmp while its SHA-256 is computed, so the upload is never in
 * memory whole. When the body is complete, the type is sniffed from the content with
 * libmagic (never from the name or the declared type), the file is renamed to its
 * content address (the same content twice is stored once), a photo gets a thumbnail
 * re-encoded from its pixels (no EXIF), and the row and its audit event are written
 * in one transaction. Downloads stream from the file and are audit events too: the
 * chain of custody is who added, who viewed, when. */
#include "api/xf_records.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <magic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/xf_thumb.h"
#include "core/xf_venue.h"
#include "http/xf_multipart.h"
#include "store/xf_store_people.h"
#include "store/xf_store_records.h"
#include "util/xf_utf8.h"

#define SNIFF_BYTES 65536 /* what libmagic sees of a file */
#define FIELD_MAX   20000 /* bytes of a text part */

static char data_dir[PATH_MAX] = "var";
static uint64_t max_bytes = 200ull << 20;

static const char *const kinds[] = {"interview", "photo", "video", "audio",
                                    "document",  "other", NULL};
static const char *const kinds_zh[] = {"谈话记录", "照片", "视频", "录音", "文件", "其他"};

static const char *kind_zh(const char *kind)
{
	for (size_t i = 0; kinds[i]; i++)
		if (strcmp(kinds[i], kind) == 0)
			return kinds_zh[i];
	return kind;
}

int xf_records_configure(const char *dir, uint64_t max)
{
	max_bytes = max ? max : 200ull << 20;
	snprintf(data_dir, sizeof data_dir, "%s", dir);
	size_t n = strlen(data_dir);
	while (n > 1 && data_dir[n - 1] == '/')
		data_dir[--n] = '\0';
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/records", data_dir);
	if (mkdir(path, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "xinfang: cannot create '%s': %s\n", path, strerror(errno));
		return XF_ERR;
	}
	snprintf(path, sizeof path, "%s/records/tmp", data_dir);
	if (mkdir(path, 0750) != 0 && errno != EEXIST) {
		fprintf(stderr, "xinfang: cannot create '%s': %s\n", path, strerror(errno));
		return XF_ERR;
	}
	return XF_OK;
}

/* DATA_DIR/records/ab/cdef… of a hash. */
static void content_path(const char *dir, const char *sha256, char *out, size_t size)
{
	snprintf(out, size, "%s/records/%.2s/%s", dir, sha256, sha256 + 2);
}

void xf_records_path(const char *sha256, char *out, size_t size)
{
	content_path(data_dir, sha256, out, size);
}

const char *xf_records_data_dir(void)
{
	return data_dir;
}

static void fsync_dir(const char *path)
{
	char dir[PATH_MAX + 128];
	snprintf(dir, sizeof dir, "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = '\0';
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Moves the file at tmp to the content address of sha256, or drops it when that
 * content is stored already. */
static int store_content(const char *tmp, const char *sha256)
{
	char path[PATH_MAX + 80], dir[PATH_MAX + 16];
	snprintf(dir, sizeof dir, "%s/records/%.2s", data_dir, sha256);
	if (mkdir(dir, 0750) != 0 && errno != EEXIST)
		return XF_ERR;
	content_path(data_dir, sha256, path, sizeof path);
	struct stat st;
	if (stat(path, &st) == 0) {
		unlink(tmp);
		return XF_OK;
	}
	if (rename(tmp, path) != 0)
		return XF_ERR;
	fsync_dir(path);
	return XF_OK;
}

/* Stores bytes content-addressed (a thumbnail); its hash into sha256 (65 bytes). */
static int store_bytes(const unsigned char *bytes, size_t len, char *sha256)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, bytes, len);
	xf_hex_encode(digest, sizeof digest, sha256);
	char tmp[PATH_MAX + 32];
	snprintf(tmp, sizeof tmp, "%s/records/tmp/thumb-XXXXXX", data_dir);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return XF_ERR;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, bytes + done, len - done);
		if (n <= 0) {
			close(fd);
			unlink(tmp);
			return XF_ERR;
		}
		done += (size_t)n;
	}
	if (fsync(fd) != 0 || close(fd) != 0) {
		unlink(tmp);
		return XF_ERR;
	}
	return store_content(tmp, sha256);
}

int xf_records_store_bytes(const void *bytes, size_t len, char sha256[65])
{
	return store_bytes(bytes, len, sha256);
}

int xf_records_open(const char *sha256, uint64_t *size)
{
	char path[PATH_MAX + 80];
	content_path(data_dir, sha256, path, sizeof path);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	if (fd >= 0 && size)
		*size = (uint64_t)st.st_size;
	return fd;
}

/* ---- the upload: multipart into a temporary file ---- */

static const char *const text_fields[] = {"kind", "title", "captured_at", "place", "note", NULL};
enum { N_TEXT = 5 };
/* The size of one write of an uploaded file to disk. */
enum { WRITE_BYTES = 256 << 10 };

typedef struct upload {
	xf_multipart mp;
	bool parse_failed, io_failed, too_many_files, too_large;
	char parse_error[160];
	int fd;
	char tmp[PATH_MAX + 32];
	bool has_file, in_file;
	char filename[512];
	crypto_hash_sha256_state sha;
	uint64_t size;
	unsigned char head[SNIFF_BYTES];
	size_t head_len;
	/* File bytes not yet written: the parser hands over the runs between CRs (a few
	 * hundred bytes in binary data), so they are gathered into writes of WRITE_BYTES. */
	char *pending;
	size_t pending_len;
	int field; /* index in text_fields of the part being read; -1 for none */
	xf_buf value;
	char *values[N_TEXT];
	bool field_too_long;
	char unknown_part[128];
} upload;

static void upload_release(void *ctx)
{
	upload *u = ctx;
	free(u->pending);
	if (u->fd >= 0)
		close(u->fd);
	if (u->tmp[0])
		unlink(u->tmp); /* still there: not stored */
	for (int i = 0; i < N_TEXT; i++)
		free(u->values[i]);
	xf_buf_release(&u->value);
	free(u);
}

static int part_begin(void *ctx, const xf_multipart_part *part)
{
	upload *u = ctx;
	u->field = -1;
	u->in_file = false;
	if (strcmp(part->name, "file") == 0) {
		if (u->has_file) {
			u->too_many_files = true;
			return -1;
		}
		snprintf(u->tmp, sizeof u->tmp, "%s/records/tmp/upload-XXXXXX", data_dir);
		u->fd = mkstemp(u->tmp);
		if (u->fd < 0) {
			u->tmp[0] = '\0';
			u->io_failed = true;
			return -1;
		}
		u->has_file = u->in_file = true;
		snprintf(u->filename, sizeof u->filename, "%s", part->filename);
		crypto_hash_sha256_init(&u->sha);
		return 0;
	}
	for (int i = 0; text_fields[i]; i++)
		if (strcmp(part->name, text_fields[i]) == 0) {
			if (u->values[i]) {
				snprintf(u->unknown_part, sizeof u->unknown_part, "%s", part->name);
				return -1; /* given twice */
			}
			u->field = i;
			xf_buf_reset(&u->value);
			return 0;
		}
	snprintf(u->unknown_part, sizeof u->unknown_part, "%s", part->name);
	return -1;
}

/* Writes the gathered file bytes; false (io_failed set) when the disk refuses. */
static bool flush_pending(upload *u)
{
	const char *data = u->pending;
	size_t len = u->pending_len;
	u->pending_len = 0;
	while (len) {
		ssize_t n = write(u->fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			u->io_failed = true;
			return false;
		}
		data += n;
		len -= (size_t)n;
	}
	return true;
}

static int part_data(void *ctx, const char *data, size_t len)
{
	upload *u = ctx;
	if (u->in_file) {
		if (u->size + len > max_bytes) {
			u->too_large = true;
			return -1;
		}
		crypto_hash_sha256_update(&u->sha, (const unsigned char *)data, len);
		if (u->head_len < SNIFF_BYTES) {
			size_t n =
			    len < SNIFF_BYTES - u->head_len ? len : SNIFF_BYTES - u->head_len;
			memcpy(u->head + u->head_len, data, n);
			u->head_len += n;
		}
		u->size += len;
		if (!u->pending)
			u->pending = xf_malloc(WRITE_BYTES);
		while (len) {
			size_t n =
			    len < WRITE_BYTES - u->pending_len ? len : WRITE_BYTES - u->pending_len;
			memcpy(u->pending + u->pending_len, data, n);
			u->pending_len += n;
			data += n;
			len -= n;
			if (u->pending_len == WRITE_BYTES && !flush_pending(u))
				return -1;
		}
		return 0;
	}
	if (u->field >= 0) {
		if (u->value.len + len > FIELD_MAX) {
			u->field_too_long = true;
			snprintf(u->unknown_part, sizeof u->unknown_part, "%s",
			         text_fields[u->field]);
			return -1;
		}
		xf_buf_append(&u->value, data, len);
	}
	return 0;
}

static int part_end(void *ctx)
{
	upload *u = ctx;
	if (u->in_file && !flush_pending(u))
		return -1;
	if (u->field >= 0) {
		char *v = xf_malloc(u->value.len + 1);
		memcpy(v, u->value.data ? u->value.data : "", u->value.len);
		v[u->value.len] = '\0';
		if (strlen(v) != u->value.len) { /* a NUL byte */
			free(v);
			snprintf(u->unknown_part, sizeof u->unknown_part, "%s",
			         text_fields[u->field]);
			return -1;
		}
		u->values[u->field] = v;
	}
	u->field = -1;
	u->in_file = false;
	return 0;
}

static const xf_multipart_callbacks upload_callbacks = {part_begin, part_data, part_end};

static int upload_sink(void *ctx, const char *data, size_t len)
{
	upload *u = ctx;
	if (xf_multipart_feed(&u->mp, data, len) != 0) {
		u->parse_failed = true;
		snprintf(u->parse_error, sizeof u->parse_error, "%s", u->mp.error);
		return -1;
	}
	return 0;
}

/* The type of the content, as libmagic sees its first bytes. */
static void sniff(const unsigned char *head, size_t len, char *mime, size_t size)
{
	snprintf(mime, size, "application/octet-stream");
	magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
	if (!m)
		return;
	if (magic_load(m, NULL) == 0) {
		const char *t = magic_buffer(m, head, len);
		if (t && *t && !strchr(t, ' '))
			snprintf(mime, size, "%s", t);
	}
	magic_close(m);
}

/* The last path segment of a client's file name (some send a whole path). */
static const char *base_name(const char *name)
{
	const char *slash = strrchr(name, '/'), *back = strrchr(name, '\\');
	if (back && (!slash || back > slash))
		slash = back;
	return slash ? slash + 1 : name;
}

/* A text part as a field: valid UTF-8 of at most max characters. */
static bool text_ok(xf_req *req, const char *field, const char *v, size_t max, bool required)
{
	if (!v || !*v) {
		if (required)
			xf_reply_error(req, 400, "invalid_field", field, "'%s' is required", field);
		return !required;
	}
	if (!xf_utf8_valid(v, strlen(v))) {
		xf_reply_error(req, 400, "invalid_field", field, "'%s' is not valid UTF-8", field);
		return false;
	}
	if (xf_utf8_chars(v) > max) {
		xf_reply_error(req, 400, "invalid_field", field,
		               "'%s' is longer than %zu characters", field, max);
		return false;
	}
	return true;
}

/* The first run, before the body: the incident is visible, the body multipart. */
static void upload_before(xf_req *req, int64_t id)
{
	char boundary[XF_MULTIPART_BOUNDARY_MAX + 1];
	if (xf_multipart_boundary(xf_req_header(req, "Content-Type"), boundary) != 0) {
		xf_reply_error(req, 415, "unsupported_media_type", NULL,
		               "a record is uploaded as 'multipart/form-data' with a boundary");
		return;
	}
	xf_incident_state state;
	if (!xf_api_incident(req, xf_db_get(), id, &state))
		return;
	upload *u = xf_calloc(1, sizeof *u);
	u->fd = -1;
	u->field = -1;
	xf_buf_init(&u->value, FIELD_MAX);
	xf_multipart_init(&u->mp, boundary, &upload_callbacks, u);
	req->body_ctx = u;
	req->body_sink = upload_sink;
	req->body_release = upload_release;
}

/* Replies to what went wrong while the body arrived (storage, size, parts, parsing, no
 * file); false when it replied. */
static bool upload_body_ok(xf_req *req, upload *u)
{
	if (!u->parse_failed && xf_multipart_finish(&u->mp) != 0) {
		u->parse_failed = true;
		snprintf(u->parse_error, sizeof u->parse_error, "%s", u->mp.error);
	}
	if (u->io_failed) {
		xf_log("req=%s cannot write an upload into '%s/records/tmp': %s", req->request_id,
		       data_dir, strerror(errno));
		xf_reply_error(req, 507, "storage", NULL, "the file could not be stored");
		return false;
	}
	if (u->too_large) {
		xf_reply_error(req, 413, "body_too_large", NULL, "body is larger than %zu bytes",
		               (size_t)max_bytes);
		return false;
	}
	if (u->too_many_files) {
		xf_reply_error(req, 400, "invalid_field", "file", "one 'file' part per record");
		return false;
	}
	if (u->unknown_part[0]) {
		xf_reply_error(
		    req, 400, "invalid_field", u->unknown_part,
		    "part '%s' is unknown, given twice, too long or holds a NUL byte; parts "
		    "are file, kind, title, captured_at, place, note",
		    u->unknown_part);
		return false;
	}
	if (u->parse_failed) {
		xf_reply_error(req, 400, "bad_multipart", NULL,
		               "the multipart body is malformed: %s", u->parse_error);
		return false;
	}
	if (!u->has_file) {
		xf_reply_error(req, 400, "invalid_field", "file",
		               "'file' is required (a 谈话记录 without a file is written at "
		               "/incidents/{id}/interviews)");
		return false;
	}
	return true;
}

/* Checks the text parts and the file's name; false when it replied. */
static bool upload_fields_ok(xf_req *req, const upload *u, const char *name, int64_t *captured_ms)
{
	const char *kind = u->values[0], *title = u->values[1], *captured = u->values[2],
	           *place = u->values[3], *note = u->values[4];
	bool known = false;
	for (size_t i = 0; kind && kinds[i]; i++)
		known |= strcmp(kinds[i], kind) == 0;
	if (!known) {
		xf_reply_error(
		    req, 400, "invalid_field", "kind",
		    "'kind' must be one of interview, photo, video, audio, document, other");
		return false;
	}
	*captured_ms = 0;
	if (captured && *captured && xf_iso_time_parse(captured, captured_ms) != XF_OK) {
		xf_reply_error(req, 400, "invalid_field", "captured_at",
		               "'captured_at' is not an ISO 8601 time with a zone");
		return false;
	}
	if (!text_ok(req, "title", title, 200, false) ||
	    !text_ok(req, "place", place, 200, false) ||
	    !text_ok(req, "note", note, XF_API_TEXT_MAX, false))
		return false;
	if (!xf_utf8_valid(name, strlen(name))) {
		xf_reply_error(req, 400, "invalid_field", "file",
		               "the file name is not valid UTF-8");
		return false;
	}
	return true;
}

/* Moves the uploaded file to its content address and makes its thumbnail; fills its
 * hash, type and thumbnail hash ("" when none). False when it replied. */
static bool upload_store_file(xf_req *req, upload *u, char sha256[65], char mime[128],
                              char thumb[65])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	thumb[0] = '\0';
	crypto_hash_sha256_final(&u->sha, digest);
	xf_hex_encode(digest, sizeof digest, sha256);
	int fd = u->fd;
	u->fd = -1;
	if (fsync(fd) != 0 || close(fd) != 0) {
		xf_reply_error(req, 507, "storage", NULL, "the file could not be stored");
		return false;
	}
	sniff(u->head, u->head_len, mime, 128);
	if (store_content(u->tmp, sha256) != XF_OK) {
		xf_log("req=%s cannot store '%s': %s", req->request_id, sha256, strerror(errno));
		xf_reply_error(req, 507, "storage", NULL, "the file could not be stored");
		return false;
	}
	u->tmp[0] = '\0';
	char path[PATH_MAX + 80];
	content_path(data_dir, sha256, path, sizeof path);
	unsigned char *thumb_bytes;
	size_t thumb_len;
	if (xf_thumb_make(path, mime, &thumb_bytes, &thumb_len) == 0) {
		if (store_bytes(thumb_bytes, thumb_len, thumb) != XF_OK)
			thumb[0] = '\0';
		free(thumb_bytes);
	}
	return true;
}

/* Inside the transaction: inserts the record with its record.add event (extra: more of
 * the event's data, stolen; may be NULL), commits and answers 201 with it. */
static void add_record(xf_req *req, xf_db *db, const xf_record_new *in, json_t *extra)
{
	xf_actor actor = xf_api_actor(req);
	int64_t record_id;
	int rc = xf_store_record_insert(db, in, &record_id);
	if (rc == XF_OK) {
		json_t *data = json_pack("{s:I, s:s, s:s}", "record_id", (json_int_t)record_id,
		                         "kind", in->kind, "title", in->title);
		json_object_update(data, extra);
		json_object_set_new(data, "summary",
		                    json_string(xf_arena_printf(&req->arena, "记录在案：%s「%s」",
		                                                kind_zh(in->kind), in->title)));
		rc = xf_audit_append(db, &actor, "record.add", "incident",
		                     xf_api_id_text(req, in->incident_id), data);
	}
	json_decref(extra);
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_record_json, record_id, NULL, 201);
}

/* The second run, after the body: checks the parts, stores the file, then adds the
 * record with its audit event in one transaction. */
static void upload_done(xf_req *req, int64_t id)
{
	upload *u = req->body_ctx;
	if (!upload_body_ok(req, u))
		return;
	const char *kind = u->values[0], *title = u->values[1], *place = u->values[3],
	           *note = u->values[4];
	const char *name = base_name(u->filename);
	int64_t captured_ms;
	if (!upload_fields_ok(req, u, name, &captured_ms))
		return;
	if (!title || !*title)
		title = *name ? name : kind_zh(kind);

	char sha256[65], mime[128], thumb[65];
	if (!upload_store_file(req, u, sha256, mime, thumb))
		return;
	xf_db *db = xf_db_get();
	xf_incident_state state;
	if (!xf_api_begin_incident(req, db, id, &state))
		return;
	xf_record_new in = {
	    .incident_id = id,
	    .kind = kind,
	    .title = title,
	    .place = place,
	    .note = note,
	    .captured_ms = captured_ms,
	    .filename = name,
	    .sha256 = sha256,
	    .size = (int64_t)u->size,
	    .mime = mime,
	    .thumb_sha256 = thumb[0] ? thumb : NULL,
	    .added_by = req->user.id,
	    .now_ms = xf_now_ms(),
	};
	add_record(req, db, &in,
	           json_pack("{s:s, s:I, s:s}", "sha256", sha256, "size", (json_int_t)u->size,
	                     "mime", mime));
}

static void xf_api_records_upload(xf_req *req)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	if (req->body_phase == XF_BODY_BEFORE)
		upload_before(req, id);
	else if (req->body_ctx)
		upload_done(req, id);
	else
		xf_reply_error(req, 500, "internal", NULL, "the upload was not prepared");
}

/* ---- lists and files ---- */

static void xf_api_records_list(xf_req *req)
{
	xf_api_incident_sublist(req, xf_store_record_list, "records");
}

/* Loads a record of an incident the user may see; answers 404 otherwise. */
static bool visible_record(xf_req *req, xf_db *db, int64_t id, xf_record_row *row)
{
	xf_scope scope = xf_api_scope(req);
	int rc = xf_store_record_get(db, id, row);
	if (rc == XF_OK)
		rc = xf_store_incident_visible(db, &scope, row->incident_id);
	if (rc == XF_OK)
		return true;
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 404, "not_found", NULL, "there is no record %lld you may see",
		               (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

static void xf_api_records_file(xf_req *req)
{
	int64_t id;
	xf_record_row row;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &id) || !xf_api_begin(req, db))
		return;
	if (!visible_record(req, db, id, &row)) {
		xf_tx_rollback(db);
		return;
	}
	if (!row.sha256[0]) {
		xf_tx_rollback(db);
		xf_reply_error(req, 404, "not_found", NULL, "record %lld has no file",
		               (long long)id);
		return;
	}
	xf_actor actor = xf_api_actor(req);
	int rc = xf_audit_append(
	    db, &actor, "record.download", "incident", xf_api_id_text(req, row.incident_id),
	    json_pack(
	        "{s:I, s:s, s:s}", "record_id", (json_int_t)id, "sha256", row.sha256, "summary",
	        xf_arena_printf(&req->arena, "下载记录 #%lld「%s」", (long long)id, row.filename)));
	if (!xf_api_finish(req, db, rc))
		return;
	xf_api_send_file(
	    req, &(xf_api_file){
	             .sha256 = row.sha256,
	             .mime = row.mime[0] ? row.mime : "application/octet-stream",
	             .name = row.filename[0]
	                         ? row.filename
	                         : xf_arena_printf(&req->arena, "record-%lld", (long long)id),
	         });
}

static void xf_api_records_thumbnail(xf_req *req)
{
	int64_t id;
	xf_record_row row;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &id) || !visible_record(req, db, id, &row))
		return;
	if (!row.thumb_sha256[0]) {
		xf_reply_error(req, 404, "not_found", NULL, "record %lld has no thumbnail",
		               (long long)id);
		return;
	}
	xf_api_send_file(req, &(xf_api_file){.sha256 = row.thumb_sha256,
	                                     .mime = "image/jpeg",
	                                     .cache = "private, max-age=86400"});
}

/* ---- 谈话记录 ---- */

/* Reads a list of ids (users or persons) with their names into out (JSON array of
 * {id, name}); answers 400 when one is unknown or not visible. */
static bool read_people(xf_req *req, xf_db *db, json_t *body, const char *key, bool users,
                        json_t **out)
{
	json_t *list = json_object_get(body, key);
	size_t i;
	json_t *v;
	if (!json_is_array(list) || json_array_size(list) == 0 || json_array_size(list) > 50) {
		xf_reply_error(req, 400, "invalid_field", key,
		               "'%s' must be a list of 1 to 50 %s ids", key,
		               users ? "user" : "person");
		return false;
	}
	*out = json_array();
	json_array_foreach(list, i, v)
	{
		json_int_t pid = json_is_integer(v) ? json_integer_value(v) : 0;
		const char *name = NULL;
		xf_user_row user;
		json_t *brief = NULL;
		if (pid > 0 && users && xf_store_user_by_id(db, pid, &user) == XF_OK) {
			name = xf_arena_strdup(&req->arena, user.user.name);
		} else if (pid > 0 && !users) {
			xf_viewer viewer = xf_api_viewer(req);
			if (xf_store_person_visible(db, &viewer, pid) == XF_OK &&
			    xf_store_person_brief(db, pid, &brief) == XF_OK)
				name = xf_arena_strdup(
				    &req->arena, json_string_value(json_object_get(brief, "name")));
			json_decref(brief);
		}
		if (!name) {
			json_decref(*out);
			*out = NULL;
			xf_reply_error(req, 400, "invalid_field", key,
			               "'%s' names no %s %lld you may see", key,
			               users ? "user" : "person", (long long)pid);
			return false;
		}
		/* References only: the id and the name, never an ID number. */
		json_array_append_new(*out, json_pack("{s:I, s:s}", "id", pid, "name", name));
	}
	return true;
}

/* A 谈话记录 as the body gives it. */
typedef struct interview_in {
	const char *title, *held_at, *place, *demands, *explained, *agreed, *note;
	int64_t matter_id, held_ms;
} interview_in;

/* Reads the body's fields but the people (read in the transaction); false when it
 * answered. */
static bool read_interview(xf_req *req, json_t *body, interview_in *in)
{
	static const char *const fields[] = {"title",       "held_at", "place",     "officials",
	                                     "petitioners", "demands", "explained", "agreed",
	                                     "matter_id",   "note",    NULL};
	xf_field_error err;
	*in = (interview_in){.title = "", .place = "", .explained = "", .agreed = "", .note = ""};
	if (xf_json_only(body, fields, &err) != XF_OK ||
	    xf_json_string(body, "title", false, 0, 200, &in->title, &err) == XF_ERR ||
	    xf_json_string(body, "held_at", true, 1, 64, &in->held_at, &err) == XF_ERR ||
	    xf_json_string(body, "place", false, 0, 200, &in->place, &err) == XF_ERR ||
	    xf_json_string(body, "demands", true, 1, 10000, &in->demands, &err) == XF_ERR ||
	    xf_json_string(body, "explained", false, 0, 10000, &in->explained, &err) == XF_ERR ||
	    xf_json_string(body, "agreed", false, 0, 10000, &in->agreed, &err) == XF_ERR ||
	    xf_json_string(body, "note", false, 0, XF_API_TEXT_MAX, &in->note, &err) == XF_ERR ||
	    xf_json_int(body, "matter_id", false, 1, INT64_MAX, &in->matter_id, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	if (xf_iso_time_parse(in->held_at, &in->held_ms) != XF_OK) {
		xf_reply_error(req, 400, "invalid_field", "held_at",
		               "'held_at' is not an ISO 8601 time with a zone");
		return false;
	}
	if (!in->title[0])
		in->title = "谈话记录";
	return true;
}

/* Inside the transaction: the interview's content as JSON text (to free), with the
 * officials and petitioners named (those the user may see) and the matter; NULL when
 * it answered. */
static char *interview_content(xf_req *req, xf_db *db, json_t *body, const interview_in *in)
{
	json_t *officials = NULL, *petitioners = NULL;
	if (!read_people(req, db, body, "officials", true, &officials) ||
	    !read_people(req, db, body, "petitioners", false, &petitioners)) {
		json_decref(officials);
		return NULL;
	}
	if (in->matter_id) {
		xf_viewer viewer = xf_api_viewer(req);
		if (xf_store_matter_visible(db, &viewer, in->matter_id) != XF_OK) {
			json_decref(officials);
			json_decref(petitioners);
			xf_reply_error(req, 400, "invalid_field", "matter_id",
			               "there is no matter %lld you may see",
			               (long long)in->matter_id);
			return NULL;
		}
	}
	json_t *interview = json_pack("{s:o, s:o, s:s, s:s, s:s}", "officials", officials,
	                              "petitioners", petitioners, "demands", in->demands,
	                              "explained", in->explained, "agreed", in->agreed);
	json_object_set_new(interview, "matter_id",
	                    in->matter_id ? json_integer(in->matter_id) : json_null());
	char *text = json_dumps(interview, JSON_COMPACT);
	json_decref(interview);
	return text;
}

static void xf_api_interviews_create(xf_req *req)
{
	int64_t id;
	interview_in in;
	if (!xf_api_path_id(req, "id", &id))
		return;
	json_t *body = xf_req_json(req);
	if (!body || !read_interview(req, body, &in))
		return;
	xf_db *db = xf_db_get();
	xf_incident_state state;
	if (!xf_api_begin_incident(req, db, id, &state))
		return;
	char *content = interview_content(req, db, body, &in);
	if (!content) {
		xf_tx_rollback(db);
		return;
	}
	xf_record_new record = {.incident_id = id,
	                        .kind = "interview",
	                        .title = in.title,
	                        .place = in.place,
	                        .note = in.note,
	                        .captured_ms = in.held_ms,
	                        .interview = content,
	                        .added_by = req->user.id,
	                        .now_ms = xf_now_ms()};
	add_record(req, db, &record, NULL);
	free(content);
}

/* ---- xinfang check ---- */

typedef struct check_ctx {
	const char *dir;
	FILE *err;
	int problems;
} check_ctx;

static int check_one(void *ctx, const char *sha256, int64_t record_id)
{
	check_ctx *c = ctx;
	char path[PATH_MAX + 80];
	content_path(c->dir, sha256, path, sizeof path);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(c->err, "xinfang: check failed: record %lld: file '%s' is missing\n",
		        (long long)record_id, path);
		c->problems++;
		return 0;
	}
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	static unsigned char buf[1 << 16];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		crypto_hash_sha256_update(&st, buf, (size_t)n);
	close(fd);
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[65];
	crypto_hash_sha256_final(&st, digest);
	xf_hex_encode(digest, sizeof digest, hex);
	if (n < 0 || strcmp(hex, sha256) != 0) {
		fprintf(c->err,
		        "xinfang: check failed: record %lld: file '%s' is altered (its content "
		        "hashes to %s)\n",
		        (long long)record_id, path, hex);
		c->problems++;
	}
	return 0;
}

int xf_records_check(xf_db *db, const char *dir, FILE *err)
{
	check_ctx c = {dir, err, 0};
	return xf_store_record_files(db, check_one, &c) == XF_OK ? c.problems : -1;
}

static const xf_route routes[] = {
    {"GET", "/incidents/{id}/records", XF_PERM_INCIDENT_READ, 0, xf_api_records_list},
    {"POST", "/incidents/{id}/records", XF_PERM_TASK_ACT, XF_ROUTE_STREAM_BODY,
     xf_api_records_upload},
    {"POST", "/incidents/{id}/interviews", XF_PERM_TASK_ACT, 0, xf_api_interviews_create},
    {"GET", "/records/{id}/file", XF_PERM_INCIDENT_READ, XF_ROUTE_WRITES, xf_api_records_file},
    {"GET", "/records/{id}/thumbnail", XF_PERM_INCIDENT_READ, 0, xf_api_records_thumbnail},
};

const xf_route_list xf_routes_records = {routes, XF_ARRAY_LEN(routes)};
