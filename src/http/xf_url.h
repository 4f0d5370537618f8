/* Request targets: splitting the raw URI into a decoded path and query parameters,
 * and matching paths against route patterns such as "/api/v1/users/{id}".
 *
 * The raw URI is untrusted. xf_url_parse() refuses, with a message: a target that
 * does not start with '/', a bad percent escape, an encoded NUL or control byte, bytes that
 * are not valid UTF-8 once decoded,
 * "." or ".." segments, and more than XF_URL_MAX_PARAMS query parameters. */
#ifndef XF_URL_H
#define XF_URL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/xf_arena.h"

#define XF_URL_MAX_LEN      4096
#define XF_URL_MAX_PARAMS   32
#define XF_ROUTE_MAX_PARAMS 4

typedef struct xf_url {
	char *path; /* decoded, NUL-free */
	size_t n_query;
	struct {
		char *key, *value;
	} query[XF_URL_MAX_PARAMS];
	const char *bad_field; /* after a refusal: the query key whose value was at fault */
} xf_url;

/* Parses raw into out (strings in the arena). Returns XF_OK, or XF_ERR with *error set
 * to a static message. */
int xf_url_parse(xf_arena *a, const char *raw, xf_url *out, const char **error);
/* The first value of key, or NULL. */
const char *xf_url_query(const xf_url *url, const char *key);

typedef struct xf_route_params {
	size_t n;
	struct {
		char name[24];
		char *value;
	} p[XF_ROUTE_MAX_PARAMS];
} xf_route_params;

/* Matches a decoded path against a pattern; "{name}" matches one non-empty segment.
 * Captured values are copied into the arena. */
bool xf_route_match(xf_arena *a, const char *pattern, const char *path, xf_route_params *out);

#endif
