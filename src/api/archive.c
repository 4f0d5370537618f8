/* The sealed archive of an incident (issue 9 item 8): GET /incidents/{id}/seal (the seal
 * and whether the rows still match it) and GET /incidents/{id}/archive, a ZIP of the
 * issued reports (PDF and DOCX), the records' files, the timeline as a PDF and
 * manifest.json naming every file with its SHA-256, the seal and the plan version.
 *
 * The ZIP is written to an unlinked temporary file under DATA_DIR/records/tmp and sent
 * from there: record files are mapped one at a time, never read whole into the heap.
 * Every download is an audit event (archive.download). */
#include "api/xf_archive.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/xf_records.h"
#include "core/xf_venue.h"
#include "doc/xf_document.h"
#include "doc/xf_zip.h"
#include "http/xf_json.h"
#include "store/xf_store_seal.h"

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static void sha256_hex(const void *bytes, size_t n, char out[XF_HASH_HEX_LEN])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, bytes, n);
	xf_hex_encode(digest, sizeof digest, out);
}

typedef struct archive {
	const char *number; /* the incident's */
	xf_zip *zip;
	json_t *files, *missing;
	uint64_t total; /* bytes added: the ZIP writer has no ZIP64, so under 4 GiB */
	char *err;      /* 256 bytes */
} archive;

/* Adds bytes as an entry and lists it in the manifest with its hash. */
static int add_bytes(archive *a, const char *name, const void *bytes, size_t n, bool store,
                     json_t *about)
{
	a->total += n + 1024; /* the entry's headers, generously */
	if (a->total >= 0xffffffffu) {
		json_decref(about);
		snprintf(a->err, 256,
		         "the files add up to 4 GiB or more, more than a ZIP without "
		         "ZIP64 holds");
		return XF_ERR;
	}
	char hex[XF_HASH_HEX_LEN];
	sha256_hex(bytes, n, hex);
	json_object_set_new(about, "path", json_string(name));
	json_object_set_new(about, "sha256", json_string(hex));
	json_object_set_new(about, "size", json_integer((json_int_t)n));
	json_array_append_new(a->files, about);
	int rc = xf_zip_add(a->zip, name, bytes, n, store);
	if (rc != XF_OK)
		snprintf(a->err, 256, "cannot write the temporary file: %s", strerror(errno));
	return rc;
}

/* Adds a stored file (by hash) mapped, not read; a missing or altered one is listed
 * under "missing" instead. */
static int add_stored(archive *a, const char *name, const char *sha256, json_t *about)
{
	char path[4200];
	xf_records_path(sha256, path, sizeof path);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		json_object_set_new(about, "path", json_string(name));
		json_object_set_new(about, "sha256", json_string(sha256));
		json_object_set_new(about, "problem", json_string("missing"));
		json_array_append_new(a->missing, about);
		return XF_OK;
	}
	size_t n = (size_t)st.st_size;
	void *map = n ? mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
	close(fd);
	if (n && map != MAP_FAILED)
		madvise(map, n, MADV_SEQUENTIAL); /* read once, front to back */
	if (n && map == MAP_FAILED) {
		json_decref(about);
		snprintf(a->err, 256, "cannot map a stored file: %s", strerror(errno));
		return XF_ERR;
	}
	char hex[XF_HASH_HEX_LEN];
	sha256_hex(n ? map : "", n, hex);
	int rc = XF_OK;
	if (strcmp(hex, sha256) != 0) {
		json_object_set_new(about, "path", json_string(name));
		json_object_set_new(about, "sha256", json_string(sha256));
		json_object_set_new(about, "problem", json_string("altered"));
		json_array_append_new(a->missing, about);
	} else {
		rc = add_bytes(a, name, n ? map : "", n, true, about);
	}
	if (n)
		munmap(map, n);
	return rc;
}

