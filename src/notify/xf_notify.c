/* The sender: a thread that scans the outbox every XINFANG_NOTIFY_INTERVAL_MS (or at
 * once when kicked, or when its last scan was full), claims due messages under a lease
 * in a write transaction (store/xf_store_channels.h: one sender holds a message at a
 * time, across processes), delivers them outside any transaction, and marks each
 * outcome with a delivery log row: sent; failed and queued again after an exponential
 * backoff (base XINFANG_NOTIFY_RETRY_MS, doubled, capped); after a rate-limit answer
 * queued again after XINFANG_NOTIFY_RATE_WAIT_MS without counting an attempt; gave up
 * after XINFANG_NOTIFY_MAX_ATTEMPTS. See xf_notify.h. */
#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "notify/xf_notify.h"
#include "notify/xf_notify_internal.h"
#include "store/xf_store_channels.h"
#include "util/xf_util.h"

/* Messages claimed by one scan: each is held until its lease ends. */
#define BATCH 20

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool running, stopping, kicked, configured;
	char public_url[512];
	char owner[40];
	int64_t interval_ms, retry_ms, retry_cap_ms, rate_wait_ms, lease_ms;
	int64_t keep_ms, purge_every_ms, purged_ms; /* done messages kept, how often purged */
	int max_attempts;
} sender = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static int64_t env_ms(const char *name, int64_t otherwise)
{
	const char *v = getenv(name);
	long long n = v && *v ? atoll(v) : 0;
	return n > 0 ? (int64_t)n : otherwise;
}

void xf_notify_configure(const char *data_dir, const char *listen)
{
	xf_notify_secret_path(data_dir);
	const char *pub = getenv("XINFANG_PUBLIC_URL");
	if (pub && *pub)
		snprintf(sender.public_url, sizeof sender.public_url, "%s", pub);
	else
		snprintf(sender.public_url, sizeof sender.public_url, "http://%s",
		         listen ? listen : "127.0.0.1:8080");
	size_t len = strlen(sender.public_url);
	if (len && sender.public_url[len - 1] == '/')
		sender.public_url[len - 1] = '\0';
	sender.interval_ms = env_ms("XINFANG_NOTIFY_INTERVAL_MS", 1000);
	sender.retry_ms = env_ms("XINFANG_NOTIFY_RETRY_MS", 5000);
	sender.retry_cap_ms = env_ms("XINFANG_NOTIFY_RETRY_CAP_MS", 600000);
	sender.rate_wait_ms = env_ms("XINFANG_NOTIFY_RATE_WAIT_MS", 60000);
	sender.lease_ms = env_ms("XINFANG_NOTIFY_LEASE_MS", 300000);
	sender.max_attempts = (int)env_ms("XINFANG_NOTIFY_MAX_ATTEMPTS", 10);
	sender.keep_ms = env_ms("XINFANG_NOTIFY_KEEP_DAYS", 90) * 86400000;
	sender.purge_every_ms = env_ms("XINFANG_NOTIFY_PURGE_INTERVAL_MS", 3600000);
	if (!sender.configured) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		if (sodium_init() < 0)
			xf_log("cannot start libsodium");
		unsigned char r[8];
		randombytes_buf(r, sizeof r);
		char hex[17];
		xf_hex_encode(r, sizeof r, hex);
		snprintf(sender.owner, sizeof sender.owner, "sender-%s", hex);
		sender.configured = true;
	}
}

/* The wait before attempt number `attempts + 1`. */
static int64_t backoff(int attempts)
{
	int64_t wait = sender.retry_ms;
	for (int i = 1; i < attempts && wait < sender.retry_cap_ms; i++)
		wait *= 2;
	return wait < sender.retry_cap_ms ? wait : sender.retry_cap_ms;
}

