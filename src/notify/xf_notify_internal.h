/* Internal to src/notify/: the key file's place, and one delivery attempt. */
#ifndef XF_NOTIFY_INTERNAL_H
#define XF_NOTIFY_INTERNAL_H

#include "store/xf_store_channels.h"

void xf_notify_secret_path(const char *data_dir);

typedef enum xf_send_outcome {
	XF_SEND_OK,
	XF_SEND_FAILED,  /* retry after the backoff */
	XF_SEND_LIMITED, /* the receiver's rate limit: retry after the rate wait */
	XF_SEND_BROKEN,  /* the channel cannot send (bad settings, secrets): give up */
} xf_send_outcome;

typedef struct xf_send_result {
	xf_send_outcome outcome;
	int http_status;
	char answer[512]; /* the receiver's answer (cut), or what went wrong */
} xf_send_result;

/* One attempt at delivering it on handle (a libcurl easy handle, reused across the
 * messages of a scan so that its connections are kept); public_url makes its link
 * absolute. */
void xf_notify_deliver(void *handle, const xf_outbox_item *it, const char *public_url,
                       xf_send_result *r);

#endif
