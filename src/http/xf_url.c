/* Parsing of request targets and matching of route patterns: see xf_url.h. */
#include "http/xf_url.h"

#include <string.h>

#include "util/xf_utf8.h"
#include "util/xf_util.h"

/* Percent-decodes s[0..n) into the arena; '+' becomes a space when plus_is_space. */
static char *decode(xf_arena *a, const char *s, size_t n, bool plus_is_space, const char **error)
{
	char *out = xf_arena_alloc(a, n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			int hi = i + 1 < n ? xf_hex_digit(s[i + 1]) : -1;
			int lo = i + 2 < n ? xf_hex_digit(s[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				*error = "bad percent escape in the request target";
				return NULL;
			}
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			c = ' ';
		}
		if (c < 0x20 || c == 0x7f) {
			*error = "control character in the request target";
			return NULL;
		}
		out[j++] = (char)c;
	}
	out[j] = '\0';
	if (!xf_utf8_valid(out, j)) {
		*error = "the request target is not valid UTF-8";
		return NULL;
	}
	return out;
}

static int parse_query(xf_arena *a, const char *q, xf_url *out, const char **error)
{
	while (*q) {
		size_t n = strcspn(q, "&");
		if (n) {
			if (out->n_query == XF_URL_MAX_PARAMS) {
				*error = "too many query parameters";
				return -1;
			}
			const char *eq = memchr(q, '=', n);
			size_t klen = eq ? (size_t)(eq - q) : n;
			char *key = decode(a, q, klen, true, error);
			if (!key)
				return -1;
			char *value = eq ? decode(a, eq + 1, n - klen - 1, true, error)
			                 : xf_arena_strdup(a, "");
			if (!value) {
				out->bad_field = key;
				return -1;
			}
			out->query[out->n_query].key = key;
			out->query[out->n_query].value = value;
			out->n_query++;
		}
		q += n;
		if (*q == '&')
			q++;
	}
	return 0;
}

int xf_url_parse(xf_arena *a, const char *raw, xf_url *out, const char **error)
{
	memset(out, 0, sizeof *out);
	size_t len = strlen(raw);
	if (len == 0 || raw[0] != '/') {
		*error = "request target must start with '/'";
		return XF_ERR;
	}
	if (len > XF_URL_MAX_LEN) {
		*error = "request target is too long";
		return XF_ERR;
	}
	size_t path_len = strcspn(raw, "?#");
	out->path = decode(a, raw, path_len, false, error);
	if (!out->path)
		return XF_ERR;
	/* Refuse dot segments and backslashes after decoding, so "%2e%2e" cannot climb. */
	for (const char *seg = out->path; *seg;) {
		seg++; /* past '/' */
		size_t n = strcspn(seg, "/");
		if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) {
			*error = "dot segment in the request path";
			return XF_ERR;
		}
		seg += n;
	}
	if (strchr(out->path, '\\')) {
		*error = "backslash in the request path";
		return XF_ERR;
	}
	if (raw[path_len] == '?') {
		size_t qlen = strcspn(raw + path_len + 1, "#");
		char *q = xf_arena_strndup(a, raw + path_len + 1, qlen);
		if (parse_query(a, q, out, error) != 0)
			return XF_ERR;
	}
	return XF_OK;
}

const char *xf_url_query(const xf_url *url, const char *key)
{
	for (size_t i = 0; i < url->n_query; i++)
		if (strcmp(url->query[i].key, key) == 0)
			return url->query[i].value;
	return NULL;
}

bool xf_route_match(xf_arena *a, const char *pattern, const char *path, xf_route_params *out)
{
	out->n = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t vlen = strcspn(s, "/");
			if (!close || vlen == 0 || out->n == XF_ROUTE_MAX_PARAMS)
				return false;
			size_t nlen = (size_t)(close - p - 1);
			if (nlen >= sizeof out->p[0].name)
				return false;
			memcpy(out->p[out->n].name, p + 1, nlen);
			out->p[out->n].name[nlen] = '\0';
			out->p[out->n].value = xf_arena_strndup(a, s, vlen);
			out->n++;
			p = close + 1;
			s += vlen;
		} else if (*p == *s) {
			p++;
			s++;
		} else {
			return false;
		}
	}
	return *p == '\0' && *s == '\0';
}
