/* Trusted reverse proxies and X-Forwarded-For (see xf_proxy.h). */
#include "util/xf_proxy.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xf_util.h"

#define ITEM_MAX 64 /* longer than any address with "/128" */

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* Copies [start, end) without surrounding blanks into buf; false when too long. */
static bool trimmed(const char *start, const char *end, char *buf, size_t size)
{
	while (start < end && is_space(*start))
		start++;
	while (end > start && is_space(end[-1]))
		end--;
	if ((size_t)(end - start) >= size)
		return false;
	memcpy(buf, start, (size_t)(end - start));
	buf[end - start] = '\0';
	return true;
}

/* An address without a prefix; an IPv4-mapped IPv6 address becomes IPv4. */
static bool parse_addr(const char *text, xf_proxy_net *a)
{
	memset(a, 0, sizeof *a);
	if (inet_pton(AF_INET, text, a->bytes) == 1) {
		a->family = AF_INET;
		a->bits = 32;
		return true;
	}
	if (inet_pton(AF_INET6, text, a->bytes) != 1)
		return false;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (memcmp(a->bytes, mapped, sizeof mapped) == 0) {
		memmove(a->bytes, a->bytes + 12, 4);
		memset(a->bytes + 4, 0, 12);
		a->family = AF_INET;
		a->bits = 32;
		return true;
	}
	a->family = AF_INET6;
	a->bits = 128;
	return true;
}

/* "ADDR" or "ADDR/BITS". */
static bool parse_net(char *text, xf_proxy_net *n)
{
	char *slash = strchr(text, '/');
	if (slash)
		*slash = '\0';
	if (!parse_addr(text, n))
		return false;
	if (!slash)
		return true;
	const char *d = slash + 1;
	if (!*d || strlen(d) > 3 || strspn(d, "0123456789") != strlen(d))
		return false;
	unsigned bits = (unsigned)atoi(d);
	if (n->family == AF_INET && strchr(text, ':')) { /* written as ::ffff:a.b.c.d/BITS */
		if (bits < 96)
			return false;
		bits -= 96;
	}
	if (bits > n->bits)
		return false;
	n->bits = bits;
	return true;
}

static bool net_contains(const xf_proxy_net *n, const xf_proxy_net *a)
{
	if (n->family != a->family)
		return false;
	unsigned whole = n->bits / 8, rest = n->bits % 8;
	if (memcmp(n->bytes, a->bytes, whole) != 0)
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (n->bytes[whole] & mask) == (a->bytes[whole] & mask);
}

int xf_proxy_list_parse(const char *text, xf_proxy_list *out, char *bad, size_t bad_size)
{
	*out = (xf_proxy_list){0};
	if (!text || strspn(text, " \t") == strlen(text))
		return 0; /* unset or blank */
	char item[ITEM_MAX];
	for (const char *p = text;;) {
		const char *comma = strchr(p, ',');
		const char *end = comma ? comma : p + strlen(p);
		xf_proxy_net n;
		if (!trimmed(p, end, item, sizeof item) || !*item || !parse_net(item, &n)) {
			while (p < end && is_space(*p))
				p++;
			while (end > p && is_space(end[-1]))
				end--;
			snprintf(bad, bad_size, "%.*s", (int)(end - p), p);
			xf_proxy_list_free(out);
			return -1;
		}
		out->items = xf_realloc(out->items, (out->n + 1) * sizeof *out->items);
		out->items[out->n++] = n;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

void xf_proxy_list_free(xf_proxy_list *list)
{
	free(list->items);
	*list = (xf_proxy_list){0};
}

static bool trusted_net(const xf_proxy_list *list, const xf_proxy_net *a)
{
	for (size_t i = 0; i < list->n; i++)
		if (net_contains(&list->items[i], a))
			return true;
	return false;
}

bool xf_proxy_trusted(const xf_proxy_list *list, const char *addr)
{
	xf_proxy_net a;
	return list && addr && parse_addr(addr, &a) && trusted_net(list, &a);
}

static void write_addr(const xf_proxy_net *a, char *out, size_t out_size)
{
	char buf[INET6_ADDRSTRLEN];
	if (inet_ntop(a->family, a->bytes, buf, sizeof buf))
		snprintf(out, out_size, "%s", buf);
}

void xf_proxy_client(const xf_proxy_list *list, const char *peer, const char *xff, char *out,
                     size_t out_size)
{
	snprintf(out, out_size, "%s", peer ? peer : "");
	if (!xff || !xf_proxy_trusted(list, peer))
		return;
	xf_proxy_net found = {0};
	bool any = false;
	for (const char *end = xff + strlen(xff);;) {
		const char *start = end;
		while (start > xff && start[-1] != ',')
			start--;
		char item[ITEM_MAX];
		xf_proxy_net a;
		if (!trimmed(start, end, item, sizeof item) || !parse_addr(item, &a))
			return; /* malformed (or blank): the peer stays */
		found = a;
		any = true;
		if (!trusted_net(list, &a) || start == xff)
			break;
		end = start - 1;
	}
	if (any)
		write_addr(&found, out, out_size);
}