int xf_notify_deliver_due(xf_db *db)
{
	if (!sender.configured)
		xf_notify_configure(".", NULL);
	xf_outbox_item *items = NULL;
	size_t n = 0;
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_outbox_claim(db, sender.owner, xf_now_ms(), sender.lease_ms, BATCH,
		                           &items, &n);
	if (rc == XF_OK)
		rc = xf_tx_commit(db);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_log("notification scan failed: %s", xf_db_error(db));
		return -1;
	}
	if (n == 0)
		return 0;
	xf_send_result *results = xf_calloc(n, sizeof *results);
	CURL *curl = curl_easy_init();
	for (size_t i = 0; i < n; i++) {
		if (curl)
			xf_notify_deliver(curl, &items[i], sender.public_url, &results[i]);
		else
			results[i] = (xf_send_result){.outcome = XF_SEND_FAILED,
			                              .answer = "cannot start libcurl"};
	}
	if (curl)
		curl_easy_cleanup(curl);
	/* One transaction for the batch's marks. */
	int64_t now = xf_now_ms();
	rc = xf_tx_begin(db, true);
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		xf_send_result *r = &results[i];
		int attempt = items[i].attempts + 1;
		xf_outbox_outcome outcome = XF_OUTBOX_SENT;
		int64_t next = now;
		bool counts = true;
		if (r->outcome == XF_SEND_LIMITED) {
			outcome = XF_OUTBOX_FAILED;
			counts = false;
			next = now + (sender.rate_wait_ms > backoff(attempt) ? sender.rate_wait_ms
			                                                     : backoff(attempt));
		} else if (r->outcome == XF_SEND_BROKEN ||
		           (r->outcome == XF_SEND_FAILED && attempt >= sender.max_attempts)) {
			outcome = XF_OUTBOX_GAVE_UP;
		} else if (r->outcome == XF_SEND_FAILED) {
			outcome = XF_OUTBOX_FAILED;
			next = now + backoff(attempt);
		}
		rc = xf_store_outbox_mark(db, items[i].id, sender.owner, outcome, counts,
		                          r->http_status, r->answer, now, next);
	}
	if (rc == XF_OK)
		rc = xf_tx_commit(db);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		xf_log("cannot record notification deliveries: %s", xf_db_error(db));
	}
	free(results);
	xf_outbox_items_free(items, n);
	return rc == XF_OK ? (int)n : -1;
}

/* Now and then, the messages done longer ago than XINFANG_NOTIFY_KEEP_DAYS leave the
 * outbox with their delivery log: an address and a text are personal data, kept only
 * as long as someone may need to see what was sent. */
static void purge_done(xf_db *db)
{
	int64_t now = xf_now_ms();
	if (now - sender.purged_ms < sender.purge_every_ms)
		return;
	sender.purged_ms = now;
	int purged = 0;
	if (xf_store_outbox_purge(db, now - sender.keep_ms, &purged) != XF_OK)
		xf_log("cannot purge the outbox: %s", xf_db_error(db));
	else if (purged)
		xf_log("purged %d messages sent or given up more than %lld days ago", purged,
		       (long long)(sender.keep_ms / 86400000));
}

static void *sender_main(void *arg)
{
	(void)arg;
	xf_db *db = xf_db_get();
	pthread_mutex_lock(&sender.lock);
	bool busy = false;
	while (!sender.stopping) {
		if (!busy && !sender.kicked) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += sender.interval_ms / 1000;
			until.tv_nsec += (long)(sender.interval_ms % 1000) * 1000000;
			if (until.tv_nsec >= 1000000000) {
				until.tv_sec++;
				until.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&sender.wake, &sender.lock, &until);
		}
		sender.kicked = false;
		if (sender.stopping)
			break;
		pthread_mutex_unlock(&sender.lock);
		int n = xf_notify_deliver_due(db);
		busy = n >= BATCH;
		purge_done(db);
		pthread_mutex_lock(&sender.lock);
	}
	pthread_mutex_unlock(&sender.lock);
	return NULL;
}

int xf_notify_start(void)
{
	if (!sender.configured)
		xf_notify_configure(".", NULL);
	pthread_mutex_lock(&sender.lock);
	sender.stopping = false;
	int rc = pthread_create(&sender.thread, NULL, sender_main, NULL) == 0 ? XF_OK : XF_ERR;
	sender.running = rc == XF_OK;
	pthread_mutex_unlock(&sender.lock);
	return rc;
}

void xf_notify_stop(void)
{
	pthread_mutex_lock(&sender.lock);
	if (!sender.running) {
		pthread_mutex_unlock(&sender.lock);
		return;
	}
	sender.stopping = true;
	pthread_cond_broadcast(&sender.wake);
	pthread_mutex_unlock(&sender.lock);
	pthread_join(sender.thread, NULL);
	sender.running = false;
}

void xf_notify_kick(void)
{
	pthread_mutex_lock(&sender.lock);
	sender.kicked = true;
	pthread_cond_broadcast(&sender.wake);
	pthread_mutex_unlock(&sender.lock);
}
