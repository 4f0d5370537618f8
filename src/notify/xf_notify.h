/* Outbound notifications (issue 12, the delivery half): the sender thread that delivers
 * the outbox (store/xf_store_outbox.h, store/xf_store_channels.h) on its channels, with
 * retries and exponential backoff, per-channel rate limits and a delivery log; the
 * channel formats (企业微信 and 钉钉 group robots, a signed generic webhook, SMTP with
 * STARTTLS, an SMS gateway template) over libcurl; and the channel secrets, sealed at
 * rest with libsodium secretbox under a key file in the data directory. The only layer
 * that includes <curl/curl.h>. No delivery work runs on the HTTP threads: the API only
 * queues (and may kick the sender).
 *
 * Guarantee: at least once. A message is marked sent after the receiver acknowledged
 * it; a sender that dies between the two sends it again after its lease ends. Every
 * message carries a stable id (xf-<outbox id>) that a receiver can deduplicate on: the
 * webhook's body "id" and X-Xinfang-Id header, the email's Message-ID; the group robots
 * and SMS gateways have no such field and may show a repeated message then.
 *
 * Settings from the environment (read at start): XINFANG_PUBLIC_URL (the absolute base
 * of links, default http://XINFANG_LISTEN), XINFANG_NOTIFY_INTERVAL_MS (1000: between
 * scans of the outbox), XINFANG_NOTIFY_RETRY_MS (5000: the first retry's wait, doubled
 * each attempt), XINFANG_NOTIFY_RETRY_CAP_MS (600000: the longest wait),
 * XINFANG_NOTIFY_MAX_ATTEMPTS (10: then the message gives up),
 * XINFANG_NOTIFY_RATE_WAIT_MS (60000: the wait after a receiver's rate-limit answer),
 * XINFANG_NOTIFY_LEASE_MS (300000: how long a claimed message is held by its sender). */
#ifndef XF_NOTIFY_H
#define XF_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/xf_store.h"

/* Where the key file lives (DATA_DIR/notify.key) and the listen address behind the
 * default public URL; before the first seal or start. */
void xf_notify_configure(const char *data_dir, const char *listen);

/* Starts and stops the sender thread. */
int xf_notify_start(void);
void xf_notify_stop(void);
/* Wakes the sender (after a commit that queued messages); harmless when stopped. */
void xf_notify_kick(void);
/* One scan on db: claims due messages and delivers them; the number handled, or -1.
 * The sender thread's step, and the benchmark's. */
int xf_notify_deliver_due(xf_db *db);

/* Seals a JSON object of secrets into *sealed (free() it): base64 of nonce and box.
 * An empty object seals to "". */
int xf_notify_seal(json_t *secrets, char **sealed);
/* Opens sealed secrets into a new object ({} for ""). */
int xf_notify_open(const char *sealed, json_t **secrets);
/* A secret as shown: "****" and its last 4 characters when it is 12 or longer, else
 * "****" ("" for ""). */
void xf_notify_mask(const char *secret, char *out, size_t size);
/* The URL as shown (free() it): the 企业微信 `key` and 钉钉 `access_token` query values,
 * and a password in the user part, masked. */
char *xf_notify_url_shown(const char *url);

/* An email address as the sender takes it: local@domain, no spaces, brackets, commas. */
bool xf_notify_email_ok(const char *s);

/* The receiver-side signature of body under secret: "sha256=" and the hex HMAC-SHA256
 * (out at least 72 bytes). */
void xf_notify_sign(const char *secret, const char *body, size_t len, char *out);

#endif
