/* The incremental multipart/form-data parser (see xf_multipart.h): a byte-driven state
 * machine. The delimiter is "\r\n--" boundary; the body's first delimiter may lack
 * the CRLF, so parsing starts as if two bytes of it had been matched. Because a
 * boundary cannot contain CR, a delimiter candidate that fails can only restart at the
 * failing byte, and the held-back bytes are always a prefix of the delimiter: nothing
 * of the body needs to be kept between chunks but the length of that prefix. */
#include "http/xf_multipart.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

enum {
	S_PREAMBLE,  /* before the first delimiter: discarded */
	S_AFTER,     /* just after a delimiter: "--", padding or CRLF */
	S_DASH2,     /* after "-": the second "-" of the close delimiter */
	S_PAD,       /* transport padding before CRLF */
	S_LF,        /* the LF ending the delimiter line */
	S_HEADERS,   /* a part header line */
	S_HEADER_LF, /* the LF after a header line's CR */
	S_DATA,      /* a part's data */
	S_EPILOGUE,  /* after the close delimiter: discarded */
	S_ERROR,
};

static int fail(xf_multipart *mp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(xf_multipart *mp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(mp->error, sizeof mp->error, fmt, ap);
	va_end(ap);
	mp->state = S_ERROR;
	return -1;
}

static bool is_bchar(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       strchr("'()+_,-./:=? ", c) != NULL;
}

/* Reads a parameter value (token or quoted-string) at *p into out (size bytes).
 * Returns 0, or -1 when it is malformed or too long. */
static int param_value(const char **p, char *out, size_t size)
{
	const char *s = *p;
	size_t n = 0;
	if (*s == '"') {
		s++;
		while (*s && *s != '"') {
			if (*s == '\\' && s[1])
				s++;
			if (n + 1 >= size)
				return -1;
			out[n++] = *s++;
		}
		if (*s != '"')
			return -1;
		s++;
	} else {
		while (*s && *s != ';' && *s != ' ' && *s != '\t') {
			if (n + 1 >= size)
				return -1;
			out[n++] = *s++;
		}
	}
	out[n] = '\0';
	*p = s;
	return 0;
}

/* Walks "; key=value" parameters from p; calls on(key, value) for each. */
typedef int (*param_fn)(void *ctx, const char *key, const char *value);
static int each_param(const char *p, param_fn on, void *ctx)
{
	char key[64], value[XF_MULTIPART_LINE_MAX + 1];
	for (;;) {
		p += strspn(p, " \t");
		if (!*p)
			return 0;
		if (*p != ';')
			return -1;
		p++;
		p += strspn(p, " \t");
		if (!*p)
			return 0; /* a trailing ";" */
		size_t k = strcspn(p, "=; \t");
		if (k == 0 || k >= sizeof key || p[k] != '=')
			return -1;
		memcpy(key, p, k);
		key[k] = '\0';
		p += k + 1;
		if (param_value(&p, value, sizeof value) != 0 || on(ctx, key, value) != 0)
			return -1;
	}
}

static int boundary_param(void *ctx, const char *key, const char *value)
{
	if (strcasecmp(key, "boundary") != 0)
		return 0;
	size_t n = strlen(value);
	if (n == 0 || n > XF_MULTIPART_BOUNDARY_MAX || value[n - 1] == ' ')
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!is_bchar((unsigned char)value[i]))
			return -1;
	memcpy(ctx, value, n + 1);
	return 0;
}

int xf_multipart_boundary(const char *content_type, char *out)
{
	static const char type[] = "multipart/form-data";
	out[0] = '\0';
	if (!content_type)
		return -1;
	content_type += strspn(content_type, " \t");
	if (strncasecmp(content_type, type, sizeof type - 1) != 0)
		return -1;
	if (each_param(content_type + sizeof type - 1, boundary_param, out) != 0) {
		out[0] = '\0';
		return -1;
	}
	return out[0] ? 0 : -1;
}

void xf_multipart_init(xf_multipart *mp, const char *boundary, const xf_multipart_callbacks *cb,
                       void *ctx)
{
	memset(mp, 0, sizeof *mp);
	size_t n = strlen(boundary);
	if (n > XF_MULTIPART_BOUNDARY_MAX)
		n = XF_MULTIPART_BOUNDARY_MAX;
	memcpy(mp->delim, "\r\n--", 4);
	memcpy(mp->delim + 4, boundary, n);
	mp->delim_len = 4 + n;
	mp->match = 2; /* the first delimiter may open the body without its CRLF */
	mp->state = S_PREAMBLE;
	mp->cb = *cb;
	mp->ctx = ctx;
}