/* "photo.JPG" -> ".jpg"-like suffix kept when short and plain, for the entry's name. */
static const char *suffix(xf_req *req, const char *filename)
{
	const char *dot = strrchr(filename, '.');
	if (!dot || strlen(dot) > 8 || strlen(dot) < 2)
		return "";
	for (const char *p = dot + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9')))
			return "";
	return xf_arena_strdup(&req->arena, dot);
}

static const char *kind_zh(const char *kind)
{
	static const char *const map[][2] = {
	    {"first", "首报"}, {"follow_up", "续报"}, {"final", "终报"}, {"summary", "工作总结"}};
	for (size_t i = 0; i < XF_ARRAY_LEN(map); i++)
		if (strcmp(map[i][0], kind) == 0)
			return map[i][1];
	return kind;
}

/* The timeline as a PDF (the document engine): the incident, its seal, every entry. */
static int timeline_pdf(const xf_incident_state *state, json_t *seal, json_t *entries, xf_buf *out,
                        char err[256])
{
	xf_document *d = xf_doc_new();
	char title[128], date[32];
	snprintf(title, sizeof title, "%s 事件时间线", state->number);
	char today[XF_LOCAL_TIME_LEN]; /* the office's date (Asia/Shanghai), whatever the host's
	                                  zone */
	xf_local_time_format(xf_now_ms(), today);
	xf_doc_format_date(date, atoi(today), atoi(today + 5), atoi(today + 8));
	xf_doc_set_title(d, title);
	xf_doc_set_issuer(d, "信访工作领导小组办公室");
	xf_doc_set_date(d, date);
	xf_doc_add_meta(d, "封存值", str(seal, "hash"));
	int64_t sealed_ms;
	char sealed_local[XF_LOCAL_TIME_LEN] = "";
	if (xf_iso_time_parse(str(seal, "sealed_at"), &sealed_ms) == XF_OK)
		xf_local_time_format(sealed_ms, sealed_local);
	xf_doc_add_meta(d, "封存时间", sealed_local);
	xf_doc_section *s = xf_doc_section_add(d, "事件概况", 1);
	xf_doc_kv_add(d, s, "事件编号", state->number);
	xf_doc_kv_add(d, s, "状态", "已归档（封存）");
	xf_doc_kv_add(d, s, "封存值（SHA-256）", str(seal, "hash"));
	s = xf_doc_section_add(d, "时间线", 1);
	static const double widths[] = {1.8, 1.2, 5};
	xf_doc_block *t = xf_doc_table(d, s, 3, widths);
	static const char *const header[] = {"时间", "记录人", "内容"};
	int rc = t ? xf_doc_table_header(d, t, header) : XF_ERR;
	size_t i;
	json_t *e;
	json_array_foreach(entries, i, e)
	{
		if (rc != XF_OK)
			break;
		json_t *data = json_object_get(e, "data");
		bool note = strcmp(str(e, "action"), "note.create") == 0;
		const char *text = str(data, note ? "text" : "summary");
		const char *at = note && json_is_string(json_object_get(data, "at"))
		                     ? str(data, "at")
		                     : str(e, "at");
		int64_t at_ms;
		char local[XF_LOCAL_TIME_LEN];
		if (xf_iso_time_parse(at, &at_ms) == XF_OK) {
			xf_local_time_format(at_ms, local);
			at = local;
		}
		const char *cells[] = {at, str(e, "actor"), text[0] ? text : str(e, "action")};
		rc = xf_doc_table_row(d, t, cells);
	}
	xf_doc_sink sink = {.fd = -1, .buf = out};
	if (rc == XF_OK)
		rc = xf_doc_write_pdf(d, &sink, NULL, err);
	else
		snprintf(err, 256, "the timeline does not fit a document");
	xf_doc_free(d);
	return rc;
}

/* A temporary file nobody else can open: unlinked at once, gone when closed. */
static int temp_file(void)
{
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/records/tmp", xf_records_data_dir());
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != ENOENT))
		return fd;
	char path[4300];
	snprintf(path, sizeof path, "%s/archive-XXXXXX", dir);
	fd = mkstemp(path);
	if (fd >= 0)
		unlink(path);
	return fd;
}

/* What the archive is built from, read in one snapshot. */
typedef struct archive_src {
	xf_incident_state state;
	json_t *seal, *records, *reports, *entries;
	const xf_plan *plan;
} archive_src;

/* Begins a read snapshot and loads an incident the user may see; on failure ends it,
 * answers and returns false. */
