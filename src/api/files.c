/* The one way a handler answers with a file (xf_api_send_file in api/xf_api.h): a record's
 * file or thumbnail (api/records.c), a report's PDF or DOCX, issued or drafted
 * (api/reports.c), an incident's archive ZIP (api/archive.c). A file on disk is streamed by
 * the HTTP layer, never read into the heap; a download is named in Content-Disposition
 * with an ASCII fallback and the UTF-8 (Chinese) name as RFC 5987 filename*.
 * X-Content-Type-Options: nosniff comes with every answer (http/xf_server.c). */
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "api/xf_api.h"
#include "api/xf_records.h"

/* Content-Disposition: attachment; filename="ascii"; filename*=UTF-8''name, the
 * fallback's bytes outside printable ASCII (and quotes, backslashes) as '_'. */
static const char *disposition(xf_req *req, const char *name, const char *ascii)
{
	xf_buf b = XF_BUF_INIT;
	xf_buf_puts(&b, "attachment; filename=\"");
	for (const unsigned char *p = (const unsigned char *)ascii; *p; p++)
		xf_buf_printf(&b, "%c",
		              *p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\' ? *p : '_');
	xf_buf_puts(&b, "\"; filename*=UTF-8''");
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || strchr("!#$&+-.^_`|~", *p))
			xf_buf_printf(&b, "%c", *p);
		else
			xf_buf_printf(&b, "%%%02X", *p);
	}
	const char *out = xf_arena_strdup(&req->arena, b.data);
	xf_buf_release(&b);
	return out;
}

/* Opens a file of the content store; answers 500 file_missing (logged) when it is not
 * there. */
static bool open_stored(xf_req *req, const char *sha256, int *fd, uint64_t *size)
{
	*fd = xf_records_open(sha256, size);
	if (*fd >= 0)
		return true;
	char path[PATH_MAX + 80];
	xf_records_path(sha256, path, sizeof path);
	xf_log("req=%s stored file '%s' is missing", req->request_id, path);
	xf_reply_error(req, 500, "file_missing", NULL,
	               "the stored file is missing; run 'xinfang check'");
	return false;
}

bool xf_api_send_file(xf_req *req, const xf_api_file *file)
{
	int fd = file->fd;
	uint64_t size = file->size;
	if (file->sha256 && !open_stored(req, file->sha256, &fd, &size))
		return false;
	xf_buf_reset(&req->out);
	req->status = 200;
	req->content_type = xf_arena_strdup(&req->arena, file->mime);
	if (file->bytes) {
		xf_buf_append(&req->out, file->bytes->data, file->bytes->len);
	} else {
		req->static_fd = fd;
		req->static_size = size;
	}
	if (file->sha256)
		xf_reply_header(req, "X-Content-SHA256", file->sha256);
	if (file->name)
		xf_reply_header(
		    req, "Content-Disposition",
		    disposition(req, file->name, file->ascii ? file->ascii : file->name));
	if (file->cache)
		xf_reply_header(req, "Cache-Control", file->cache);
	return true;
}
