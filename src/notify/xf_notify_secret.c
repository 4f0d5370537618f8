/* Channel secrets at rest: libsodium secretbox under a 32-byte key in
 * DATA_DIR/notify.key (made 0600 on first need, by whichever process comes first), the
 * masks the API shows instead, and the HMAC-SHA256 signature of webhook bodies. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "notify/xf_notify.h"
#include "notify/xf_notify_internal.h"
#include "util/xf_buf.h"
#include "util/xf_util.h"

static struct {
	pthread_mutex_t lock;
	char path[4096];
	unsigned char key[crypto_secretbox_KEYBYTES];
	bool loaded;
} secret = {.lock = PTHREAD_MUTEX_INITIALIZER};

void xf_notify_secret_path(const char *data_dir)
{
	pthread_mutex_lock(&secret.lock);
	snprintf(secret.path, sizeof secret.path, "%s/notify.key", data_dir ? data_dir : ".");
	secret.loaded = false;
	pthread_mutex_unlock(&secret.lock);
}

/* Reads the key file, making it when absent. Under secret.lock. */
static int key_load(void)
{
	if (secret.loaded)
		return XF_OK;
	if (sodium_init() < 0)
		return XF_ERR;
	int fd = open(secret.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		randombytes_buf(secret.key, sizeof secret.key);
		bool ok = write(fd, secret.key, sizeof secret.key) == (ssize_t)sizeof secret.key &&
		          fsync(fd) == 0;
		close(fd);
		if (!ok) {
			xf_log("cannot write the notification key '%s'", secret.path);
			unlink(secret.path);
			return XF_ERR;
		}
		secret.loaded = true;
		return XF_OK;
	}
	if (errno != EEXIST) {
		xf_log("cannot create the notification key '%s': %s", secret.path, strerror(errno));
		return XF_ERR;
	}
	/* Another process may be writing it this moment. */
	for (int tries = 0; tries < 50; tries++) {
		fd = open(secret.path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			break;
		ssize_t got = read(fd, secret.key, sizeof secret.key);
		close(fd);
		if (got == (ssize_t)sizeof secret.key) {
			secret.loaded = true;
			return XF_OK;
		}
		usleep(20000);
	}
	xf_log("cannot read the notification key '%s'", secret.path);
	return XF_ERR;
}

int xf_notify_seal(json_t *secrets, char **sealed)
{
	*sealed = NULL;
	if (!secrets || json_object_size(secrets) == 0) {
		*sealed = xf_strdup("");
		return XF_OK;
	}
	char *text = json_dumps(secrets, JSON_COMPACT);
	if (!text)
		return XF_ERR;
	size_t len = strlen(text);
	size_t box_len = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + len;
	unsigned char *box = xf_malloc(box_len);
	pthread_mutex_lock(&secret.lock);
	int rc = key_load();
	if (rc == XF_OK) {
		randombytes_buf(box, crypto_secretbox_NONCEBYTES);
		crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (unsigned char *)text, len,
		                      box, secret.key);
	}
	pthread_mutex_unlock(&secret.lock);
	sodium_memzero(text, len);
	free(text);
	if (rc == XF_OK) {
		size_t b64 = sodium_base64_encoded_len(box_len, sodium_base64_VARIANT_ORIGINAL);
		*sealed = xf_malloc(b64);
		sodium_bin2base64(*sealed, b64, box, box_len, sodium_base64_VARIANT_ORIGINAL);
	}
	free(box);
	return rc;
}

int xf_notify_open(const char *sealed, json_t **secrets)
{
	*secrets = NULL;
	if (!sealed || !*sealed) {
		*secrets = json_object();
		return XF_OK;
	}
	size_t cap = strlen(sealed), box_len = 0;
	unsigned char *box = xf_malloc(cap + 1);
	if (sodium_base642bin(box, cap, sealed, cap, NULL, &box_len, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    box_len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
		free(box);
		return XF_ERR;
	}
	size_t len = box_len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
	char *text = xf_malloc(len + 1);
	pthread_mutex_lock(&secret.lock);
	int rc = key_load();
	if (rc == XF_OK &&
	    crypto_secretbox_open_easy((unsigned char *)text, box + crypto_secretbox_NONCEBYTES,
	                               box_len - crypto_secretbox_NONCEBYTES, box, secret.key) != 0)
		rc = XF_ERR;
	pthread_mutex_unlock(&secret.lock);
	free(box);
	if (rc == XF_OK) {
		text[len] = '\0';
		*secrets = json_loadb(text, len, 0, NULL);
		if (!json_is_object(*secrets)) {
			json_decref(*secrets);
			*secrets = NULL;
			rc = XF_ERR;
		}
	}
	sodium_memzero(text, len);
	free(text);
	return rc;
}

void xf_notify_mask(const char *s, char *out, size_t size)
{
	size_t len = s ? strlen(s) : 0;
	if (len == 0)
		snprintf(out, size, "%s", "");
	else if (len >= 12)
		snprintf(out, size, "****%s", s + len - 4);
	else
		snprintf(out, size, "%s", "****");
}

/* The buffer's text, "" when empty (free() it). */
static char *buf_take(xf_buf *b)
{
	char *s = xf_buf_detach(b, NULL);
	return s ? s : xf_strdup("");
}

char *xf_notify_url_shown(const char *url)
{
	xf_buf out = {0};
	const char *q = strchr(url, '?');
	const char *scheme = strstr(url, "://");
	const char *host = scheme ? scheme + 3 : url;
	const char *at = strchr(host, '@');
	const char *slash = strchr(host, '/');
	if (at && (!slash || at < slash) && (!q || at < q)) {
		/* user:password@ -> user:****@ */
		const char *colon = memchr(host, ':', (size_t)(at - host));
		xf_buf_append(&out, url, (size_t)((colon ? colon : at) - url));
		if (colon)
			xf_buf_puts(&out, ":****");
		url = at;
	}
	if (!q) {
		xf_buf_puts(&out, url);
		return buf_take(&out);
	}
	xf_buf_append(&out, url, (size_t)(q - url) + 1);
	const char *p = q + 1;
	while (*p) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		bool secret_param =
		    eq && (((size_t)(eq - p) == 3 && strncmp(p, "key", 3) == 0) ||
		           ((size_t)(eq - p) == 12 && strncmp(p, "access_token", 12) == 0) ||
		           ((size_t)(eq - p) == 5 && strncmp(p, "token", 5) == 0) ||
		           ((size_t)(eq - p) == 4 && strncmp(p, "sign", 4) == 0));
		if (secret_param) {
			char value[512], masked[16];
			size_t vn = n - (size_t)(eq + 1 - p);
			snprintf(value, sizeof value, "%.*s", (int)vn, eq + 1);
			xf_notify_mask(value, masked, sizeof masked);
			xf_buf_append(&out, p, (size_t)(eq + 1 - p));
			xf_buf_puts(&out, masked);
		} else {
			xf_buf_append(&out, p, n);
		}
		p += n;
		if (*p == '&') {
			xf_buf_puts(&out, "&");
			p++;
		}
	}
	return buf_take(&out);
}

void xf_notify_sign(const char *key, const char *body, size_t len, char *out)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, len);
	crypto_auth_hmacsha256_final(&st, mac);
	memcpy(out, "sha256=", 7);
	xf_hex_encode(mac, sizeof mac, out + 7);
}

bool xf_notify_email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || !at[1] || strchr(at + 1, '@') || strlen(s) > 254)
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || strchr("<>,;\"()[]\\", *p))
			return false;
	return true;
}
