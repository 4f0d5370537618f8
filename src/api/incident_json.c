/* The incident in its API shape, from the store's rows: see xf_incident_json.h. */
#include "api/xf_incident_json.h"

#include <stdlib.h>

#include "store/xf_store_reports.h"
#include "util/xf_jsonv.h"
#include "util/xf_util.h"

json_t *xf_api_incident_of(const xf_incident_row *r, int64_t now_ms)
{
	json_t *units = json_array();
	for (size_t i = 0; i < r->n_units; i++)
		json_array_append_new(units, json_integer(r->units[i]));
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "number", json_string(r->number));
	json_object_set_new(o, "status", json_string(r->status));
	json_object_set_new(o, "drill", json_boolean(r->drill));
	json_object_set_new(o, "headcount", json_integer(r->headcount));
	json_object_set_new(o, "destination", json_string(r->destination));
	json_object_set_new(o, "advance_info", json_boolean(r->advance_info));
	json_object_set_new(o, "place", json_string(r->place));
	json_object_set_new(o, "demands", json_string(r->demands));
	json_object_set_new(o, "category", json_string(r->category));
	json_object_set_new(o, "in_scope", json_boolean(r->in_scope));
	json_object_set_new(o, "grade", xf_jsonv_text(r->grade));
	json_object_set_new(o, "grade_name", xf_jsonv_text(r->grade_name));
	json_object_set_new(o, "grade_computed", xf_jsonv_text(r->grade_computed));
	json_object_set_new(o, "override", xf_jsonv_parse(r->override));
	json_object_set_new(o, "procedure", xf_jsonv_text(r->procedure));
	json_object_set_new(o, "procedure_name", xf_jsonv_text(r->procedure_name));
	json_object_set_new(o, "reasons", xf_jsonv_parse(r->reasons));
	json_object_set_new(o, "plan",
	                    json_pack("{s:I, s:s, s:s}", "id", (json_int_t)r->plan_id, "hash",
	                              r->plan_hash, "title", r->plan_title));
	json_object_set_new(o, "mine_id", r->mine_id ? json_integer(r->mine_id) : json_null());
	json_object_set_new(o, "mine", xf_jsonv_text(r->mine));
	json_object_set_new(o, "registered_at", xf_jsonv_time(r->registered_ms));
	json_object_set_new(o, "elapsed_s", json_integer((now_ms - r->registered_ms) / 1000));
	json_object_set_new(o, "activated_at", xf_jsonv_time(r->activated_ms));
	json_object_set_new(o, "updated_at", xf_jsonv_time(r->updated_ms));
	json_object_set_new(o, "tasks",
	                    json_pack("{s:i, s:i, s:i, s:i}", "total", r->tasks.total, "done",
	                              r->tasks.done, "skipped", r->tasks.skipped, "overdue",
	                              r->tasks.overdue));
	json_object_set_new(o, "units", units);
	json_object_set_new(o, "withdrawn", xf_jsonv_parse(r->withdrawn));
	json_object_set_new(o, "escalation", xf_jsonv_parse(r->escalation));
	json_object_set_new(o, "occurred_at", xf_jsonv_time(r->occurred_ms));
	json_object_set_new(o, "expected_at", xf_jsonv_time(r->expected_ms));
	json_object_set_new(o, "expected_destination", xf_jsonv_text(r->expected_destination));
	return o;
}

/* Collects rows into an array (ctx). */
static int append_row(const xf_incident_row *row, void *ctx)
{
	json_array_append_new(ctx, xf_api_incident_of(row, xf_now_ms()));
	return XF_OK;
}

int xf_api_incident_read(xf_db *db, int64_t id, json_t **out)
{
	json_t *one = json_array();
	int rc = xf_store_incident_row(db, id, append_row, one);
	if (rc == XF_OK)
		*out = json_incref(json_array_get(one, 0));
	json_decref(one);
	return rc;
}

int xf_api_incident_list(xf_db *db, const xf_scope *scope, const char *status, bool active_only,
                         int64_t before_id, int limit, json_t **out, int64_t *next_before_id)
{
	json_t *list = json_array();
	int rc = xf_store_incident_rows(db, scope, status, active_only, before_id, limit,
	                                append_row, list, next_before_id);
	if (rc != XF_OK) {
		json_decref(list);
		return rc;
	}
	*out = list;
	return XF_OK;
}

typedef struct text_page {
	xf_buf *out;
	int64_t now_ms;
	size_t n;
} text_page;

static int write_row(const xf_incident_row *row, void *ctx)
{
	text_page *page = ctx;
	json_t *v = xf_api_incident_of(row, page->now_ms);
	char *text = json_dumps(v, JSON_COMPACT);
	json_decref(v);
	if (!text)
		return XF_ERR;
	if (page->n++)
		xf_buf_puts(page->out, ",");
	xf_buf_puts(page->out, text);
	free(text);
	return XF_OK;
}

int xf_api_incident_list_text(xf_db *db, const xf_scope *scope, const char *status,
                              bool active_only, int64_t before_id, int limit, xf_buf *out,
                              int64_t *next_before_id)
{
	text_page page = {out, xf_now_ms(), 0};
	xf_buf_puts(out, "[");
	int rc = xf_store_incident_rows(db, scope, status, active_only, before_id, limit, write_row,
	                                &page, next_before_id);
	xf_buf_puts(out, "]");
	return rc;
}

int xf_api_report_facts(xf_db *db, int64_t incident_id, json_t **out)
{
	json_t *incident, *rest;
	int rc = xf_api_incident_read(db, incident_id, &incident);
	if (rc != XF_OK)
		return rc;
	if ((rc = xf_store_report_facts(db, incident_id, &rest)) != XF_OK) {
		json_decref(incident);
		return rc;
	}
	json_t *facts = json_pack("{s:o}", "incident", incident);
	json_object_update(facts, rest);
	json_decref(rest);
	*out = facts;
	return XF_OK;
}
