/* The request arena: a chain of blocks, bump allocation, one release. See xf_arena.h. */
#include "util/xf_arena.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE 8192
#define ALIGN      16

struct xf_arena_block {
	xf_arena_block *next;
	size_t size;
	_Alignas(ALIGN) unsigned char bytes[];
};

void xf_arena_init(xf_arena *a)
{
	a->head = NULL;
	a->used = 0;
}

static xf_arena_block *new_block(size_t size)
{
	xf_arena_block *b = xf_malloc(sizeof *b + size);
	b->size = size;
	b->next = NULL;
	return b;
}

void *xf_arena_alloc(xf_arena *a, size_t n)
{
	size_t rounded = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	assert(!a->head || a->used <= a->head->size);
	if (rounded < n || rounded > SIZE_MAX - sizeof(xf_arena_block))
		xf_die("arena allocation of %zu bytes overflows", n);
	if (rounded > BLOCK_SIZE / 4) {
		/* Large: its own block, linked behind the head so the head keeps serving. */
		xf_arena_block *big = new_block(rounded);
		if (a->head) {
			big->next = a->head->next;
			a->head->next = big;
		} else {
			a->head = big;
			a->used = rounded;
		}
		return memset(big->bytes, 0, rounded);
	}
	if (!a->head || a->head->size - a->used < rounded) {
		xf_arena_block *b = new_block(BLOCK_SIZE);
		b->next = a->head;
		a->head = b;
		a->used = 0;
	}
	void *p = a->head->bytes + a->used;
	a->used += rounded;
	assert(a->used <= a->head->size);
	assert(((uintptr_t)p & (ALIGN - 1)) == 0);
	return memset(p, 0, rounded);
}

char *xf_arena_strndup(xf_arena *a, const char *s, size_t n)
{
	char *p = xf_arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xf_arena_strdup(xf_arena *a, const char *s)
{
	return xf_arena_strndup(a, s, strlen(s));
}

char *xf_arena_printf(xf_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		xf_die("bad format string '%s'", fmt);
	char *p = xf_arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void xf_arena_release(xf_arena *a)
{
	xf_arena_block *b = a->head;
	while (b) {
		xf_arena_block *next = b->next;
		free(b);
		b = next;
	}
	xf_arena_init(a);
}
