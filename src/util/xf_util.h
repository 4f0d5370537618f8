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
_Noreturn void xf_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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

/* Logging to stderr, one line each, prefixed with the UTC time. */
void xf_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
