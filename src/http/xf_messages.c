/* Error messages in the user's language: the language of a request, formatting an
 * English format of the catalog in Chinese or English, and putting the arguments into
 * words (see xf_messages.h). The catalog itself is xf_messages_catalog.c. */
#include "http/xf_messages.h"

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "util/xf_utf8.h"

enum {
	MAX_ARGS = 8,
	ARG_SIZE = 320,
	MAX_DEPTH = 3,   /* a message inside a message inside a message */
	MIN_LITERAL = 4, /* a format with fewer fixed characters matches too much to be found */
	MAX_TEXT = 320,  /* the longest text matched against the catalog */
	MATCH_BUDGET = 20000, /* steps of one match */
};

xf_lang xf_lang_from_header(const char *h)
{
	double best[2] = {0, 0};
	int at[2] = {-1, -1};
	int pos = 0;
	while (h && *h) {
		const char *end = strchr(h, ',');
		size_t len = end ? (size_t)(end - h) : strlen(h);
		const char *p = h;
		while (p < h + len && (*p == ' ' || *p == '\t'))
			p++;
		size_t tag = 0;
		while (p + tag < h + len && (isalpha((unsigned char)p[tag])))
			tag++;
		bool primary_ends = p + tag == h + len || p[tag] == '-' || p[tag] == ';' ||
		                    p[tag] == ' ' || p[tag] == '\t';
		int which = -1;
		if (primary_ends && tag == 2 && strncasecmp(p, "zh", 2) == 0)
			which = XF_LANG_ZH;
		else if (primary_ends && tag == 2 && strncasecmp(p, "en", 2) == 0)
			which = XF_LANG_EN;
		double q = 1;
		for (const char *s = memchr(p, ';', (size_t)(h + len - p)); s && s < h + len;
		     s = memchr(s + 1, ';', (size_t)(h + len - s - 1))) {
			const char *v = s + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			if ((v[0] == 'q' || v[0] == 'Q') && v[1] == '=') {
				char num[8] = "";
				size_t n = 0;
				for (v += 2; n < sizeof num - 1 &&
				             (isdigit((unsigned char)*v) || *v == '.');)
					num[n++] = *v++;
				num[n] = '\0';
				q = n ? strtod(num, NULL) : 0;
				if (q < 0 || q > 1)
					q = 0;
			}
		}
		if (which >= 0 && q > 0 && (at[which] < 0 || q > best[which])) {
			best[which] = q;
			at[which] = pos;
		}
		pos++;
		h = end ? end + 1 : NULL;
	}
	if (at[XF_LANG_EN] < 0)
		return XF_LANG_ZH;
	if (at[XF_LANG_ZH] < 0 || best[XF_LANG_EN] > best[XF_LANG_ZH] ||
	    (best[XF_LANG_EN] == best[XF_LANG_ZH] && at[XF_LANG_EN] < at[XF_LANG_ZH]))
		return XF_LANG_EN;
	return XF_LANG_ZH;
}

/* The length of the conversion at p ('%'), "%%" included; 0 when malformed. */
static size_t spec_len(const char *p)
{
	const char *q = p + 1;
	if (*q == '%')
		return 2;
	q += strspn(q, "-+ #0'");
	q += strspn(q, "0123456789");
	if (*q == '.') {
		q++;
		q += strspn(q, "0123456789");
	}
	q += strspn(q, "hlLjzt");
	if (!*q || !strchr("diouxXeEfgGcsp", *q))
		return 0;
	return (size_t)(q - p) + 1;
}

void xf_message_conversions(const char *fmt, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		size_t len = spec_len(p);
		if (len == 0)
			len = 1; /* reported as the lone '%' it is */
		if (used + len < size) {
			memcpy(out + used, p, len);
			out[used += len] = '\0';
		}
		p += len - 1;
	}
}

const xf_message *xf_message_find(const char *en)
{
	for (size_t i = 0; i < xf_messages_count; i++)
		if (strcmp(xf_messages[i].en, en) == 0)
			return &xf_messages[i];
	return NULL;
}

static void append(char *out, size_t size, size_t *used, const char *s, size_t n)
{
	if (*used + 1 >= size)
		return;
	if (n > size - 1 - *used)
		n = size - 1 - *used;
	memcpy(out + *used, s, n);
	*used += n;
	out[*used] = '\0';
}

