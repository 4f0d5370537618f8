/* Notification channels (issue 12, the delivery half), admin only: POST/GET
 * /channels, GET/PATCH/DELETE /channels/{id}, GET /channels/{id}/deliveries (the
 * delivery log, newest first, paged) and POST /channels/{id}/test (queues "xinfang
 * 测试消息" on the channel). Secrets (the 企业微信 URL's key and the 钉钉 URL's
 * access_token, as the whole URL; the signing secret, the SMTP password, the SMS
 * gateway token) are sealed at once (notify/xf_notify.h) and only their masks are ever
 * answered or written to the audit chain. Nothing here delivers: the sender thread does. */
#include <string.h>

#include "api/xf_api.h"
#include "core/xf_csv.h"
#include "notify/xf_notify.h"
#include "store/xf_store_channels.h"

static const char *const kinds[] = {"wecom", "dingtalk", "webhook", "smtp", "sms", NULL};
/* The event kinds a channel can take (the rules' half queues them: docs/notifications.md). */
static const char *const event_kinds[] = {
    "incident.register", "incident.upgrade", "task.assign", "task.overdue",
    "task.escalate",     "report_up.due",    "matter.due",  NULL};
static const char *const grade_names[] = {"I", "II", "III", "IV", NULL};
/* The secrets besides the URL, each a member of the body. */
static const char *const secret_fields[] = {"secret", "password", "token", NULL};
/* The kind-specific settings (non-secret), each with the kinds it applies to. */
static const struct {
	const char *name, *kinds;
} settings_fields[] = {
    {"format", "wecom"}, {"from", "smtp"},
    {"to", "smtp"},      {"username", "smtp"},
    {"tls", "smtp"},     {"method", "sms"},
    {"body", "sms"},     {"content_type", "sms"},
    {"phones", "sms"},   {"rate_per_min", "wecom dingtalk webhook smtp sms"},
};
/* Which secrets apply to which kinds. */
static bool secret_applies(const char *field, const char *kind)
{
	if (strcmp(field, "secret") == 0)
		return strcmp(kind, "dingtalk") == 0 || strcmp(kind, "webhook") == 0;
	if (strcmp(field, "password") == 0)
		return strcmp(kind, "smtp") == 0;
	return strcmp(kind, "sms") == 0; /* token */
}

