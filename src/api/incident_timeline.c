/* GET /incidents/{id}/timeline and POST /incidents/{id}/notes (现场情况): the events
 * of an incident as people read them. */
#include <string.h>

#include "api/xf_incidents.h"
#include "core/xf_venue.h"
#include "store/xf_search.h"

/* Timeline entries as people read them: manual entries (现场情况) are notes with their
 * text; every other event shows its summary. "at" is when the entry was recorded;
 * "occurred_at" when it happened (a note's 发生时间, else the same as "at"). */
void xf_incident_timeline_texts(json_t *entries)
{
	size_t i;
	json_t *e;
	json_array_foreach(entries, i, e)
	{
		json_t *data = json_object_get(e, "data");
		bool note =
		    strcmp(json_string_value(json_object_get(e, "action")), "note.create") == 0;
		json_t *text = json_object_get(data, note ? "text" : "summary");
		json_object_set_new(e, "kind", json_string(note ? "note" : "event"));
		json_t *occurred = json_object_get(data, "at");
		json_object_set(e, "occurred_at",
		                note && json_is_string(occurred) ? occurred
		                                                 : json_object_get(e, "at"));
		json_object_set_new(
		    e, "text",
		    json_string(json_is_string(text)
		                    ? json_string_value(text)
		                    : json_string_value(json_object_get(e, "action"))));
		json_object_del(e, "data");
	}
}

void xf_api_incidents_timeline(xf_req *req)
{
	int64_t id;
	xf_incident_state state;
	xf_db *db = xf_db_get();
	if (!xf_api_path_incident(req, db, &id, &state))
		return;
	json_t *entries;
	int rc = xf_store_timeline(db, id, 0, &entries);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_incident_timeline_texts(entries);
	xf_reply_json(req, 200, json_pack("{s:o}", "entries", entries));
}

/* How far a note's 发生时间 may lie ahead of the server's clock (clock skew between the
 * browser and the server) and before the incident's registration (what happened before
 * someone registered it: the gathering began at dawn, a letter came last week). */
#define NOTE_AT_SKEW_MS                (60 * 1000LL)
#define NOTE_AT_BEFORE_REGISTRATION_MS (7 * 24 * 3600 * 1000LL)

void xf_api_notes_create(xf_req *req)
{
	static const char *const fields[] = {"text", "at", NULL};
	xf_field_error err;
	const char *text;
	int64_t id, at_ms = 0;
	xf_incident_state state;
	json_t *body = xf_api_path_body(req, fields, &id);
	if (!body)
		return;
	if (xf_json_string(body, "text", true, 1, XF_API_TEXT_MAX, &text, &err) != XF_OK) {
		xf_reply_field_error(req, &err);
		return;
	}
	json_t *at = json_object_get(body, "at");
	if (at && !json_is_null(at) &&
	    (!json_is_string(at) || xf_iso_time_parse(json_string_value(at), &at_ms) != XF_OK)) {
		xf_reply_error(
		    req, 400, "invalid_field", "at",
		    "'at' must be an ISO 8601 time with a zone, such as 2026-11-28T23:10:29Z");
		return;
	}
	if (at_ms && at_ms > xf_now_ms() + NOTE_AT_SKEW_MS) {
		xf_reply_error(req, 400, "invalid_field", "at",
		               "'at' is in the future; a note records what has happened");
		return;
	}
	xf_db *db = xf_db_get();
	xf_actor actor = xf_api_actor(req);
	if (!xf_api_begin_incident(req, db, id, &state))
		return; /* an archived incident answers 409 "sealed" there */
	if (at_ms && at_ms < state.registered_ms - NOTE_AT_BEFORE_REGISTRATION_MS) {
		xf_tx_rollback(db);
		xf_reply_error(req, 400, "invalid_field", "at",
		               "'at' is more than 7 days before %s was registered", state.number);
		return;
	}
	json_t *data = json_pack("{s:s, s:s}", "text", text, "author", req->user.name);
	if (at_ms) {
		char at_text[XF_TIME_LEN];
		xf_time_format(at_ms, at_text);
		json_object_set_new(data, "at", json_string(at_text));
	}
	int64_t seq = 0;
	int rc = xf_store_note_append(db, &actor, xf_api_id_text(req, id), data, &seq);
	if (rc == XF_OK) {
		/* A note is the event itself; its sequence number identifies it. */
		xf_search_doc doc = {.kind = "note",
		                     .id = seq,
		                     .incident_id = id,
		                     .title = state.number,
		                     .body = text};
		rc = xf_search_put(db, &doc);
	}
	if (!xf_api_finish(req, db, rc))
		return;
	json_t *latest;
	if ((rc = xf_store_timeline(db, id, 1, &latest)) != XF_OK) {
		xf_api_store_error(req, db, rc);
		return;
	}
	xf_incident_timeline_texts(latest);
	xf_reply_json(req, 201, json_incref(json_array_get(latest, 0)));
	json_decref(latest);
}
