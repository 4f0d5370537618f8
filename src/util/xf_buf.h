/* The one growable byte buffer of the program.
 *
 * Invariants: data is NUL-terminated whenever data != NULL (len excludes the NUL);
 * len < cap; len never exceeds max (when max is not 0). An append that would exceed
 * max appends nothing, sets `overflow` and returns XF_ERR, so a capped buffer (a
 * request body) can be filled blindly and checked once.
 *
 * Ownership: the buffer owns data until xf_buf_detach() hands it to the caller, who
 * then frees it with free(). xf_buf_release() frees and resets to empty. */
#ifndef XF_BUF_H
#define XF_BUF_H

#include "util/xf_util.h"

typedef struct xf_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* 0: no cap */
	bool overflow;
} xf_buf;

#define XF_BUF_INIT                                                                                \
	{                                                                                          \
		0                                                                                  \
	}

void xf_buf_init(xf_buf *b, size_t max);
int xf_buf_append(xf_buf *b, const void *bytes, size_t n);
int xf_buf_puts(xf_buf *b, const char *s);
int xf_buf_printf(xf_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xf_buf_reset(xf_buf *b); /* len = 0, keeps the memory */
char *xf_buf_detach(xf_buf *b, size_t *len_out);
void xf_buf_release(xf_buf *b);

#endif