/* Writes fmt with its i-th conversion replaced by args[i]. */
static void render(char *out, size_t size, const char *fmt, char args[][ARG_SIZE], int nargs)
{
	size_t used = 0;
	int i = 0;
	out[0] = '\0';
	for (const char *p = fmt; *p;) {
		size_t len = *p == '%' ? spec_len(p) : 0;
		if (len == 2 && p[1] == '%') {
			append(out, size, &used, "%", 1);
		} else if (len) {
			if (i < nargs)
				append(out, size, &used, args[i], strlen(args[i]));
			i++;
		} else {
			append(out, size, &used, p, 1);
			len = 1;
		}
		p += len;
	}
	xf_utf8_clean(out);
}

/* ---- field labels ---- */

static const xf_label *label_find(const char *field, size_t len)
{
	for (size_t i = 0; i < xf_labels_count; i++)
		if (strlen(xf_labels[i].field) == len &&
		    strncmp(xf_labels[i].field, field, len) == 0)
			return &xf_labels[i];
	return NULL;
}

static const char *label_text(const xf_label *l, const char *raw, size_t raw_len, xf_lang lang,
                              char *buf, size_t size)
{
	if (l && (lang == XF_LANG_ZH || l->en))
		return lang == XF_LANG_ZH ? l->zh : l->en;
	snprintf(buf, size, "%.*s", (int)raw_len, raw);
	return buf;
}

/* Puts a field name or path into words; false when s is not one. Plain names stay as
 * they are in English (API clients know them); paths with an index become a label and
 * the row in both languages. */
static bool label_of(xf_lang lang, const char *s, char *out, size_t size)
{
	size_t n = strlen(s);
	if (n == 0 || n > 80)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) ||
		      strchr("_.[]", s[i])))
			return false;
	const char *open = strchr(s, '[');
	if (!open) {
		const xf_label *l = label_find(s, n);
		if (!l || lang == XF_LANG_EN)
			return false;
		snprintf(out, size, "%s", l->zh);
		return true;
	}
	/* base[index] or base[index].sub */
	char *close = NULL;
	unsigned long index = strtoul(open + 1, &close, 10);
	if (close == open + 1 || *close != ']' || (close[1] && close[1] != '.'))
		return false;
	const char *base = s;
	size_t base_len = (size_t)(open - s);
	const char *sub = close[1] == '.' ? close + 2 : NULL;
	if (sub && strchr(sub, '['))
		return false;
	char pattern[96], b1[96], b2[96];
	snprintf(pattern, sizeof pattern, "%.*s[]%s%s", (int)base_len, base, sub ? "." : "",
	         sub ? sub : "");
	const xf_label *whole = label_find(pattern, strlen(pattern));
	char bracketed[100];
	snprintf(bracketed, sizeof bracketed, "%.*s[]", (int)base_len, base);
	const xf_label *of_base = label_find(bracketed, strlen(bracketed));
	if (!of_base)
		of_base = label_find(base, base_len);
	if (lang == XF_LANG_ZH) {
		if (whole || !sub)
			snprintf(out, size, "%s（第%lu行）",
			         label_text(whole ? whole : of_base, base, base_len, lang, b1,
			                    sizeof b1),
			         index + 1);
		else
			snprintf(out, size, "%s（第%lu行）%s",
			         label_text(of_base, base, base_len, lang, b1, sizeof b1),
			         index + 1,
			         label_text(label_find(sub, strlen(sub)), sub, strlen(sub), lang,
			                    b2, sizeof b2));
	} else {
		if (whole || !sub)
			snprintf(out, size, "%s (row %lu)",
			         label_text(whole ? whole : of_base, base, base_len, lang, b1,
			                    sizeof b1),
			         index + 1);
		else
			snprintf(out, size, "%s of %s row %lu",
			         label_text(label_find(sub, strlen(sub)), sub, strlen(sub), lang,
			                    b2, sizeof b2),
			         label_text(of_base, base, base_len, lang, b1, sizeof b1),
			         index + 1);
	}
	return true;
}

/* ---- matching a finished text against the catalog ---- */

typedef struct capture {
	const char *at;
	size_t len;
	bool is_string;
} capture;

/* Backtracking match of the text t against the format f; *budget bounds the work, so
 * that no text (request bytes among it) can make an answer slow. */
