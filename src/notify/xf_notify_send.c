/* The channel formats and one delivery attempt over libcurl: 企业微信 group robot
 * ({"msgtype":"text"|"markdown"}, answer {"errcode":0}; 45009 is its rate limit), 钉钉
 * group robot ({"msgtype":"text","at":{"atMobiles"}}, optionally signed with
 * &timestamp=&sign=; 130101 is its rate limit), the generic webhook (JSON body signed in
 * X-Xinfang-Signature), SMTP (STARTTLS required unless the channel says otherwise) and an
 * SMS gateway template. Connect timeout 5 s, total 10 s, TLS verified, no redirects. */
#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "notify/xf_notify.h"
#include "notify/xf_notify_internal.h"
#include "util/xf_buf.h"
#include "util/xf_util.h"

#define CONNECT_TIMEOUT_MS 5000L
#define TOTAL_TIMEOUT_MS   10000L

static size_t keep_answer(char *data, size_t size, size_t n, void *ctx)
{
	xf_buf *b = ctx;
	if (b->len < 4096)
		xf_buf_append(b, data, size * n);
	return size * n;
}

static void result_set(xf_send_result *r, xf_send_outcome outcome, const char *fmt, const char *s)
{
	r->outcome = outcome;
	snprintf(r->answer, sizeof r->answer, fmt, s ? s : "");
}

/* The message's text with its absolute link on a line of its own. */
static char *message_text(const xf_outbox_item *it, const char *public_url)
{
	xf_buf b = XF_BUF_INIT;
	xf_buf_puts(&b, it->text);
	if (it->link && *it->link) {
		xf_buf_puts(&b, "\n");
		if (strstr(it->link, "://") == NULL) {
			xf_buf_puts(&b, public_url);
			if (it->link[0] != '/')
				xf_buf_puts(&b, "/");
		}
		xf_buf_puts(&b, it->link);
	}
	char *s = xf_buf_detach(&b, NULL);
	return s ? s : xf_strdup("");
}

static char *absolute_link(const xf_outbox_item *it, const char *public_url)
{
	if (!it->link || !*it->link)
		return xf_strdup("");
	xf_buf b = XF_BUF_INIT;
	if (strstr(it->link, "://") == NULL) {
		xf_buf_puts(&b, public_url);
		if (it->link[0] != '/')
			xf_buf_puts(&b, "/");
	}
	xf_buf_puts(&b, it->link);
	return xf_buf_detach(&b, NULL);
}

/* Runs an HTTP request; the answer and status into r (outcome by status: 2xx ok, 429
 * limited, others failed). */
static void http_run(CURL *curl, const char *url, const char *method, struct curl_slist *headers,
                     const char *body, xf_send_result *r, xf_buf *answer)
{
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, TOTAL_TIMEOUT_MS);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_answer);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, answer);
	curl_easy_setopt(curl, CURLOPT_USERAGENT, "xinfang/" XF_VERSION);
	if (strcmp(method, "GET") == 0) {
		curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
	}
	CURLcode cc = curl_easy_perform(curl);
	if (cc != CURLE_OK) {
		result_set(r, XF_SEND_FAILED, "%s", curl_easy_strerror(cc));
		return;
	}
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	r->http_status = (int)status;
	snprintf(r->answer, sizeof r->answer, "%.*s", (int)answer->len,
	         answer->data ? answer->data : "");
	r->outcome = status >= 200 && status < 300 ? XF_SEND_OK
	             : status == 429               ? XF_SEND_LIMITED
	                                           : XF_SEND_FAILED;
}

/* A robot's answer {"errcode":N}: 0 ok, limit_code limited, others failed. */
static void robot_answer(xf_send_result *r, long limit_code)
{
	if (r->outcome != XF_SEND_OK)
		return;
	json_t *a = json_loads(r->answer, 0, NULL);
	json_t *code = json_object_get(a, "errcode");
	if (!json_is_integer(code))
		r->outcome = XF_SEND_FAILED;
	else if (json_integer_value(code) == limit_code)
		r->outcome = XF_SEND_LIMITED;
	else if (json_integer_value(code) != 0)
		r->outcome = XF_SEND_FAILED;
	json_decref(a);
}

static const char *setting(json_t *settings, const char *name, const char *otherwise)
{
	const char *s = json_string_value(json_object_get(settings, name));
	return s && *s ? s : otherwise;
}

/* The mobiles to @mention: the message's address (a user's phone) when the channel
 * mentions. */
