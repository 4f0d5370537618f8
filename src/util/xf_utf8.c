/* UTF-8 validation and cleaning: see xf_utf8.h. */
#include "util/xf_utf8.h"

#include <string.h>

size_t xf_utf8_sequence(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	size_t len;
	unsigned char lo = 0x80, hi = 0xBF; /* the allowed range of the second byte */
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if ((s[i] & 0xC0) != 0x80)
			return 0;
	return len;
}

bool xf_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < n;) {
		size_t len = xf_utf8_sequence(p + i, n - i);
		if (len == 0)
			return false;
		i += len;
	}
	return true;
}

size_t xf_utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

void xf_utf8_clean(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t len = xf_utf8_sequence(p + i, n - i);
		if (len) {
			i += len;
			continue;
		}
		/* A lead byte whose continuation bytes all follow up to the end was cut
		 * short: drop the tail rather than show a '?' for half a character. */
		size_t want = p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : p[i] >= 0xC2 ? 2 : 0;
		bool cut = want && n - i < want;
		for (size_t k = i + 1; cut && k < n; k++)
			cut = (p[k] & 0xC0) == 0x80;
		if (cut) {
			p[i] = '\0';
			return;
		}
		p[i++] = '?';
	}
}
