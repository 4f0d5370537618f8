/* An incremental multipart/form-data parser (RFC 7578 over RFC 2046): the body is fed
 * in chunks of any size as it arrives and each part's data goes to a callback in
 * pieces, so an upload is never held whole in memory. A delimiter split across two
 * chunks is recognised; bytes held back while a delimiter might be starting are
 * delivered once it turns out not to be one.
 *
 * Limits: a part header line up to XF_MULTIPART_LINE_MAX bytes, at most
 * XF_MULTIPART_HEADERS_MAX header lines per part and XF_MULTIPART_PARTS_MAX parts.
 * Header folding (obsolete) is refused. */
#ifndef XF_MULTIPART_H
#define XF_MULTIPART_H

#include <stdbool.h>
#include <stddef.h>

#define XF_MULTIPART_BOUNDARY_MAX 70
#define XF_MULTIPART_LINE_MAX     2048
#define XF_MULTIPART_HEADERS_MAX  16
#define XF_MULTIPART_PARTS_MAX    64

typedef struct xf_multipart_part {
	char name[128];     /* Content-Disposition name */
	char filename[512]; /* Content-Disposition filename (UTF-8 as sent); "" if none */
	bool has_filename;
	char content_type[128]; /* as declared; "" when absent */
} xf_multipart_part;

typedef struct xf_multipart_callbacks {
	/* Each returns 0 to go on; anything else stops the parser (XF_ERR from feed). */
	int (*part_begin)(void *ctx, const xf_multipart_part *part);
	int (*part_data)(void *ctx, const char *data, size_t len);
	int (*part_end)(void *ctx);
} xf_multipart_callbacks;

typedef struct xf_multipart {
	char delim[XF_MULTIPART_BOUNDARY_MAX + 5]; /* "\r\n--" boundary */
	size_t delim_len;
	size_t match; /* bytes of delim matched so far */
	int state;
	int n_parts, n_headers;
	char line[XF_MULTIPART_LINE_MAX + 1];
	size_t line_len;
	xf_multipart_part part;
	bool has_disposition;
	xf_multipart_callbacks cb;
	void *ctx;
	char error[160]; /* why feed or finish failed */
} xf_multipart;

/* Copies the boundary parameter of a multipart/form-data Content-Type into out
 * (XF_MULTIPART_BOUNDARY_MAX + 1 bytes). Returns 0, or -1 when the type is not
 * multipart/form-data or the boundary is missing or invalid. */
int xf_multipart_boundary(const char *content_type, char *out);
void xf_multipart_init(xf_multipart *mp, const char *boundary, const xf_multipart_callbacks *cb,
                       void *ctx);
/* Feeds the next len bytes. Returns 0, or -1 (mp->error says why; further feeds fail). */
int xf_multipart_feed(xf_multipart *mp, const char *data, size_t len);
/* At the end of the body: 0 when the closing delimiter was seen, else -1. */
int xf_multipart_finish(xf_multipart *mp);

#endif
