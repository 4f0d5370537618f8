/* The growable byte buffer: see xf_buf.h for its invariants and ownership. */
#include "util/xf_buf.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The invariants of xf_buf.h: data NUL-terminated past len, len within cap and max. */
static void buf_check(const xf_buf *b)
{
	assert(b->data ? b->len < b->cap && b->data[b->len] == '\0' : b->len == 0 && b->cap == 0);
	assert(!b->max || b->len <= b->max);
}

void xf_buf_init(xf_buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

static int reserve(xf_buf *b, size_t extra)
{
	if (b->max && (extra > b->max || b->len > b->max - extra)) {
		b->overflow = true;
		return XF_ERR;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return XF_OK;
	XF_GROW(b->data, need, b->cap);
	assert(b->len + extra < b->cap);
	return XF_OK;
}

int xf_buf_append(xf_buf *b, const void *bytes, size_t n)
{
	assert(bytes || n == 0);
	if (reserve(b, n) != XF_OK)
		return XF_ERR;
	if (n)
		memcpy(b->data + b->len, bytes, n);
	b->len += n;
	b->data[b->len] = '\0';
	buf_check(b);
	return XF_OK;
}

int xf_buf_puts(xf_buf *b, const char *s)
{
	return xf_buf_append(b, s, strlen(s));
}

int xf_buf_printf(xf_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n) != XF_OK)
		return XF_ERR;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	buf_check(b);
	return XF_OK;
}

void xf_buf_reset(xf_buf *b)
{
	b->len = 0;
	b->overflow = false;
	if (b->data)
		b->data[0] = '\0';
}

char *xf_buf_detach(xf_buf *b, size_t *len_out)
{
	buf_check(b);
	char *data = b->data ? b->data : xf_strdup("");
	if (len_out)
		*len_out = b->len;
	size_t max = b->max;
	xf_buf_init(b, max);
	return data;
}

void xf_buf_release(xf_buf *b)
{
	free(b->data);
	xf_buf_init(b, b->max);
}