static bool match(const char *f, const char *t, capture *caps, int n, long *budget)
{
	if (--*budget < 0)
		return false;
	while (*f) {
		if (*f != '%') {
			if (*f != *t)
				return false;
			f++, t++;
			continue;
		}
		size_t len = spec_len(f);
		if (len == 0)
			return false;
		if (len == 2 && f[1] == '%') {
			if (*t != '%')
				return false;
			f += 2, t++;
			continue;
		}
		if (n >= MAX_ARGS)
			return false;
		char conv = f[len - 1];
		const char *rest = f + len;
		if (conv == 's') {
			size_t tl = strlen(t);
			for (size_t k = 1; k <= tl; k++) {
				/* The next fixed character must follow: skips hopeless lengths. */
				if (*rest && *rest != '%' && t[k] != *rest)
					continue;
				caps[n] = (capture){t, k, true};
				if (match(rest, t + k, caps, n + 1, budget))
					return true;
			}
			return false;
		}
		if (!strchr("diuxX", conv))
			return false;
		size_t k = *t == '-' ? 1 : 0;
		while (isxdigit((unsigned char)t[k]) &&
		       (strchr("xX", conv) || isdigit((unsigned char)t[k])))
			k++;
		for (; k > 0 && !(k == 1 && *t == '-'); k--) {
			caps[n] = (capture){t, k, false};
			if (match(rest, t + k, caps, n + 1, budget))
				return true;
		}
		return false;
	}
	return *t == '\0';
}

/* Whether the fixed runs of fmt occur in text in order, the first at its start: a quick
 * refusal of nearly every entry before the slower match. */
static bool runs_occur(const char *fmt, const char *text)
{
	const char *at = text;
	bool first = true;
	for (const char *p = fmt; *p;) {
		const char *run = p;
		while (*p && !(*p == '%' && spec_len(p) && p[1] != '%'))
			p += *p == '%' && p[1] == '%' ? 2 : 1;
		size_t len = (size_t)(p - run);
		if (len && !memchr(run, '%', len)) {
			const char *found = memmem(at, strlen(at), run, len);
			if (!found || (first && found != at))
				return false;
			at = found + len;
		}
		first = false;
		if (*p)
			p += spec_len(p);
	}
	return true;
}

static size_t literal_chars(const char *fmt)
{
	size_t n = 0;
	for (const char *p = fmt; *p;) {
		size_t len = *p == '%' ? spec_len(p) : 0;
		if (len > 2 || (len == 2 && p[1] != '%')) {
			p += len;
			continue;
		}
		if (*p != '\'' && *p != ' ' && *p != ':')
			n++;
		p += len ? len : 1;
	}
	return n;
}

static void translate_arg(xf_lang lang, const char *s, int depth, char *out, size_t size);

/* Finds the entry whose English format reads as text; the one with the most fixed
 * characters wins. */
static bool translate_text(xf_lang lang, const char *text, int depth, char *out, size_t size)
{
	/* Messages are short; a longer text is data (a path, a key) that reads as none. */
	if (depth >= MAX_DEPTH || !*text || strlen(text) > MAX_TEXT)
		return false;
	const xf_message *best = NULL;
	size_t best_score = 0;
	capture caps[MAX_ARGS], best_caps[MAX_ARGS];
	int best_n = 0;
	for (size_t i = 0; i < xf_messages_count; i++) {
		const xf_message *m = &xf_messages[i];
		if (!strchr(m->en, '%')) {
			if (strcmp(m->en, text) == 0) {
				snprintf(out, size, "%s", lang == XF_LANG_ZH ? m->zh : m->en);
				return true;
			}
			continue;
		}
		size_t score = literal_chars(m->en);
		if (score < MIN_LITERAL || score <= best_score || !runs_occur(m->en, text))
			continue;
		memset(caps, 0, sizeof caps);
		long budget = MATCH_BUDGET;
		if (match(m->en, text, caps, 0, &budget)) {
			best = m;
			best_score = score;
			memcpy(best_caps, caps, sizeof caps);
			best_n = 0;
			while (best_n < MAX_ARGS && best_caps[best_n].at)
				best_n++;
		}
	}
	if (!best)
		return false;
	char args[MAX_ARGS][ARG_SIZE];
	for (int i = 0; i < best_n; i++) {
		char raw[ARG_SIZE];
		size_t len = best_caps[i].len < ARG_SIZE - 1 ? best_caps[i].len : ARG_SIZE - 1;
		memcpy(raw, best_caps[i].at, len);
		raw[len] = '\0';
		if (best_caps[i].is_string)
			translate_arg(lang, raw, depth + 1, args[i], ARG_SIZE);
		else
			memcpy(args[i], raw, len + 1);
	}
	render(out, size, lang == XF_LANG_ZH ? best->zh : best->en, args, best_n);
	return true;
}

