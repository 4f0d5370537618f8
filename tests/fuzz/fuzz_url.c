/* libFuzzer harness for path and query-string parsing (http/xf_url.h): the bytes are a
 * raw request target. It is NUL-terminated, parsed with xf_url_parse into an arena,
 * queried with xf_url_query, and its decoded path is matched with xf_route_match
 * against the API's route shapes; the raw target is matched too, since the matcher
 * must be safe on any string.
 *
 * Besides memory errors, leaks and undefined behaviour, it checks what the parser
 * promises on success: the path starts with '/', has no "." or ".." segment, no
 * backslash and no control byte; query keys and values have no control byte; and a
 * route match puts the path back together from the pattern and the captured values.
 * A broken promise aborts. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/xf_url.h"

static const char *const patterns[] = {
    "/users/{id}", "/users/{id}/password", "/audit", "/units/{unit}/users/{id}", "/",
};

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "broken promise: %s\n", what);
		abort();
	}
}

static int has_control_byte(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static void check_path(const char *path)
{
	check(path[0] == '/', "path starts with '/'");
	check(!has_control_byte(path), "path has no control byte");
	check(strchr(path, '\\') == NULL, "path has no backslash");
	for (const char *seg = path + 1;; seg++) {
		size_t n = strcspn(seg, "/");
		check(!(n == 1 && seg[0] == '.'), "path has no '.' segment");
		check(!(n == 2 && seg[0] == '.' && seg[1] == '.'), "path has no '..' segment");
		seg += n;
		if (!*seg)
			break;
	}
	check(strstr(path, "/../") == NULL, "path has no /../");
}

/* Rebuilds the path from the pattern and the captured values; it must be the path. */
static void check_match(const char *pattern, const char *path, const xf_route_params *p)
{
	/* literal pieces come from the pattern, captures from the path: this fits */
	size_t size = strlen(pattern) + strlen(path) + 1;
	char *rebuilt = malloc(size);
	check(rebuilt != NULL, "memory for the rebuilt path");
	size_t used = 0, next = 0;
	check(p->n <= XF_ROUTE_MAX_PARAMS, "at most XF_ROUTE_MAX_PARAMS captures");
	for (const char *c = pattern; *c; c++) {
		const char *piece = c;
		size_t len = 1;
		if (*c == '{') {
			check(next < p->n, "one capture per parameter");
			const char *close = strchr(c, '}');
			check(close != NULL, "a matched pattern is well formed");
			check(strncmp(p->p[next].name, c + 1, (size_t)(close - c - 1)) == 0,
			      "capture named after its parameter");
			piece = p->p[next].value;
			len = strlen(piece);
			check(len > 0 && strchr(piece, '/') == NULL,
			      "capture is one non-empty segment");
			next++;
			c = close;
		}
		check(used + len < size, "rebuilt path fits");
		memcpy(rebuilt + used, piece, len);
		used += len;
	}
	rebuilt[used] = '\0';
	check(next == p->n, "no capture without a parameter");
	check(strcmp(rebuilt, path) == 0, "pattern and captures give back the path");
	free(rebuilt);
}

static void match_all(xf_arena *a, const char *path)
{
	for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
		xf_route_params p;
		if (xf_route_match(a, patterns[i], path, &p))
			check_match(patterns[i], path, &p);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *raw = malloc(size + 1);
	if (!raw)
		return 0;
	memcpy(raw, data, size);
	raw[size] = '\0';

	xf_arena a;
	xf_arena_init(&a);
	xf_url url;
	const char *error = NULL;
	if (xf_url_parse(&a, raw, &url, &error) == XF_OK) {
		check(url.path != NULL, "path is set");
		check_path(url.path);
		check(url.n_query <= XF_URL_MAX_PARAMS, "at most XF_URL_MAX_PARAMS parameters");
		for (size_t i = 0; i < url.n_query; i++) {
			check(url.query[i].key && url.query[i].value, "query strings are set");
			check(!has_control_byte(url.query[i].key), "query key has no control byte");
			check(!has_control_byte(url.query[i].value),
			      "query value has no control byte");
			/* the first of repeated keys wins */
			const char *first = xf_url_query(&url, url.query[i].key);
			size_t j = 0;
			while (strcmp(url.query[j].key, url.query[i].key) != 0)
				j++;
			check(first == url.query[j].value, "xf_url_query returns the first value");
		}
		(void)xf_url_query(&url, "after");
		(void)xf_url_query(&url, "limit");
		match_all(&a, url.path);
	} else {
		check(error != NULL && error[0] != '\0', "a refusal has a message");
	}
	/* the matcher must be safe on raw, undecoded text as well */
	match_all(&a, raw);

	xf_arena_release(&a);
	free(raw);
	return 0;
}