static json_t *mentions(const xf_outbox_item *it)
{
	json_t *list = json_array();
	if (it->address && *it->address)
		json_array_append_new(list, json_string(it->address));
	return list;
}

static char *url_with_query(const char *url, const char *query)
{
	xf_buf b = XF_BUF_INIT;
	xf_buf_printf(&b, "%s%s%s", url, strchr(url, '?') ? "&" : "?", query);
	return xf_buf_detach(&b, NULL);
}

static void send_wecom(CURL *curl, const xf_outbox_item *it, json_t *settings, json_t *secrets,
                       const char *text, xf_send_result *r, xf_buf *answer)
{
	const char *url = json_string_value(json_object_get(secrets, "url"));
	json_t *body;
	if (strcmp(setting(settings, "format", "text"), "markdown") == 0)
		body =
		    json_pack("{s:s, s:{s:s}}", "msgtype", "markdown", "markdown", "content", text);
	else
		body = json_pack("{s:s, s:{s:s, s:o}}", "msgtype", "text", "text", "content", text,
		                 "mentioned_mobile_list", mentions(it));
	char *json = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	http_run(curl, url, "POST", h, json, r, answer);
	robot_answer(r, 45009);
	curl_slist_free_all(h);
	free(json);
}

static void send_dingtalk(CURL *curl, const xf_outbox_item *it, json_t *secrets, const char *text,
                          xf_send_result *r, xf_buf *answer)
{
	const char *url = json_string_value(json_object_get(secrets, "url"));
	const char *secret = json_string_value(json_object_get(secrets, "secret"));
	char *signed_url = NULL;
	if (secret && *secret) {
		/* timestamp + "\n" + secret, HMAC-SHA256 keyed by the secret, base64, url-encoded
		 */
		char to_sign[1024], b64[64];
		long long ts = (long long)xf_now_ms();
		int n = snprintf(to_sign, sizeof to_sign, "%lld\n%s", ts, secret);
		unsigned char mac[crypto_auth_hmacsha256_BYTES];
		crypto_auth_hmacsha256_state st;
		crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)to_sign, (size_t)n);
		crypto_auth_hmacsha256_final(&st, mac);
		sodium_bin2base64(b64, sizeof b64, mac, sizeof mac, sodium_base64_VARIANT_ORIGINAL);
		char *escaped = curl_easy_escape(curl, b64, 0);
		char query[160];
		snprintf(query, sizeof query, "timestamp=%lld&sign=%s", ts, escaped);
		curl_free(escaped);
		signed_url = url_with_query(url, query);
	}
	json_t *body = json_pack("{s:s, s:{s:s}, s:{s:o, s:b}}", "msgtype", "text", "text",
	                         "content", text, "at", "atMobiles", mentions(it), "isAtAll", 0);
	char *json = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	http_run(curl, signed_url ? signed_url : url, "POST", h, json, r, answer);
	robot_answer(r, 130101);
	curl_slist_free_all(h);
	free(json);
	free(signed_url);
}

static void send_webhook(CURL *curl, const xf_outbox_item *it, json_t *secrets,
                         const char *public_url, xf_send_result *r, xf_buf *answer)
{
	const char *url = json_string_value(json_object_get(secrets, "url"));
	const char *secret = json_string_value(json_object_get(secrets, "secret"));
	char id[32];
	snprintf(id, sizeof id, "xf-%lld", (long long)it->id);
	char *link = absolute_link(it, public_url);
	json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:I, s:i, s:i}", "id", id, "kind", it->kind,
	                         "text", it->text, "link", link, "event_seq",
	                         (json_int_t)it->event_seq, "grade", it->grade, "level", it->level);
	if (it->address && *it->address)
		json_object_set_new(body, "to", json_string(it->address));
	free(link);
	char *json = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	char header[128];
	snprintf(header, sizeof header, "X-Xinfang-Id: %s", id);
	h = curl_slist_append(h, header);
	if (secret && *secret) {
		char sig[80];
		xf_notify_sign(secret, json, strlen(json), sig);
		snprintf(header, sizeof header, "X-Xinfang-Signature: %s", sig);
		h = curl_slist_append(h, header);
	}
	http_run(curl, url, "POST", h, json, r, answer);
	curl_slist_free_all(h);
	free(json);
}

/* Appends s to b escaped for its place: JSON string content, or form/URL encoding. */
static void append_escaped(CURL *curl, xf_buf *b, const char *s, bool json)
{
	if (json) {
		json_t *v = json_string(s);
		char *quoted = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		json_decref(v);
		if (quoted)
			xf_buf_append(b, quoted + 1, strlen(quoted) - 2);
		free(quoted);
	} else {
		char *e = curl_easy_escape(curl, s, 0);
		xf_buf_puts(b, e ? e : "");
		curl_free(e);
	}
}