static bool begin_read_incident(xf_req *req, xf_db *db, int64_t id, xf_incident_state *state)
{
	int rc = xf_tx_begin(db, false);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return false;
	}
	if (xf_api_incident(req, db, id, state))
		return true;
	xf_tx_rollback(db);
	return false;
}

/* Reads the incident, which must be archived, and everything the archive lists; false
 * when it replied. */
static bool archive_load(xf_req *req, xf_db *db, int64_t id, archive_src *src)
{
	if (!begin_read_incident(req, db, id, &src->state))
		return false;
	if (xf_api_status(&src->state) != XF_STATUS_ARCHIVED) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "not_archived", NULL,
		               "%s is not archived yet; the archive can be downloaded once it is",
		               src->state.number);
		return false;
	}
	/* One read snapshot for everything listed; the files are content-addressed and
	 * the rows sealed, so building after it ends changes nothing. */
	src->seal = src->records = src->reports = src->entries = NULL;
	int rc = xf_seal_json(db, id, &src->seal);
	if (rc == XF_NOTFOUND) { /* archived before seals existed */
		src->seal = json_pack("{s:s}", "hash", "");
		rc = XF_OK;
	}
	if (rc == XF_OK)
		rc = xf_archive_contents(db, id, &src->records, &src->reports);
	if (rc == XF_OK)
		rc = xf_store_timeline(db, id, 0, &src->entries);
	src->plan = rc == XF_OK ? xf_plans_get(db, src->state.plan_id) : NULL;
	xf_tx_rollback(db);
	if (rc != XF_OK) {
		json_decref(src->seal);
		json_decref(src->records);
		json_decref(src->reports);
		xf_api_store_error(req, db, rc);
		return false;
	}
	return true;
}

/* Adds an issued report's PDF and DOCX. */
static int archive_add_report(xf_req *req, archive *a, json_t *r)
{
	int rc = XF_OK;
	json_int_t rid = json_integer_value(json_object_get(r, "id"));
	json_int_t version = json_integer_value(json_object_get(r, "version"));
	const char *files[][2] = {{"pdf_sha256", "pdf"}, {"docx_sha256", "docx"}};
	for (size_t f = 0; rc == XF_OK && f < 2; f++) {
		const char *sha = str(r, files[f][0]);
		if (!sha[0])
			continue;
		const char *name = xf_arena_printf(&req->arena, "reports/%s-%s-v%lld-%lld.%s",
		                                   a->number, str(r, "kind"), (long long)version,
		                                   (long long)rid, files[f][1]);
		json_t *about = json_pack(
		    "{s:s, s:I, s:s, s:s, s:I, s:O}", "type", f ? "report_docx" : "report_pdf",
		    "report_id", rid, "kind", str(r, "kind"), "kind_zh", kind_zh(str(r, "kind")),
		    "version", version, "number", json_object_get(r, "number"));
		rc = add_stored(a, name, sha, about);
	}
	return rc;
}

/* A 谈话记录 typed in (no file): its structured content as JSON; nothing when the
 * content does not parse. */
static int archive_add_interview(xf_req *req, archive *a, json_t *r)
{
	json_int_t rid = json_integer_value(json_object_get(r, "id"));
	json_t *content = json_loads(str(r, "interview"), 0, NULL);
	if (!content)
		return XF_OK;
	json_t *doc =
	    json_pack("{s:I, s:s, s:s, s:O, s:s, s:s, s:o}", "id", rid, "kind", str(r, "kind"),
	              "title", str(r, "title"), "captured_ms", json_object_get(r, "captured_ms"),
	              "place", str(r, "place"), "note", str(r, "note"), "interview", content);
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(doc);
	if (!text)
		xf_die("out of memory encoding an interview record");
	int rc = add_bytes(
	    a, xf_arena_printf(&req->arena, "records/%lld-interview.json", (long long)rid), text,
	    strlen(text), false,
	    json_pack("{s:s, s:I, s:s, s:s}", "type", "interview", "record_id", rid, "kind",
	              str(r, "kind"), "title", str(r, "title")));
	free(text);
	return rc;
}

