/* JSON text writing: see xf_jsonw.h. */
#include "util/xf_jsonw.h"

#include <inttypes.h>
#include <string.h>

void xf_jw_string(xf_buf *b, const char *text)
{
	static const char hex[] = "0123456789abcdef";
	if (!text) {
		xf_buf_puts(b, "null");
		return;
	}
	xf_buf_append(b, "\"", 1);
	const char *run = text;
	for (const char *p = text; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		xf_buf_append(b, run, (size_t)(p - run));
		char esc[7] = {'\\', 0};
		switch (c) {
		case '"':
			esc[1] = '"';
			break;
		case '\\':
			esc[1] = '\\';
			break;
		case '\n':
			esc[1] = 'n';
			break;
		case '\r':
			esc[1] = 'r';
			break;
		case '\t':
			esc[1] = 't';
			break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
		}
		xf_buf_puts(b, esc);
		run = p + 1;
	}
	xf_buf_puts(b, run);
	xf_buf_append(b, "\"", 1);
}

void xf_jw_key(xf_buf *b, const char *key)
{
	xf_jw_string(b, key);
	xf_buf_append(b, ":", 1);
}

void xf_jw_int(xf_buf *b, int64_t value)
{
	xf_buf_printf(b, "%" PRId64, value);
}

void xf_jw_time(xf_buf *b, int64_t ms)
{
	if (!ms) {
		xf_buf_puts(b, "null");
		return;
	}
	char text[XF_TIME_LEN];
	xf_time_format(ms, text);
	xf_buf_append(b, "\"", 1);
	xf_buf_puts(b, text);
	xf_buf_append(b, "\"", 1);
}
