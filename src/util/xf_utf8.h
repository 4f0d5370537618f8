/* UTF-8 checks for text that comes from outside: request targets, bodies, headers.
 *
 * jansson refuses to encode a string that is not valid UTF-8, so anything built from
 * request bytes is checked (xf_utf8_valid) or cleaned (xf_utf8_clean) before it goes
 * into a reply. Valid means what RFC 3629 allows: no overlong forms, no surrogates,
 * nothing above U+10FFFF. */
#ifndef XF_UTF8_H
#define XF_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* The length (1-4) of the valid sequence at s[0..n), or 0 when s does not start one. */
size_t xf_utf8_sequence(const unsigned char *s, size_t n);
bool xf_utf8_valid(const char *s, size_t n);
/* The characters (code points) of valid NUL-terminated text. */
size_t xf_utf8_chars(const char *s);
/* Makes the NUL-terminated s valid in place: each byte that does not begin a valid
 * sequence becomes '?', and a sequence cut short at the end (as by a truncating
 * snprintf) is dropped. */
void xf_utf8_clean(char *s);

#endif
