/* The failed-login table behind xf_throttle.h: open addressing on a string hash. */
#include "core/xf_throttle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xf_util.h"

static uint64_t hash_key(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h | 1; /* 0 marks a free slot */
}

void xf_throttle_init(xf_throttle *t, size_t size, int free_failures, int64_t window_ms,
                      int64_t base_wait_ms, int64_t max_wait_ms)
{
	if (size == 0)
		xf_die("a throttle table needs at least one entry");
	pthread_mutex_init(&t->lock, NULL);
	t->size = size;
	t->entries = xf_calloc(size, sizeof *t->entries);
	t->free_failures = free_failures;
	t->window_ms = window_ms;
	t->base_wait_ms = base_wait_ms;
	t->max_wait_ms = max_wait_ms;
}

void xf_throttle_free(xf_throttle *t)
{
	free(t->entries);
	t->entries = NULL;
	pthread_mutex_destroy(&t->lock);
}

/* The entry for key, or NULL. Probes at most 16 slots: the table is a cache. */
static xf_throttle_entry *find(xf_throttle *t, const char *key, uint64_t h)
{
	for (size_t i = 0; i < 16 && i < t->size; i++) {
		xf_throttle_entry *e = &t->entries[(h + i) % t->size];
		if (e->key_hash == h && strncmp(e->key, key, sizeof e->key - 1) == 0)
			return e;
	}
	return NULL;
}

static int64_t wait_of(const xf_throttle *t, const xf_throttle_entry *e, int64_t now_ms)
{
	if (now_ms - e->first_ms > t->window_ms && now_ms - e->last_ms > t->max_wait_ms)
		return 0;
	int over = e->failures - t->free_failures;
	if (over <= 0)
		return 0;
	int64_t wait = t->base_wait_ms;
	for (int i = 1; i < over && wait < t->max_wait_ms; i++)
		wait *= 2;
	if (wait > t->max_wait_ms)
		wait = t->max_wait_ms;
	int64_t left = e->last_ms + wait - now_ms;
	return left > 0 ? left : 0;
}

int64_t xf_throttle_wait(xf_throttle *t, const char *key, int64_t now_ms)
{
	uint64_t h = hash_key(key);
	pthread_mutex_lock(&t->lock);
	xf_throttle_entry *e = find(t, key, h);
	int64_t wait = e ? wait_of(t, e, now_ms) : 0;
	pthread_mutex_unlock(&t->lock);
	return wait;
}

void xf_throttle_fail(xf_throttle *t, const char *key, int64_t now_ms)
{
	uint64_t h = hash_key(key);
	pthread_mutex_lock(&t->lock);
	xf_throttle_entry *e = find(t, key, h);
	if (e && now_ms - e->first_ms > t->window_ms && wait_of(t, e, now_ms) == 0) {
		e->failures = 0; /* the window has passed: start counting afresh */
		e->first_ms = now_ms;
	}
	if (!e) {
		xf_throttle_entry *oldest = NULL;
		for (size_t i = 0; i < 16 && i < t->size; i++) {
			xf_throttle_entry *c = &t->entries[(h + i) % t->size];
			if (!c->key_hash) {
				oldest = c;
				break;
			}
			if (!oldest || c->last_ms < oldest->last_ms)
				oldest = c;
		}
		e = oldest;
		memset(e, 0, sizeof *e);
		e->key_hash = h;
		snprintf(e->key, sizeof e->key, "%s", key);
		e->first_ms = now_ms;
	}
	e->failures++;
	e->last_ms = now_ms;
	pthread_mutex_unlock(&t->lock);
}

void xf_throttle_clear(xf_throttle *t, const char *key)
{
	uint64_t h = hash_key(key);
	pthread_mutex_lock(&t->lock);
	xf_throttle_entry *e = find(t, key, h);
	if (e)
		memset(e, 0, sizeof *e);
	pthread_mutex_unlock(&t->lock);
}
