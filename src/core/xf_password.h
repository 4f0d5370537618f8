/* Passwords and secrets: argon2id hashing (libsodium), the password rule, one-time
 * passwords, session tokens and their stored digests.
 *
 * Hashing takes tens of milliseconds and ~19 MiB on purpose; call it only from a
 * worker thread, never from the HTTP polling threads. */
#ifndef XF_PASSWORD_H
#define XF_PASSWORD_H

#include <sodium.h>
#include <stdbool.h>

#define XF_PASSWORD_HASH_LEN crypto_pwhash_STRBYTES
#define XF_TOKEN_LEN         44 /* base64url of 32 random bytes, plus NUL */
#define XF_TOKEN_DIGEST_LEN  65 /* hex SHA-256, plus NUL */

/* One-time call at start-up; aborts when libsodium cannot start. */
void xf_crypto_init(void);

/* Hashes into out (XF_PASSWORD_HASH_LEN bytes). */
void xf_password_hash(const char *password, char out[XF_PASSWORD_HASH_LEN]);
bool xf_password_verify(const char *stored_hash, const char *password);
/* Spends the same time as a verification, for unknown accounts. */
void xf_password_verify_dummy(const char *password);

/* Checks the rule for a new password; on failure returns a message, else NULL. */
const char *xf_password_rule(const char *password, const char *old_password, const char *username);

/* A one-time password of 16 characters from an alphabet without look-alikes. */
#define XF_ONE_TIME_LEN 17
void xf_password_one_time(char out[XF_ONE_TIME_LEN]);

/* A random token (session, CSRF) and the digest under which a session is stored. */
void xf_token_new(char out[XF_TOKEN_LEN]);
void xf_token_digest(const char *token, char out[XF_TOKEN_DIGEST_LEN]);

#endif