/* Decodes an RFC 5987 ext-value (UTF-8''%E4%B8%AD.jpg) into out. */
static int ext_value(const char *v, char *out, size_t size)
{
	const char *q = strchr(v, '\'');
	if (!q || (size_t)(q - v) != 5 || strncasecmp(v, "UTF-8", 5) != 0)
		return -1;
	q = strchr(q + 1, '\'');
	if (!q)
		return -1;
	size_t n = 0;
	for (const char *s = q + 1; *s; s++) {
		unsigned c = (unsigned char)*s;
		if (c == '%') {
			unsigned hi, lo;
			char h[3] = {s[1], s[1] ? s[2] : 0, 0};
			if (!h[0] || !h[1] || sscanf(h, "%1x%1x", &hi, &lo) != 2)
				return -1;
			c = hi * 16 + lo;
			s += 2;
		}
		if (c == 0 || n + 1 >= size)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

static int disposition_param(void *ctx, const char *key, const char *value)
{
	xf_multipart_part *part = ctx;
	if (strcasecmp(key, "name") == 0) {
		if (strlen(value) >= sizeof part->name)
			return -1;
		strcpy(part->name, value);
	} else if (strcasecmp(key, "filename") == 0) {
		if (strlen(value) >= sizeof part->filename)
			return -1;
		if (!part->has_filename) /* filename* given first wins */
			strcpy(part->filename, value);
		part->has_filename = true;
	} else if (strcasecmp(key, "filename*") == 0) {
		if (ext_value(value, part->filename, sizeof part->filename) != 0)
			return -1;
		part->has_filename = true;
	}
	return 0;
}

static int header_line(xf_multipart *mp)
{
	char *line = mp->line;
	line[mp->line_len] = '\0';
	if (line[0] == ' ' || line[0] == '\t')
		return fail(mp, "folded part header lines are not accepted");
	if (++mp->n_headers > XF_MULTIPART_HEADERS_MAX)
		return fail(mp, "a part has more than %d header lines", XF_MULTIPART_HEADERS_MAX);
	char *colon = strchr(line, ':');
	if (!colon || colon == line)
		return fail(mp, "a part header line has no name");
	*colon = '\0';
	char *value = colon + 1 + strspn(colon + 1, " \t");
	size_t vlen = strlen(value);
	while (vlen && (value[vlen - 1] == ' ' || value[vlen - 1] == '\t'))
		value[--vlen] = '\0';
	if (strcasecmp(line, "Content-Disposition") == 0) {
		static const char form[] = "form-data";
		if (mp->has_disposition)
			return fail(mp, "a part has two Content-Disposition headers");
		mp->has_disposition = true;
		if (strncasecmp(value, form, sizeof form - 1) != 0 ||
		    (value[sizeof form - 1] && value[sizeof form - 1] != ';' &&
		     value[sizeof form - 1] != ' ' && value[sizeof form - 1] != '\t') ||
		    each_param(value + sizeof form - 1, disposition_param, &mp->part) != 0)
			return fail(
			    mp,
			    "a part's Content-Disposition is not form-data with valid parameters");
		if (!mp->part.name[0])
			return fail(mp, "a part's Content-Disposition has no name");
	} else if (strcasecmp(line, "Content-Type") == 0) {
		if (vlen >= sizeof mp->part.content_type)
			return fail(mp, "a part's Content-Type is too long");
		memcpy(mp->part.content_type, value, vlen + 1);
	}
	return 0;
}

/* Delivers part data, or drops it before the first delimiter. */
static int emit(xf_multipart *mp, const char *data, size_t len)
{
	if (mp->state != S_DATA || len == 0)
		return 0;
	if (mp->cb.part_data && mp->cb.part_data(mp->ctx, data, len) != 0)
		return fail(mp, "the upload was refused while it was being stored");
	return 0;
}

/* Scans data (preamble or a part's) for the delimiter from data[*at]. Returns 0 (with
 * *at past the delimiter when it was found, the state moved on) or -1. */
static int scan(xf_multipart *mp, const char *data, size_t len, size_t *at)
{
	size_t i = *at, run = i;
	while (i < len) {
		if (mp->match == 0) {
			const char *cr = memchr(data + i, '\r', len - i);
			if (!cr) {
				i = len;
				break;
			}
			size_t j = (size_t)(cr - data);
			if (emit(mp, data + run, j - run) != 0)
				return -1;
			i = j + 1;
			run = i;
			mp->match = 1;
			continue;
		}
		if (data[i] == mp->delim[mp->match]) {
			i++;
			run = i;
			if (++mp->match == mp->delim_len) {
				mp->match = 0;
				if (mp->state == S_DATA && mp->cb.part_end &&
				    mp->cb.part_end(mp->ctx) != 0)
					return fail(
					    mp, "the upload was refused while it was being stored");
				mp->state = S_AFTER;
				*at = i;
				return 0;
			}
			continue;
		}
		/* Not a delimiter after all: the held-back prefix was data; look at this byte
		 * afresh. */
		if (emit(mp, mp->delim, mp->match) != 0)
			return -1;
		mp->match = 0;
		run = i;
	}
	if (mp->match == 0 && emit(mp, data + run, i - run) != 0)
		return -1;
	*at = len;
	return 0;
}

/* One byte of what follows a boundary: "--" (the last), padding, then CRLF and the next
 * part's headers. */
static int after_boundary_byte(xf_multipart *mp, char c)
{
	switch (mp->state) {
	case S_AFTER:
		if (c == '-')
			mp->state = S_DASH2;
		else if (c == ' ' || c == '\t')
			mp->state = S_PAD;
		else if (c == '\r')
			mp->state = S_LF;
		else
			return fail(mp, "a boundary line is followed by other text");
		return 0;
	case S_DASH2:
		if (c != '-')
			return fail(mp, "a boundary line is followed by other text");
		mp->state = S_EPILOGUE;
		return 0;
	case S_PAD:
		if (c == '\r')
			mp->state = S_LF;
		else if (c != ' ' && c != '\t')
			return fail(mp, "a boundary line is followed by other text");
		return 0;
	default: /* S_LF */
		if (c != '\n')
			return fail(mp, "a boundary line does not end with CRLF");
		if (++mp->n_parts > XF_MULTIPART_PARTS_MAX)
			return fail(mp, "the body has more than %d parts", XF_MULTIPART_PARTS_MAX);
		memset(&mp->part, 0, sizeof mp->part);
		mp->has_disposition = false;
		mp->n_headers = 0;
		mp->line_len = 0;
		mp->state = S_HEADERS;
		return 0;
	}
}

/* One byte of a part's header lines; the empty line ends them and starts the data. */
static int header_byte(xf_multipart *mp, char c)
{
	if (mp->state == S_HEADERS) {
		if (c == '\r')
			mp->state = S_HEADER_LF;
		else if (c == '\n' || c == '\0')
			return fail(mp, "a part header line holds a bare LF or a NUL byte");
		else if (mp->line_len == XF_MULTIPART_LINE_MAX)
			return fail(mp, "a part header line is longer than %d bytes",
			            XF_MULTIPART_LINE_MAX);
		else
			mp->line[mp->line_len++] = c;
		return 0;
	}
	if (c != '\n')
		return fail(mp, "a part header line does not end with CRLF");
	if (mp->line_len == 0) {
		if (!mp->has_disposition)
			return fail(mp, "a part has no Content-Disposition");
		if (mp->cb.part_begin && mp->cb.part_begin(mp->ctx, &mp->part) != 0)
			return fail(mp, "part '%s' was refused", mp->part.name);
		mp->state = S_DATA;
		mp->match = 0;
		return 0;
	}
	if (header_line(mp) != 0)
		return -1;
	mp->line_len = 0;
	mp->state = S_HEADERS;
	return 0;
}

int xf_multipart_feed(xf_multipart *mp, const char *data, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (mp->state == S_ERROR)
			return -1;
		if (mp->state == S_PREAMBLE || mp->state == S_DATA) {
			if (scan(mp, data, len, &i) != 0)
				return -1;
			continue;
		}
		if (mp->state == S_EPILOGUE)
			return 0;
		char c = data[i++];
		int rc;
		switch (mp->state) {
		case S_AFTER:
		case S_DASH2:
		case S_PAD:
		case S_LF:
			rc = after_boundary_byte(mp, c);
			break;
		case S_HEADERS:
		case S_HEADER_LF:
			rc = header_byte(mp, c);
			break;
		default:
			return fail(mp, "the parser is in no known state");
		}
		if (rc != 0)
			return rc;
	}
	return mp->state == S_ERROR ? -1 : 0;
}

int xf_multipart_finish(xf_multipart *mp)
{
	if (mp->state == S_ERROR)
		return -1;
	if (mp->state != S_EPILOGUE)
		return fail(mp, "the body ends before the closing boundary");
	return 0;
}