static bool word_in(const char *word, const char *list)
{
	size_t n = strlen(word);
	for (const char *p = list; (p = strstr(p, word)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static bool url_ok(const char *kind, const char *url)
{
	if (strcmp(kind, "smtp") == 0)
		return strncmp(url, "smtp://", 7) == 0 || strncmp(url, "smtps://", 8) == 0;
	return strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
}

/* The API's shape of a channel: settings and masks, never a secret. */
static json_t *channel_json(const xf_channel_row *c)
{
	char created[XF_TIME_LEN], updated[XF_TIME_LEN];
	xf_time_format(c->created_ms, created);
	xf_time_format(c->updated_ms, updated);
	json_t *events = json_loads(c->events, 0, NULL), *grades = json_array();
	json_t *stored = json_loads(c->grades, 0, NULL);
	size_t i;
	json_t *v;
	json_array_foreach(stored, i, v)
	{
		json_int_t g = json_integer_value(v);
		if (g >= 1 && g <= 4)
			json_array_append_new(grades, json_string(grade_names[g - 1]));
	}
	json_decref(stored);
	json_t *out =
	    json_pack("{s:I, s:s, s:s, s:b, s:s, s:o, s:o, s:b, s:s, s:s}", "id", (json_int_t)c->id,
	              "kind", c->kind, "name", c->name, "enabled", c->enabled, "url", c->url_shown,
	              "events", events ? events : json_array(), "grades", grades, "mentions",
	              c->mentions, "created_at", created, "updated_at", updated);
	json_t *settings = json_loads(c->settings, 0, NULL);
	const char *key;
	json_object_foreach(settings, key, v)
	{
		if (strcmp(key, "masks") != 0)
			json_object_set(out, key, v);
	}
	json_t *masks = json_object_get(settings, "masks");
	json_object_foreach(masks, key, v) json_object_set(out, key, v);
	json_decref(settings);
	return out;
}

/* The audit event's data: the channel as answered (masks only). */
static json_t *event_data(const xf_channel_row *c)
{
	json_t *d = channel_json(c);
	json_object_del(d, "created_at");
	json_object_del(d, "updated_at");
	return d;
}

/* Reads the body's fields into row (for PATCH over the stored one), sealing the URL and
 * secrets with those kept from before; false having answered 400 naming the field. */

/* Reads the member name (a list of choices, each at most once) into *out as a JSON array
 * of the choices in their order, or of their numbers from 1 when numbers; absent: *out
 * kept. False after answering 400. */
static bool read_set(xf_req *req, json_t *body, const char *name, const char *const *choices,
                     bool numbers, char **out)
{
	if (!json_object_get(body, name))
		return true;
	xf_field_error err;
	uint32_t mask = 0;
	if (xf_json_choice_set(body, name, false, choices, &mask, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	json_t *list = json_array();
	for (int i = 0; choices[i]; i++)
		if (mask & (1u << i))
			json_array_append_new(list, numbers ? json_integer(i + 1)
			                                    : json_string(choices[i]));
	free(*out);
	*out = json_dumps(list, JSON_COMPACT);
	json_decref(list);
	return true;
}

static bool channel_read(xf_req *req, json_t *body, xf_channel_row *row, bool creating)
{
	xf_field_error err;
	const char *kind = row->kind, *name = NULL, *url = NULL;
	if (creating) {
		if (xf_json_choice(body, "kind", true, kinds, &kind, &err) == XF_ERR) {
			xf_reply_field_error(req, &err);
			return false;
		}
		snprintf(row->kind, sizeof row->kind, "%s", kind);
	}
	bool enabled = row->enabled, mentions = row->mentions;
	if (xf_json_string(body, "name", creating, 1, 64, &name, &err) == XF_ERR ||
	    xf_json_string(body, "url", creating, 1, 2000, &url, &err) == XF_ERR ||
	    xf_json_bool(body, "enabled", false, &enabled, &err) == XF_ERR ||
	    xf_json_bool(body, "mentions", false, &mentions, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return false;
	}
	if (url && !url_ok(kind, url)) {
		xf_reply_error(req, 400, "invalid_field", "url",
		               strcmp(kind, "smtp") == 0
		                   ? "'url' must start with smtp:// or smtps://"
		                   : "'url' must start with http:// or https://");
		return false;
	}
	if (json_object_get(body, "mentions") && mentions && strcmp(kind, "wecom") != 0 &&
	    strcmp(kind, "dingtalk") != 0) {
		xf_reply_error(req, 400, "invalid_field", "mentions",
		               "'%s' does not apply to a channel of kind '%s'", "mentions", kind);
		return false;
	}
	/* events: known kinds, no duplicates; grades: as their numbers (I = 1) */
	if (!read_set(req, body, "events", event_kinds, false, &row->events) ||
	    !read_set(req, body, "grades", grade_names, true, &row->grades))
		return false;
	/* settings */
	json_t *settings = json_loads(row->settings ? row->settings : "{}", 0, NULL);
	if (!settings)
		settings = json_object();
	for (size_t i = 0; i < XF_ARRAY_LEN(settings_fields); i++) {
		const char *f = settings_fields[i].name;
		json_t *v = json_object_get(body, f);
		if (!v)
			continue;
		if (!word_in(kind, settings_fields[i].kinds)) {
			xf_reply_error(req, 400, "invalid_field", f,
			               "'%s' does not apply to a channel of kind '%s'", f, kind);
			json_decref(settings);
			return false;
		}
		const char *s = NULL;
		int64_t n = 0;
		int rc = XF_OK;
		static const char *const formats[] = {"text", "markdown", NULL};
		static const char *const tls[] = {"required", "try", "none", NULL};
		static const char *const methods[] = {"POST", "PUT", "GET", NULL};
		if (strcmp(f, "format") == 0)
			rc = xf_json_choice(body, f, false, formats, &s, &err);
		else if (strcmp(f, "tls") == 0)
			rc = xf_json_choice(body, f, false, tls, &s, &err);
		else if (strcmp(f, "method") == 0)
			rc = xf_json_choice(body, f, false, methods, &s, &err);
		else if (strcmp(f, "rate_per_min") == 0)
			rc = xf_json_int(body, f, false, 0, 100000, &n, &err);
		else if (strcmp(f, "to") == 0 || strcmp(f, "phones") == 0) {
			if (!json_is_array(v) || json_array_size(v) > 50) {
				xf_reply_error(req, 400, "invalid_field", f,
				               "'%s' must be a list of at most %d addresses", f,
				               50);
				json_decref(settings);
				return false;
			}
			size_t j;
			json_t *e;
			json_array_foreach(v, j, e)
			{
				const char *a = json_string_value(e);
				bool ok = a && (strcmp(f, "to") == 0 ? xf_notify_email_ok(a)
				                                     : !xf_phone_problem(a));
				if (!ok) {
					xf_reply_error(
					    req, 400, "invalid_field", f,
					    "'%s' must be a list of at most %d addresses", f, 50);
					json_decref(settings);
					return false;
				}
			}
			json_object_set(settings, f, v);
			continue;
		} else
			rc = xf_json_string(body, f, false, 0, 2000, &s, &err);
		if (rc == XF_ERR) {
			xf_reply_field_error(req, &err);
			json_decref(settings);
			return false;
		}
		if (strcmp(f, "from") == 0 && !xf_notify_email_ok(s)) {
			xf_reply_error(req, 400, "invalid_field", f,
			               "'%s' must be an email address", f);
			json_decref(settings);
			return false;
		}
		json_object_set_new(settings, f, s ? json_string(s) : json_integer(n));
	}
	if (creating && !json_object_get(settings, "rate_per_min"))
		json_object_set_new(
		    settings, "rate_per_min",
		    json_integer(strcmp(kind, "wecom") == 0 || strcmp(kind, "dingtalk") == 0 ? 20
		                                                                             : 0));
	if (creating && strcmp(kind, "smtp") == 0 && !json_object_get(settings, "tls"))
		json_object_set_new(settings, "tls", json_string("required"));
	if (creating && strcmp(kind, "smtp") == 0 && !json_object_get(settings, "from")) {
		xf_reply_error(req, 400, "invalid_field", "from", "'%s' is required", "from");
		json_decref(settings);
		return false;
	}
	/* secrets: the URL and the kind's secrets, sealed; masks kept in the settings */
	json_t *secrets = NULL;
	if (xf_notify_open(row->sealed, &secrets) != XF_OK) {
		json_decref(settings);
		xf_reply_error(req, 500, "internal", NULL, "cannot open the channel's secrets");
		return false;
	}
	json_t *masks = json_object_get(settings, "masks");
	if (!json_is_object(masks)) {
		masks = json_object();
		json_object_set_new(settings, "masks", masks);
	}
	for (int i = 0; secret_fields[i]; i++) {
		const char *f = secret_fields[i], *s = NULL;
		if (!json_object_get(body, f))
			continue;
		if (!secret_applies(f, kind)) {
			xf_reply_error(req, 400, "invalid_field", f,
			               "'%s' does not apply to a channel of kind '%s'", f, kind);
			json_decref(settings);
			json_decref(secrets);
			return false;
		}
		if (xf_json_string(body, f, false, 0, 512, &s, &err) == XF_ERR) {
			xf_reply_field_error(req, &err);
			json_decref(settings);
			json_decref(secrets);
			return false;
		}
		char mask[16];
		xf_notify_mask(s, mask, sizeof mask);
		if (*s) {
			json_object_set_new(secrets, f, json_string(s));
			json_object_set_new(masks, f, json_string(mask));
		} else {
			json_object_del(secrets, f);
			json_object_del(masks, f);
		}
	}
	if (url) {
		json_object_set_new(secrets, "url", json_string(url));
		free(row->url_shown);
		row->url_shown = xf_notify_url_shown(url);
	}
	char *sealed = NULL;
	int rc = xf_notify_seal(secrets, &sealed);
	json_decref(secrets);
	if (rc != XF_OK) {
		json_decref(settings);
		xf_reply_error(req, 500, "internal", NULL, "cannot seal the channel's secrets");
		return false;
	}
	free(row->sealed);
	row->sealed = sealed;
	free(row->settings);
	row->settings = json_dumps(settings, JSON_COMPACT);
	json_decref(settings);
	if (name) {
		free(row->name);
		row->name = xf_strdup(name);
	}
	row->enabled = enabled;
	row->mentions = mentions;
	return true;
}

static const char *const fields_create[] = {
    "kind",    "name",   "url",          "secret", "events",   "grades",       "mentions",
    "enabled", "format", "from",         "to",     "username", "password",     "tls",
    "method",  "body",   "content_type", "token",  "phones",   "rate_per_min", NULL};

static void channels_create(xf_req *req)
{
	json_t *body = xf_api_body(req, fields_create);
	if (!body)
		return;
	xf_channel_row row = {.enabled = true};
	if (!channel_read(req, body, &row, true)) {
		xf_channel_row_free(&row);
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin(req, db)) {
		xf_channel_row_free(&row);
		return;
	}
	int rc = xf_store_channel_insert(db, &row);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "channel.create", "channel",
		                     xf_api_id_text(req, row.id), event_data(&row));
	if (xf_api_finish(req, db, rc))
		xf_reply_json(req, 201, channel_json(&row));
	xf_channel_row_free(&row);
}

static void channels_list(xf_req *req)
{
	xf_db *db = xf_db_get();
	xf_channel_row *rows = NULL;
	size_t n = 0;
	int rc = xf_store_channel_list(db, &rows, &n);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(list, channel_json(&rows[i]));
		xf_channel_row_free(&rows[i]);
	}
	free(rows);
	xf_api_reply_list(req, db, rc, "channels", list);
}

static void channels_get(xf_req *req)
{
	int64_t id;
	xf_channel_row row;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &id) ||
	    !xf_api_loaded(req, db, xf_store_channel_get(db, id, &row), "channel", id))
		return;
	xf_reply_json(req, 200, channel_json(&row));
	xf_channel_row_free(&row);
}

static void channels_update(xf_req *req)
{
	int64_t id;
	json_t *body = xf_api_path_body(req, fields_create + 1, &id);
	if (!body)
		return;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	xf_channel_row row;
	if (!xf_api_begin(req, db))
		return;
	if (!xf_api_loaded(req, db, xf_store_channel_get(db, id, &row), "channel", id)) {
		xf_tx_rollback(db);
		return;
	}
	if (!channel_read(req, body, &row, false)) {
		xf_tx_rollback(db);
		xf_channel_row_free(&row);
		return;
	}
	int rc = xf_store_channel_update(db, &row);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "channel.update", "channel",
		                     xf_api_id_text(req, id), event_data(&row));
	if (xf_api_finish(req, db, rc)) {
		row.updated_ms = xf_now_ms();
		xf_reply_json(req, 200, channel_json(&row));
		xf_notify_kick(); /* an enabled channel may have messages waiting */
	}
	xf_channel_row_free(&row);
}

static void channels_delete(xf_req *req)
{
	int64_t id;
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	xf_channel_row row;
	if (!xf_api_path_id(req, "id", &id) || !xf_api_begin(req, db))
		return;
	if (!xf_api_loaded(req, db, xf_store_channel_get(db, id, &row), "channel", id)) {
		xf_tx_rollback(db);
		return;
	}
	int rc = xf_store_channel_delete(db, id, xf_now_ms());
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "channel.delete", "channel",
		                     xf_api_id_text(req, id),
		                     json_pack("{s:s, s:s}", "kind", row.kind, "name", row.name));
	xf_channel_row_free(&row);
	if (xf_api_finish(req, db, rc))
		xf_reply_status(req, 204);
}

