/* Fatal allocation, clocks, hex and the log line: the leaf helpers every module uses. */
#include "util/xf_util.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

_Noreturn void xf_die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("xinfang: fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	abort();
}

void *xf_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		xf_die("out of memory allocating %zu bytes", n);
	return p;
}

void *xf_calloc(size_t count, size_t n)
{
	void *p = calloc(count ? count : 1, n ? n : 1);
	if (!p)
		xf_die("out of memory allocating %zu x %zu bytes", count, n);
	return p;
}

void *xf_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		xf_die("out of memory reallocating %zu bytes", n);
	return q;
}

size_t xf_grow_cap(size_t need, size_t cap, size_t elem)
{
	assert(elem > 0);
	size_t max = SIZE_MAX / elem;
	if (need > max)
		xf_die("array too large: %zu elements of %zu bytes", need, elem);
	if (cap == 0)
		cap = 16;
	while (cap < need)
		cap = cap > max / 2 ? max : cap * 2;
	assert(cap >= need && cap <= max);
	return cap;
}

char *xf_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xf_malloc(n), s, n);
}

int64_t xf_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t xf_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void xf_time_format(int64_t ms, char out[XF_TIME_LEN])
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	char text[64]; /* room for any int the compiler imagines; the real text is 24 bytes */
	snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
	         tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
	memcpy(out, text, XF_TIME_LEN - 1);
	out[XF_TIME_LEN - 1] = '\0';
}

void xf_hex_encode(const unsigned char *bytes, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

int xf_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int xf_hex_decode(const char *hex, unsigned char *bytes, size_t n)
{
	if (strlen(hex) != 2 * n)
		return XF_ERR;
	for (size_t i = 0; i < n; i++) {
		int hi = xf_hex_digit(hex[2 * i]), lo = xf_hex_digit(hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return XF_ERR;
		bytes[i] = (unsigned char)(hi << 4 | lo);
	}
	return XF_OK;
}

bool xf_str_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return true;
	return false;
}

void xf_log(const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	xf_time_format(xf_now_ms(), line);
	line[XF_TIME_LEN - 1] = ' ';
	va_start(ap, fmt);
	size_t room = sizeof line - XF_TIME_LEN - 1; /* one byte stays for the newline */
	int n = vsnprintf(line + XF_TIME_LEN, room, fmt, ap);
	va_end(ap);
	size_t written = n < 0 ? 0 : (size_t)n < room ? (size_t)n : room - 1;
	size_t len = XF_TIME_LEN + written;
	line[len++] = '\n';
	/* One write per line keeps concurrent threads' lines whole, without stdio's lock. */
	ssize_t unused = write(STDERR_FILENO, line, len);
	(void)unused;
}
