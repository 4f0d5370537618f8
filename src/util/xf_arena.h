/* Request-scoped memory: allocate freely during a request, release everything in one
 * call when the response is done. Allocations are 16-byte aligned and never freed one
 * by one; a large allocation gets a block of its own. Allocation failure aborts. */
#ifndef XF_ARENA_H
#define XF_ARENA_H

#include "util/xf_util.h"

typedef struct xf_arena_block xf_arena_block;

typedef struct xf_arena {
	xf_arena_block *head;
	size_t used; /* bytes used in head */
} xf_arena;

void xf_arena_init(xf_arena *a);
void *xf_arena_alloc(xf_arena *a, size_t n); /* zeroed */
char *xf_arena_strdup(xf_arena *a, const char *s);
char *xf_arena_strndup(xf_arena *a, const char *s, size_t n);
char *xf_arena_printf(xf_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void xf_arena_release(xf_arena *a);

#endif