static void channels_deliveries(xf_req *req)
{
	int64_t id, before, limit;
	xf_channel_row row;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &id) ||
	    !xf_api_query_int(req, "before", 0, INT64_MAX, 0, &before) ||
	    !xf_api_query_int(req, "limit", 1, 200, 50, &limit))
		return;
	int rc = xf_store_channel_get(db, id, &row);
	if (rc == XF_OK)
		xf_channel_row_free(&row);
	if (!xf_api_loaded(req, db, rc, "channel", id))
		return;
	json_t *list = NULL;
	int64_t next = 0;
	rc = xf_store_channel_deliveries(db, id, before, (int)limit, &list, &next);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	json_t *answer = json_pack("{s:o}", "deliveries", list);
	json_object_set_new(answer, "next_before", next ? json_integer(next) : json_null());
	xf_reply_json(req, 200, answer);
}

static void channels_test(xf_req *req)
{
	static const char *const fields[] = {"to", NULL};
	int64_t id;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	xf_field_error err;
	const char *to = "";
	if (xf_json_string(body, "to", false, 0, 254, &to, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	xf_channel_row row;
	if (!xf_api_begin(req, db))
		return;
	if (!xf_api_loaded(req, db, xf_store_channel_get(db, id, &row), "channel", id)) {
		xf_tx_rollback(db);
		return;
	}
	bool ok = !*to ||
	          (strcmp(row.kind, "smtp") == 0 ? xf_notify_email_ok(to) : !xf_phone_problem(to));
	if (!ok || (*to && strcmp(row.kind, "webhook") == 0)) {
		xf_tx_rollback(db);
		xf_channel_row_free(&row);
		xf_reply_error(req, 400, "invalid_field", "to",
		               "'%s' must be an address this channel can reach", "to");
		return;
	}
	int64_t outbox_id = 0;
	int rc = xf_store_outbox_test(db, id, to, "xinfang 测试消息", &outbox_id);
	if (rc == XF_OK)
		rc = xf_audit_append(db, &actor, "channel.test", "channel", xf_api_id_text(req, id),
		                     json_pack("{s:s, s:s}", "kind", row.kind, "name", row.name));
	xf_channel_row_free(&row);
	if (!xf_api_finish(req, db, rc))
		return;
	xf_notify_kick();
	char message_id[32];
	snprintf(message_id, sizeof message_id, "xf-%lld", (long long)outbox_id);
	xf_reply_json(
	    req, 202,
	    json_pack("{s:I, s:s}", "outbox_id", (json_int_t)outbox_id, "message_id", message_id));
}

static const xf_route routes[] = {
    {"POST", "/channels", XF_PERM_USER_WRITE, 0, channels_create},
    {"GET", "/channels", XF_PERM_USER_WRITE, 0, channels_list},
    {"GET", "/channels/{id}", XF_PERM_USER_WRITE, 0, channels_get},
    {"PATCH", "/channels/{id}", XF_PERM_USER_WRITE, 0, channels_update},
    {"DELETE", "/channels/{id}", XF_PERM_USER_WRITE, 0, channels_delete},
    {"GET", "/channels/{id}/deliveries", XF_PERM_USER_WRITE, 0, channels_deliveries},
    {"POST", "/channels/{id}/test", XF_PERM_USER_WRITE, 0, channels_test},
};

const xf_route_list xf_routes_channels = {routes, XF_ARRAY_LEN(routes)};