/* Adds a record: its stored file, or a typed-in 谈话记录 as JSON. */
static int archive_add_record(xf_req *req, archive *a, json_t *r)
{
	const char *sha = str(r, "sha256");
	if (!sha[0])
		return archive_add_interview(req, a, r);
	json_int_t rid = json_integer_value(json_object_get(r, "id"));
	const char *name = xf_arena_printf(&req->arena, "records/%lld-%s%s", (long long)rid,
	                                   str(r, "kind"), suffix(req, str(r, "filename")));
	json_t *about = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s}", "type", "record", "record_id",
	                          rid, "kind", str(r, "kind"), "title", str(r, "title"), "filename",
	                          str(r, "filename"), "mime", str(r, "mime"));
	return add_stored(a, name, sha, about);
}

/* Adds each item of list with add, up to the first failure. */
static int archive_add_each(xf_req *req, archive *a, json_t *list,
                            int (*add)(xf_req *req, archive *a, json_t *item))
{
	int rc = XF_OK;
	for (size_t i = 0; rc == XF_OK && i < json_array_size(list); i++)
		rc = add(req, a, json_array_get(list, i));
	return rc;
}

/* Adds timeline.pdf. */
static int archive_add_timeline(archive *a, const archive_src *src)
{
	xf_buf pdf = XF_BUF_INIT;
	int rc = timeline_pdf(&src->state, src->seal, src->entries, &pdf, a->err);
	if (rc == XF_OK)
		rc = add_bytes(a, "timeline.pdf", pdf.data, pdf.len, false,
		               json_pack("{s:s}", "type", "timeline"));
	xf_buf_release(&pdf);
	return rc;
}

/* Adds manifest.json: the incident, its plan, the seal and every file added or missing. */
static int archive_write_manifest(xf_req *req, archive *a, int64_t id, const archive_src *src)
{
	const xf_plan *plan = src->plan;
	char at[XF_TIME_LEN];
	xf_time_format(xf_now_ms(), at);
	json_t *manifest = json_pack(
	    "{s:s, s:{s:I, s:s, s:s}, s:{s:I, s:s, s:s, s:s}, s:O, s:s, s:s, s:O, s:O}", "format",
	    "xinfang-archive-v1", "incident", "id", (json_int_t)id, "number", src->state.number,
	    "status", src->state.status, "plan", "id", (json_int_t)src->state.plan_id, "key",
	    plan && plan->id ? plan->id : "", "title", plan && plan->title ? plan->title : "",
	    "version", plan ? plan->hash : "", "seal", src->seal, "generated_at", at,
	    "generated_by", req->user.username, "files", a->files, "missing", a->missing);
	char *text = json_dumps(manifest, JSON_INDENT(2) | JSON_SORT_KEYS);
	json_decref(manifest);
	if (!text)
		xf_die("out of memory encoding the manifest");
	int rc = xf_zip_add(a->zip, "manifest.json", text, strlen(text), false);
	free(text);
	return rc;
}

/* Writes the whole ZIP into a new temporary file and leaves it at its start; on failure
 * the file is closed and err says why. */
static int archive_build(xf_req *req, int64_t id, const archive_src *src, int *fd_out,
                         struct stat *st, size_t *n_files, size_t *n_missing, char err[256])
{
	int rc = XF_OK;
	int fd = temp_file();
	xf_doc_sink sink = {.fd = fd, .buf = NULL};
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	archive a = {.number = src->state.number,
	             .files = json_array(),
	             .missing = json_array(),
	             .err = err};
	if (fd < 0) {
		snprintf(err, 256, "cannot create a temporary file: %s", strerror(errno));
		rc = XF_ERR;
	} else {
		a.zip = xf_zip_new(&sink, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		                   tm.tm_min);
	}
	if (rc == XF_OK)
		rc = archive_add_each(req, &a, src->reports, archive_add_report);
	if (rc == XF_OK)
		rc = archive_add_each(req, &a, src->records, archive_add_record);
	if (rc == XF_OK)
		rc = archive_add_timeline(&a, src);
	if (rc == XF_OK)
		rc = archive_write_manifest(req, &a, id, src);
	if (a.zip && xf_zip_finish(a.zip) != XF_OK && rc == XF_OK) {
		snprintf(err, 256, "cannot write the temporary file: %s", strerror(errno));
		rc = XF_ERR;
	}
	*n_files = json_array_size(a.files);
	*n_missing = json_array_size(a.missing);
	json_decref(a.files);
	json_decref(a.missing);
	if (rc == XF_OK && (fstat(fd, st) != 0 || lseek(fd, 0, SEEK_SET) != 0)) {
		snprintf(err, 256, "%s", strerror(errno));
		rc = XF_ERR;
	}
	if (rc != XF_OK && fd >= 0)
		close(fd);
	*fd_out = rc == XF_OK ? fd : -1;
	return rc;
}

