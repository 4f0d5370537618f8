/* The failed-login table behind xf_throttle.h: open addressing on a string hash, at
 * most PROBES slots per key, growing rather than giving up a lock. */
#include "core/xf_throttle.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xf_util.h"

/* Slots a key may live in, from the one its hash names. */
#define PROBES 16

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
	t->max_size = size * XF_THROTTLE_GROWTH;
	assert(t->max_size >= t->size);
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

static size_t probes(const xf_throttle *t)
{
	return t->size < PROBES ? t->size : PROBES;
}

/* The entry for key, or NULL. */
static xf_throttle_entry *find(xf_throttle *t, const char *key, uint64_t h)
{
	assert(h & 1); /* hash_key never gives 0, the mark of a free slot */
	for (size_t i = 0; i < probes(t); i++) {
		xf_throttle_entry *e = &t->entries[(h + i) % t->size];
		if (e->key_hash == h && strncmp(e->key, key, sizeof e->key - 1) == 0)
			return e;
	}
	return NULL;
}

int64_t xf_throttle_wait_of(const xf_throttle *t, int64_t failures, int64_t first_ms,
                            int64_t last_ms, int64_t now_ms)
{
	if (now_ms - first_ms > t->window_ms && now_ms - last_ms > t->max_wait_ms)
		return 0;
	int64_t over = failures - t->free_failures;
	if (over <= 0)
		return 0;
	int64_t wait = t->base_wait_ms;
	for (int64_t i = 1; i < over && wait < t->max_wait_ms; i++)
		wait *= 2;
	if (wait > t->max_wait_ms)
		wait = t->max_wait_ms;
	int64_t left = last_ms + wait - now_ms;
	return left > 0 ? left : 0;
}

bool xf_throttle_lapsed(const xf_throttle *t, int64_t first_ms, int64_t wait_ms, int64_t now_ms)
{
	return now_ms - first_ms > t->window_ms && wait_ms == 0;
}

static int64_t wait_of(const xf_throttle *t, const xf_throttle_entry *e, int64_t now_ms)
{
	return xf_throttle_wait_of(t, e->failures, e->first_ms, e->last_ms, now_ms);
}

/* The entry's count no longer matters: its window has passed and no wait is pending
 * (its next failure would start counting afresh). */
static bool lapsed(const xf_throttle *t, const xf_throttle_entry *e, int64_t now_ms)
{
	return now_ms - e->first_ms > t->window_ms && wait_of(t, e, now_ms) == 0;
}

/* Giving the entry up would lift or shorten its key's throttling. */
static bool locked(const xf_throttle *t, const xf_throttle_entry *e, int64_t now_ms)
{
	return e->key_hash && e->failures > t->free_failures && !lapsed(t, e, now_ms);
}

/* The slot a new key of hash h may take: a free or lapsed one, else the unlocked
 * entry whose last failure is oldest; NULL when every slot holds a lock. */
static xf_throttle_entry *slot_for(xf_throttle *t, uint64_t h, int64_t now_ms)
{
	xf_throttle_entry *oldest = NULL;
	for (size_t i = 0; i < probes(t); i++) {
		xf_throttle_entry *c = &t->entries[(h + i) % t->size];
		if (!c->key_hash || lapsed(t, c, now_ms))
			return c;
		if (!locked(t, c, now_ms) && (!oldest || c->last_ms < oldest->last_ms))
			oldest = c;
	}
	return oldest;
}

/* Moves every entry that still counts into a table of new_size; false, with nothing
 * changed, when one of them finds no free slot there. */
static bool rehash(xf_throttle *t, size_t new_size, int64_t now_ms)
{
	assert(new_size > t->size && new_size <= t->max_size); /* the table only grows */
	xf_throttle_entry *fresh = xf_calloc(new_size, sizeof *fresh);
	size_t n_probes = new_size < PROBES ? new_size : PROBES;
	for (size_t i = 0; i < t->size; i++) {
		const xf_throttle_entry *e = &t->entries[i];
		if (!e->key_hash || lapsed(t, e, now_ms))
			continue;
		size_t j = 0;
		while (j < n_probes && fresh[(e->key_hash + j) % new_size].key_hash)
			j++;
		if (j == n_probes) {
			free(fresh);
			return false;
		}
		fresh[(e->key_hash + j) % new_size] = *e;
	}
	free(t->entries);
	t->entries = fresh;
	t->size = new_size;
	return true;
}

/* A slot for a new key of hash h, growing the table when every slot it may take holds
 * a lock; NULL when even the largest table has none. */
static xf_throttle_entry *room_for(xf_throttle *t, uint64_t h, int64_t now_ms)
{
	xf_throttle_entry *e;
	while (!(e = slot_for(t, h, now_ms))) {
		bool grown = false;
		for (size_t size = t->size * 2; !grown && size <= t->max_size; size *= 2)
			grown = rehash(t, size, now_ms);
		if (!grown)
			return NULL;
	}
	return e;
}

int64_t xf_throttle_wait(xf_throttle *t, const char *key, int64_t now_ms)
{
	uint64_t h = hash_key(key);
	pthread_mutex_lock(&t->lock);
	xf_throttle_entry *e = find(t, key, h);
	int64_t wait = 0;
	if (e)
		wait = wait_of(t, e, now_ms);
	else if (!room_for(t, h, now_ms))
		wait = t->base_wait_ms; /* its failures could not be counted: fail closed */
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
		e = room_for(t, h, now_ms);
		if (!e) { /* every slot holds a lock: xf_throttle_wait makes this key wait */
			pthread_mutex_unlock(&t->lock);
			return;
		}
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
