/* libFuzzer harness for the trusted-proxy settings and X-Forwarded-For (util/xf_proxy.h).
 * The bytes are split at the first newline: before it a XINFANG_TRUSTED_PROXIES value,
 * after it an X-Forwarded-For value. The list is parsed; the client of a request from a
 * trusted peer (127.0.0.1, added when the list parses) is picked from the header.
 *
 * Besides memory errors, leaks and undefined behaviour, it checks what the functions
 * promise: a refused list is empty and names a bad item; the client is the peer or an
 * address inet_pton accepts, never longer than its buffer. A broken promise aborts. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xf_proxy.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "broken promise: %s\n", what);
		abort();
	}
}

static int is_address(const char *s)
{
	unsigned char bytes[16];
	return inet_pton(AF_INET, s, bytes) == 1 || inet_pton(AF_INET6, s, bytes) == 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	char *xff = memchr(text, '\n', size);
	if (xff)
		*xff++ = '\0';

	xf_proxy_list list;
	char bad[64] = "";
	if (xf_proxy_list_parse(text, &list, bad, sizeof bad) != 0) {
		check(list.n == 0, "a refused list is empty");
		xf_proxy_list_free(&list);
		/* the peer alone is trusted */
		check(xf_proxy_list_parse("127.0.0.1", &list, bad, sizeof bad) == 0,
		      "a plain address parses");
	}
	char client[64];
	xf_proxy_client(&list, "127.0.0.1", xff, client, sizeof client);
	check(strlen(client) < sizeof client, "the client fits its buffer");
	check(strcmp(client, "127.0.0.1") == 0 || is_address(client), "the client is an address");
	xf_proxy_client(&list, "192.0.2.7", xff, client, sizeof client);
	check(xf_proxy_trusted(&list, "192.0.2.7") || strcmp(client, "192.0.2.7") == 0,
	      "an untrusted peer is its own client");
	xf_proxy_list_free(&list);
	free(text);
	return 0;
}