static void xf_api_archive_get(xf_req *req)
{
	int64_t id;
	archive_src src;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &id) || !archive_load(req, db, id, &src))
		return;

	char err[256] = "";
	int fd;
	struct stat st;
	size_t n_files, n_missing;
	int rc = archive_build(req, id, &src, &fd, &st, &n_files, &n_missing, err);
	json_decref(src.records);
	json_decref(src.reports);
	json_decref(src.entries);
	if (rc != XF_OK) {
		json_decref(src.seal);
		xf_log("req=%s archive of %s: %s", req->request_id, src.state.number, err);
		xf_reply_error(req, 500, "internal", NULL,
		               "the archive of %s cannot be written: %s", src.state.number,
		               err[0] ? err : "see the server log");
		return;
	}

	/* Who took the archive, and which seal it carried (chain of custody). */
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db)) {
		json_decref(src.seal);
		close(fd);
		return;
	}
	rc = xf_audit_append(db, &actor, "archive.download", "incident", xf_api_id_text(req, id),
	                     json_pack("{s:s, s:s, s:I, s:I, s:I}", "summary",
	                               xf_arena_printf(&req->arena, "下载归档包（%zu 个文件%s）",
	                                               n_files, n_missing ? "，部分文件缺失" : ""),
	                               "seal", str(src.seal, "hash"), "files", (json_int_t)n_files,
	                               "missing", (json_int_t)n_missing, "bytes",
	                               (json_int_t)st.st_size));
	json_decref(src.seal);
	if (!xf_api_finish(req, db, rc)) {
		close(fd);
		return;
	}
	xf_api_send_file(
	    req, &(xf_api_file){
	             .fd = fd,
	             .size = (uint64_t)st.st_size,
	             .mime = "application/zip",
	             .name = xf_arena_printf(&req->arena, "%s-archive.zip", src.state.number),
	         });
}

/* The seal and whether the rows still give it (recomputed now). */
static void xf_api_seal_get(xf_req *req)
{
	int64_t id;
	xf_incident_state state;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &id) || !begin_read_incident(req, db, id, &state))
		return;
	json_t *seal = NULL;
	int rc = xf_seal_json(db, id, &seal);
	if (rc == XF_NOTFOUND) {
		xf_tx_rollback(db);
		xf_reply_json(req, 200,
		              json_pack("{s:b, s:s}", "sealed", 0, "status", state.status));
		return;
	}
	char again[XF_HASH_HEX_LEN];
	if (rc == XF_OK)
		rc = xf_seal_compute(db, id, json_integer_value(json_object_get(seal, "audit_seq")),
		                     str(seal, "audit_head"), NULL, again, NULL);
	xf_tx_rollback(db);
	if (rc != XF_OK) {
		json_decref(seal);
		xf_api_store_error(req, db, rc);
		return;
	}
	json_object_set_new(seal, "sealed", json_true());
	json_object_set_new(seal, "intact", json_boolean(strcmp(again, str(seal, "hash")) == 0));
	xf_reply_json(req, 200, seal);
}

static const xf_route routes[] = {
    {"GET", "/incidents/{id}/archive", XF_PERM_INCIDENT_READ, XF_ROUTE_SLOW, xf_api_archive_get},
    {"GET", "/incidents/{id}/seal", XF_PERM_INCIDENT_READ, 0, xf_api_seal_get},
};

const xf_route_list xf_routes_archive = {routes, XF_ARRAY_LEN(routes)};
