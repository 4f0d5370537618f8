/* Login throttling: counts failed logins per key (an account, a client address) in a
 * window and says how long a key must wait before its next attempt.
 *
 * Policy: a key may fail `free_failures` times within a window of `window_ms` that
 * opens at its first failure (and reopens at the first failure after it has passed
 * and no wait is pending); every failure
 * beyond that doubles the wait, starting at `base_wait_ms`, up to `max_wait_ms`.
 * A success clears the key. The table is thread-safe. A key lives in one of 16 slots
 * after its hash; when they are all taken, a new key takes a slot whose count no longer
 * matters (its window and wait have passed) or else the unlocked entry whose last
 * failure is oldest. A locked entry (beyond its free failures, inside its window or
 * still waiting) is never given up: otherwise failures under other keys landing in the
 * same slots would lift a lock. When all 16 slots hold locks the table doubles, up to
 * XF_THROTTLE_GROWTH times its first size; past that a key that finds no slot is not
 * counted but made to wait base_wait_ms (fail closed) until a lock there lapses.
 * Time is passed in, so tests can drive it. */
#ifndef XF_THROTTLE_H
#define XF_THROTTLE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct xf_throttle_entry {
	uint64_t key_hash;
	char key[72];
	int failures;
	int64_t first_ms, last_ms;
} xf_throttle_entry;

/* How many times its first size a table may grow to hold locks. */
#define XF_THROTTLE_GROWTH 64

typedef struct xf_throttle {
	pthread_mutex_t lock;
	int free_failures;
	int64_t window_ms, base_wait_ms, max_wait_ms;
	size_t size, max_size;
	xf_throttle_entry *entries;
} xf_throttle;

void xf_throttle_init(xf_throttle *t, size_t size, int free_failures, int64_t window_ms,
                      int64_t base_wait_ms, int64_t max_wait_ms);
void xf_throttle_free(xf_throttle *t);
/* Milliseconds the key must still wait at now_ms; 0 when it may try. */
int64_t xf_throttle_wait(xf_throttle *t, const char *key, int64_t now_ms);
void xf_throttle_fail(xf_throttle *t, const char *key, int64_t now_ms);
void xf_throttle_clear(xf_throttle *t, const char *key);

/* The policy alone, for counts kept elsewhere (the database: api/session.c): how long a
 * key with `failures` counted since first_ms, the last at last_ms, must still wait. */
int64_t xf_throttle_wait_of(const xf_throttle *t, int64_t failures, int64_t first_ms,
                            int64_t last_ms, int64_t now_ms);
/* Whether such a count no longer matters: a new failure starts counting afresh. */
bool xf_throttle_lapsed(const xf_throttle *t, int64_t first_ms, int64_t wait_ms, int64_t now_ms);

#endif