static void translate_arg(xf_lang lang, const char *s, int depth, char *out, size_t size)
{
	if (label_of(lang, s, out, size) || translate_text(lang, s, depth, out, size))
		return;
	snprintf(out, size, "%s", s);
}

void xf_message_translate(char *out, size_t size, xf_lang lang, const char *text)
{
	translate_arg(lang, text, 0, out, size);
	xf_utf8_clean(out);
}

/* Reads the argument of one conversion and writes it as text, strings put into words. */
static void format_arg(const char *spec, size_t len, xf_lang lang, va_list *ap, char *out,
                       size_t size)
{
	char f[32];
	snprintf(f, sizeof f, "%.*s", (int)(len < sizeof f - 1 ? len : sizeof f - 1), spec);
	char conv = spec[len - 1];
	bool ll = strstr(f, "ll") != NULL, l = !ll && strchr(f, 'l') != NULL,
	     z = strchr(f, 'z') != NULL, j = strchr(f, 'j') != NULL, t = strchr(f, 't') != NULL;
	char words[ARG_SIZE];
	switch (conv) {
	case 's': {
		const char *s = va_arg(*ap, const char *);
		translate_arg(lang, s ? s : "(null)", 0, words, sizeof words);
		snprintf(out, size, f, words);
		break;
	}
	case 'c':
		snprintf(out, size, f, va_arg(*ap, int));
		break;
	case 'd':
	case 'i':
		if (ll)
			snprintf(out, size, f, va_arg(*ap, long long));
		else if (l)
			snprintf(out, size, f, va_arg(*ap, long));
		else if (z)
			snprintf(out, size, f, va_arg(*ap, ssize_t));
		else if (j)
			snprintf(out, size, f, va_arg(*ap, intmax_t));
		else if (t)
			snprintf(out, size, f, va_arg(*ap, ptrdiff_t));
		else
			snprintf(out, size, f, va_arg(*ap, int));
		break;
	case 'o':
	case 'u':
	case 'x':
	case 'X':
		if (ll)
			snprintf(out, size, f, va_arg(*ap, unsigned long long));
		else if (l)
			snprintf(out, size, f, va_arg(*ap, unsigned long));
		else if (z)
			snprintf(out, size, f, va_arg(*ap, size_t));
		else if (j)
			snprintf(out, size, f, va_arg(*ap, uintmax_t));
		else if (t)
			snprintf(out, size, f, va_arg(*ap, ptrdiff_t));
		else
			snprintf(out, size, f, va_arg(*ap, unsigned));
		break;
	case 'p':
		snprintf(out, size, f, va_arg(*ap, void *));
		break;
	default: /* e E f g G */
		if (strchr(f, 'L'))
			snprintf(out, size, f, va_arg(*ap, long double));
		else
			snprintf(out, size, f, va_arg(*ap, double));
		break;
	}
}

void xf_message_vformat(char *out, size_t size, xf_lang lang, const char *fmt, va_list ap)
{
	char args[MAX_ARGS][ARG_SIZE];
	int n = 0;
	va_list copy;
	va_copy(copy, ap);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		size_t len = spec_len(p);
		if (len == 0 || (len == 2 && p[1] == '%')) {
			p += len ? len - 1 : 0;
			continue;
		}
		if (n < MAX_ARGS)
			format_arg(p, len, lang, &copy, args[n++], ARG_SIZE);
		p += len - 1;
	}
	va_end(copy);
	const xf_message *m = xf_message_find(fmt);
	if (m) {
		render(out, size, lang == XF_LANG_ZH ? m->zh : m->en, args, n);
		return;
	}
	/* Not in the catalog (test_messages fails then): perhaps the text reads as one. */
	char english[512];
	render(english, sizeof english, fmt, args, n);
	xf_message_translate(out, size, lang, english);
}

void xf_message_format(char *out, size_t size, xf_lang lang, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	xf_message_vformat(out, size, lang, fmt, ap);
	va_end(ap);
}
