/* Small shared utilities: return codes, fatal allocation, time stamps, hex, logging.
 *
 * Every subsystem returns XF_OK on success and one of the negative codes below on a
 * real error, with a message a person can act on kept where the subsystem says.
 * Allocation failure is not a real error here: it aborts with a message, so callers
 * never test for NULL from xf_malloc and friends. */
#ifndef XF_UTIL_H
#define XF_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	XF_OK = 0,
	XF_ERR = -1,         /* invalid input or a failed operation; see the message */
	XF_NOTFOUND = -2,    /* the object asked for does not exist */
	XF_CONFLICT = -3,    /* the change contradicts stored state */
	XF_UNAVAILABLE = -4, /* the store cannot write now (disk full, read-only, busy) */
};

#define XF_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xf_malloc(size_t n);
void *xf_calloc(size_t count, size_t n);
void *xf_realloc(void *p, size_t n);
char *xf_strdup(const char *s);

/* The one growable array of the program, after git's ALLOC_GROW: makes room for at
 * least `n` elements in `ptr`, whose current capacity is `cap` (both lvalues, updated
 * in place). The capacity doubles (first 16) until it holds n, so appending one at a
 * time costs O(1) amortised; the byte size is checked for overflow and the memory comes
 * from xf_realloc, so it never returns without room. Typical use:
 *
 *	XF_GROW(items, n + 1, cap);
 *	items[n++] = item;
 */
#define XF_GROW(ptr, n, cap)                                                                       \
	do {                                                                                       \
		if ((size_t)(n) > (size_t)(cap)) {                                                 \
			size_t xf_grow_cap_ =                                                      \
			    xf_grow_cap((size_t)(n), (size_t)(cap), sizeof *(ptr));                \
			(ptr) = xf_realloc((ptr), xf_grow_cap_ * sizeof *(ptr));                   \
			(cap) = xf_grow_cap_;                                                      \
		}                                                                                  \
	} while (0)
/* The capacity XF_GROW moves to: cap doubled (16 when 0) until it holds need elements
 * of elem bytes; dies when that many bytes cannot be counted in a size_t. */
size_t xf_grow_cap(size_t need, size_t cap, size_t elem);
_Noreturn void xf_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Time spans in milliseconds, the unit of every stamp in the program. */
#define XF_MINUTE_MS (60 * 1000LL)
#define XF_HOUR_MS   (3600 * 1000LL)
#define XF_DAY_MS    (24 * 3600 * 1000LL)
/* China Standard Time, UTC+8 without daylight saving, in seconds east of UTC: the zone
 * of every date and time a person reads or types. */
#define XF_CST_OFFSET_S (8 * 3600)

/* Wall-clock milliseconds since the epoch (UTC). */
int64_t xf_now_ms(void);
/* Monotonic microseconds, for durations. */
int64_t xf_mono_us(void);
/* Formats ms as "2026-11-28T23:10:29.123Z" into out (at least XF_TIME_LEN bytes). */
#define XF_TIME_LEN 25
void xf_time_format(int64_t ms, char out[XF_TIME_LEN]);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void xf_hex_encode(const unsigned char *bytes, size_t n, char *out);
/* Decodes exactly 2n hex characters; XF_ERR on anything else. */
int xf_hex_decode(const char *hex, unsigned char *bytes, size_t n);
/* The value of one hex digit (either case), -1 when c is not one. */
int xf_hex_digit(char c);
/* True when s equals one of the strings of list, which ends with NULL. */
bool xf_str_in(const char *s, const char *const *list);

/* Logging to stderr, one line each, prefixed with the UTC time. */
void xf_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
