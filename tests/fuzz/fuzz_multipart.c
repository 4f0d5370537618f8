/* libFuzzer harness for the incremental multipart/form-data parser (http/xf_multipart.h),
 * the upload path of records. Input: line 1 is a Content-Type header value (the
 * boundary is taken from it with xf_multipart_boundary; without one, "b"); byte 0 of
 * the rest picks chunk sizes; the rest is the body.
 *
 * The body is parsed twice: whole, and in chunks of 1 to 64 bytes. Besides memory
 * errors and undefined behaviour, it checks what the parser promises: the outcome, the
 * parts (names, file names, types) and every part's data are the same however the body
 * is cut; at most XF_MULTIPART_PARTS_MAX parts; every part that began ended before the
 * next began; a failure has a message. A broken promise aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/xf_multipart.h"

typedef struct seen {
	unsigned char digest[64]; /* a running FNV-1a over every event */
	uint64_t h;
	int parts, ends;
	int open;
} seen;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "broken promise: %s\n", what);
		abort();
	}
}

static void mix(seen *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++)
		s->h = (s->h ^ p[i]) * 1099511628211ull;
}

static int on_begin(void *ctx, const xf_multipart_part *p)
{
	seen *s = ctx;
	check(!s->open, "a part ends before the next begins");
	check(memchr(p->name, 0, sizeof p->name) != NULL && p->name[0], "a name, terminated");
	check(memchr(p->filename, 0, sizeof p->filename) != NULL, "a file name, terminated");
	check(memchr(p->content_type, 0, sizeof p->content_type) != NULL, "a type, terminated");
	s->open = 1;
	s->parts++;
	mix(s, "B", 1);
	mix(s, p->name, strlen(p->name) + 1);
	mix(s, p->filename, strlen(p->filename) + 1);
	mix(s, p->content_type, strlen(p->content_type) + 1);
	return 0;
}

static int on_data(void *ctx, const char *data, size_t len)
{
	seen *s = ctx;
	check(s->open, "data belongs to an open part");
	check(len > 0, "no empty data pieces");
	mix(s, data, len); /* pieces mixed byte by byte: independent of the cuts */
	return 0;
}

static int on_end(void *ctx)
{
	seen *s = ctx;
	check(s->open, "an end follows a begin");
	s->open = 0;
	s->ends++;
	mix(s, "E", 1);
	return 0;
}

static const xf_multipart_callbacks callbacks = {on_begin, on_data, on_end};

static int run(const char *boundary, const char *body, size_t len, unsigned seed, seen *s)
{
	xf_multipart mp;
	memset(s, 0, sizeof *s);
	s->h = 1469598103934665603ull;
	xf_multipart_init(&mp, boundary, &callbacks, s);
	size_t at = 0;
	int rc = 0;
	while (rc == 0 && at < len) {
		size_t n = seed ? 1 + (seed = seed * 1103515245u + 12345u) % 64 : len - at;
		if (n > len - at)
			n = len - at;
		rc = xf_multipart_feed(&mp, body + at, n);
		at += n;
	}
	if (rc == 0)
		rc = xf_multipart_finish(&mp);
	check(rc == 0 || mp.error[0], "a failure has a message");
	check(s->parts <= XF_MULTIPART_PARTS_MAX, "at most XF_MULTIPART_PARTS_MAX parts");
	check(s->ends == s->parts || s->ends == s->parts - 1, "parts end");
	if (rc == 0)
		check(s->ends == s->parts, "a complete body ends every part");
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nl = memchr(text, '\n', size);
	size_t type_len = nl ? (size_t)(nl - text) : size;
	char *type = malloc(type_len + 1);
	memcpy(type, text, type_len);
	type[type_len] = '\0';
	char boundary[XF_MULTIPART_BOUNDARY_MAX + 1];
	if (xf_multipart_boundary(type, boundary) != 0) {
		check(boundary[0] == '\0', "no boundary on failure");
		strcpy(boundary, "b");
	} else {
		size_t n = strlen(boundary);
		check(n >= 1 && n <= XF_MULTIPART_BOUNDARY_MAX, "boundary length");
		check(strpbrk(boundary, "\r\n\"") == NULL, "boundary characters");
	}
	free(type);
	const char *rest = nl ? nl + 1 : text + size;
	size_t rest_len = (size_t)(text + size - rest);
	unsigned seed = rest_len ? (unsigned char)rest[0] + 1u : 1u;
	const char *body = rest_len ? rest + 1 : rest;
	size_t body_len = rest_len ? rest_len - 1 : 0;

	seen whole, cut;
	int a = run(boundary, body, body_len, 0, &whole);
	int b = run(boundary, body, body_len, seed, &cut);
	check(a == b, "the outcome does not depend on the cuts");
	if (a == 0) {
		check(whole.h == cut.h, "parts and data do not depend on the cuts");
		check(whole.parts == cut.parts, "the parts do not depend on the cuts");
	}
	return 0;
}