/* A template with {phone}, {text} and {token} filled in. */
static char *fill(CURL *curl, const char *tpl, const char *phone, const char *text,
                  const char *token, bool json)
{
	xf_buf b = XF_BUF_INIT;
	for (const char *p = tpl; *p;) {
		if (strncmp(p, "{phone}", 7) == 0) {
			append_escaped(curl, &b, phone, json);
			p += 7;
		} else if (strncmp(p, "{text}", 6) == 0) {
			append_escaped(curl, &b, text, json);
			p += 6;
		} else if (strncmp(p, "{token}", 7) == 0) {
			append_escaped(curl, &b, token, json);
			p += 7;
		} else {
			xf_buf_append(&b, p, 1);
			p++;
		}
	}
	char *s = xf_buf_detach(&b, NULL);
	return s ? s : xf_strdup("");
}

/* The recipients of a message without an address: the channel's own list, joined. */
static char *joined(json_t *settings, const char *name)
{
	json_t *v = json_object_get(settings, name);
	if (json_is_string(v))
		return xf_strdup(json_string_value(v));
	xf_buf b = XF_BUF_INIT;
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e)
	{
		xf_buf_printf(&b, "%s%s", i ? "," : "",
		              json_string_value(e) ? json_string_value(e) : "");
	}
	char *s = xf_buf_detach(&b, NULL);
	return s ? s : xf_strdup("");
}

static void send_sms(CURL *curl, const xf_outbox_item *it, json_t *settings, json_t *secrets,
                     const char *text, xf_send_result *r, xf_buf *answer)
{
	const char *url = json_string_value(json_object_get(secrets, "url"));
	const char *token = setting(secrets, "token", "");
	const char *method = setting(settings, "method", "POST");
	const char *type = setting(settings, "content_type", "application/json");
	bool json = strstr(type, "json") != NULL;
	char *phone =
	    it->address && *it->address ? xf_strdup(it->address) : joined(settings, "phones");
	char *full_url = fill(curl, url, phone, text, token, false);
	char *body = fill(curl, setting(settings, "body", ""), phone, text, token, json);
	char header[256];
	snprintf(header, sizeof header, "Content-Type: %s", type);
	struct curl_slist *h = curl_slist_append(NULL, header);
	http_run(curl, full_url, method, h, body, r, answer);
	curl_slist_free_all(h);
	free(phone);
	free(full_url);
	free(body);
}

typedef struct upload {
	const char *data;
	size_t len, at;
} upload;

static size_t read_upload(char *out, size_t size, size_t n, void *ctx)
{
	upload *u = ctx;
	size_t want = size * n, left = u->len - u->at;
	if (want > left)
		want = left;
	memcpy(out, u->data + u->at, want);
	u->at += want;
	return want;
}

