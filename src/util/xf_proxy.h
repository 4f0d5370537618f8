/* Trusted reverse proxies (XINFANG_TRUSTED_PROXIES): the list of peers that may name the
 * client in X-Forwarded-For, and the client address a request has given its peer and
 * that header. Pure functions, no I/O; tests/unit/test_proxy.c. */
#ifndef XF_PROXY_H
#define XF_PROXY_H

#include <stdbool.h>
#include <stddef.h>

/* One trusted address or network: AF_INET (an IPv4-mapped IPv6 address is kept as IPv4)
 * or AF_INET6, the address in network order, and the bits that must match (32 or 128
 * for an exact address). */
typedef struct xf_proxy_net {
	int family;
	unsigned char bytes[16];
	unsigned bits;
} xf_proxy_net;

typedef struct xf_proxy_list {
	xf_proxy_net *items;
	size_t n;
} xf_proxy_list;

/* Parses "ADDR[/BITS],ADDR[/BITS],..." (spaces around items allowed; NULL or blank: an
 * empty list). On a malformed item returns -1 with the item (cut to bad_size) in bad and
 * the list left empty; else 0. Free with xf_proxy_list_free. */
int xf_proxy_list_parse(const char *text, xf_proxy_list *out, char *bad, size_t bad_size);
void xf_proxy_list_free(xf_proxy_list *list);

/* Whether a textual address is in the list. */
bool xf_proxy_trusted(const xf_proxy_list *list, const char *addr);

/* The client of a request whose connection comes from peer: peer itself unless peer is
 * trusted and xff (the X-Forwarded-For value, NULL when absent) names, walking right to
 * left, an address that is not trusted (or, when every address is trusted, the leftmost).
 * A malformed entry met on the way keeps peer. The result is written normalised
 * (inet_ntop) to out. */
void xf_proxy_client(const xf_proxy_list *list, const char *peer, const char *xff, char *out,
                     size_t out_size);

#endif
