/* argon2id parameters, the password rule and random tokens: see xf_password.h. */
#include "core/xf_password.h"

#include <string.h>

#include "util/xf_util.h"

/* argon2id with t=2 and 19 MiB: the OWASP minimum, ~60 ms on this kind of machine. */
#define OPS_LIMIT 2
#define MEM_LIMIT (19u * 1024 * 1024)

void xf_crypto_init(void)
{
	if (sodium_init() < 0)
		xf_die("libsodium cannot start");
}

void xf_password_hash(const char *password, char out[XF_PASSWORD_HASH_LEN])
{
	if (crypto_pwhash_str_alg(out, password, strlen(password), OPS_LIMIT, MEM_LIMIT,
	                          crypto_pwhash_ALG_ARGON2ID13) != 0)
		xf_die("out of memory hashing a password");
}

bool xf_password_verify(const char *stored_hash, const char *password)
{
	return crypto_pwhash_str_verify(stored_hash, password, strlen(password)) == 0;
}

void xf_password_verify_dummy(const char *password)
{
	static char dummy[XF_PASSWORD_HASH_LEN];
	static int ready;
	/* A benign race: two threads may both compute it; either result serves. */
	if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) {
		char h[XF_PASSWORD_HASH_LEN];
		xf_password_hash("xinfang-dummy-password", h);
		memcpy(dummy, h, sizeof h);
		__atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
	}
	(void)xf_password_verify(dummy, password);
}

/* Counts UTF-8 code points. */
static size_t utf8_length(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

const char *xf_password_rule(const char *password, const char *old_password, const char *username)
{
	if (utf8_length(password) < 10)
		return "must be at least 10 characters long";
	if (strlen(password) > 256)
		return "must be at most 256 bytes long";
	if (old_password && strcmp(password, old_password) == 0)
		return "must differ from the old password";
	if (username && strcmp(password, username) == 0)
		return "must differ from the username";
	return NULL;
}

void xf_password_one_time(char out[XF_ONE_TIME_LEN])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY3479";
	for (int i = 0; i < XF_ONE_TIME_LEN - 1; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[XF_ONE_TIME_LEN - 1] = '\0';
}

void xf_token_new(char out[XF_TOKEN_LEN])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, XF_TOKEN_LEN, raw, sizeof raw,
	                  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

void xf_token_digest(const char *token, char out[XF_TOKEN_DIGEST_LEN])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, (const unsigned char *)token, strlen(token));
	xf_hex_encode(d, sizeof d, out);
}