static void send_smtp(CURL *curl, const xf_outbox_item *it, json_t *settings, json_t *secrets,
                      const char *text, xf_send_result *r, xf_buf *answer)
{
	const char *url = json_string_value(json_object_get(secrets, "url"));
	const char *from = setting(settings, "from", "xinfang@localhost");
	const char *tls = setting(settings, "tls", "required");
	char *to = it->address && *it->address ? xf_strdup(it->address) : joined(settings, "to");
	char *to_header = xf_strdup(to); /* addresses checked by the API: no CR, LF or <> */
	struct curl_slist *rcpt = NULL;
	for (char *save = NULL, *one = strtok_r(to, ",", &save); one;
	     one = strtok_r(NULL, ",", &save))
		rcpt = curl_slist_append(rcpt, one);
	if (!rcpt) {
		free(to);
		free(to_header);
		result_set(r, XF_SEND_BROKEN, "%s", "no recipient");
		return;
	}
	/* Subject: the first line, RFC 2047 base64 words; body: UTF-8 base64. */
	char subject[200];
	snprintf(subject, sizeof subject, "%s", text);
	char *nl = strchr(subject, '\n');
	if (nl)
		*nl = '\0';
	size_t tlen = strlen(text), slen = strlen(subject);
	char *sb64 = xf_malloc(sodium_base64_encoded_len(slen, sodium_base64_VARIANT_ORIGINAL));
	sodium_bin2base64(sb64, sodium_base64_encoded_len(slen, sodium_base64_VARIANT_ORIGINAL),
	                  (const unsigned char *)subject, slen, sodium_base64_VARIANT_ORIGINAL);
	size_t bcap = sodium_base64_encoded_len(tlen, sodium_base64_VARIANT_ORIGINAL);
	char *bb64 = xf_malloc(bcap);
	sodium_bin2base64(bb64, bcap, (const unsigned char *)text, tlen,
	                  sodium_base64_VARIANT_ORIGINAL);
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	xf_buf msg = XF_BUF_INIT;
	xf_buf_printf(&msg,
	              "Date: %s\r\nFrom: <%s>\r\nTo: %s\r\nMessage-ID: <xf-%lld@xinfang>\r\n"
	              "Subject: =?UTF-8?B?%s?=\r\nMIME-Version: 1.0\r\n"
	              "Content-Type: text/plain; charset=UTF-8\r\n"
	              "Content-Transfer-Encoding: base64\r\nX-Xinfang-Id: xf-%lld\r\n\r\n",
	              date, from, to_header, (long long)it->id, sb64, (long long)it->id);
	for (size_t i = 0, n = strlen(bb64); i < n; i += 76)
		xf_buf_printf(&msg, "%.76s\r\n", bb64 + i);
	free(sb64);
	free(bb64);
	upload u = {.data = msg.data, .len = msg.len};
	char mail_from[300];
	snprintf(mail_from, sizeof mail_from, "<%s>", from);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, CONNECT_TIMEOUT_MS);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, TOTAL_TIMEOUT_MS);
	curl_easy_setopt(curl, CURLOPT_USE_SSL,
	                 strcmp(tls, "none") == 0  ? (long)CURLUSESSL_NONE
	                 : strcmp(tls, "try") == 0 ? (long)CURLUSESSL_TRY
	                                           : (long)CURLUSESSL_ALL);
	curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from);
	curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
	const char *user = setting(settings, "username", NULL);
	const char *password = setting(secrets, "password", NULL);
	if (user)
		curl_easy_setopt(curl, CURLOPT_USERNAME, user);
	if (password)
		curl_easy_setopt(curl, CURLOPT_PASSWORD, password);
	curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
	curl_easy_setopt(curl, CURLOPT_READDATA, &u);
	curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
	CURLcode cc = curl_easy_perform(curl);
	long status = 0;
	curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
	r->http_status = (int)status;
	if (cc == CURLE_OK)
		result_set(r, XF_SEND_OK, "%s", "250 accepted");
	else
		result_set(r, XF_SEND_FAILED, "%s", curl_easy_strerror(cc));
	(void)answer;
	curl_slist_free_all(rcpt);
	xf_buf_release(&msg);
	free(to);
	free(to_header);
}

void xf_notify_deliver(void *handle, const xf_outbox_item *it, const char *public_url,
                       xf_send_result *r)
{
	memset(r, 0, sizeof *r);
	json_t *secrets = NULL;
	if (xf_notify_open(it->sealed, &secrets) != XF_OK) {
		result_set(r, XF_SEND_BROKEN, "%s", "cannot open the channel's secrets");
		return;
	}
	const char *url = json_string_value(json_object_get(secrets, "url"));
	if (!url || !*url) {
		json_decref(secrets);
		result_set(r, XF_SEND_BROKEN, "%s", "the channel has no url");
		return;
	}
	json_t *settings = json_loads(it->settings, 0, NULL);
	char *text = message_text(it, public_url);
	CURL *curl = handle;
	curl_easy_reset(curl); /* keeps its connections for the next message */
	xf_buf answer = XF_BUF_INIT;
	if (strcmp(it->channel_kind, "wecom") == 0)
		send_wecom(curl, it, settings, secrets, text, r, &answer);
	else if (strcmp(it->channel_kind, "dingtalk") == 0)
		send_dingtalk(curl, it, secrets, text, r, &answer);
	else if (strcmp(it->channel_kind, "webhook") == 0)
		send_webhook(curl, it, secrets, public_url, r, &answer);
	else if (strcmp(it->channel_kind, "sms") == 0)
		send_sms(curl, it, settings, secrets, text, r, &answer);
	else if (strcmp(it->channel_kind, "smtp") == 0)
		send_smtp(curl, it, settings, secrets, text, r, &answer);
	else
		result_set(r, XF_SEND_BROKEN, "unknown channel kind '%s'", it->channel_kind);
	xf_buf_release(&answer);
	free(text);
	json_decref(settings);
	json_decref(secrets);
}
