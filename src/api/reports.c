/* The report resource (docs/documents.md): 首报, 续报, 终报 and
 * 工作总结 of an incident as drafts built from its own data (core/xf_report_builder.h),
 * edited by the office, then issued: numbered (〔YYYY〕N号 counting the year's issued
 * reports of the incident's mine), versioned per incident and kind, rendered once as PDF and DOCX
 * into the records' content store (api/xf_records.h) with their SHA-256 in the row, so an issued
 * report's bytes never change; a correction is a new draft naming the version it
 * replaces. Drafts render on the fly with a 草稿 watermark. Issuing a 首报 completes the
 * open written report-up task, a 续报 the current progress round (the task shows the
 * report as report_id). Rendering runs on the slow pool. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/xf_api.h"
#include "api/xf_documents.h"
#include "api/xf_incident_json.h"
#include "api/xf_records.h"
#include "core/xf_progress.h"
#include "core/xf_report_builder.h"
#include "store/xf_store_reports.h"

#define MAX_SECTIONS     60
#define MAX_SECTION_TEXT 50000

/* The plan document of an incident (NULL when unknown). */
static const json_t *plan_doc(xf_db *db, const xf_incident_state *state)
{
	const xf_plan *plan = xf_plans_get(db, state->plan_id);
	return plan ? plan->doc : NULL;
}

/* Loads a report of an incident the user may see; answers 404 otherwise. */
static bool visible_report(xf_req *req, xf_db *db, int64_t id, xf_report_row *row,
                           xf_incident_state *state)
{
	xf_scope scope = xf_api_scope(req);
	int rc = xf_store_report_get(db, id, row);
	if (rc == XF_OK)
		rc = xf_store_incident_visible(db, &scope, row->incident_id);
	if (rc == XF_OK)
		rc = xf_store_incident_state(db, row->incident_id, state);
	if (rc == XF_OK)
		return xf_api_unsealed(req,
		                       state); /* an archived incident's reports never change */
	if (rc == XF_NOTFOUND)
		xf_reply_error(req, 404, "not_found", NULL, "there is no report %lld you may see",
		               (long long)id);
	else
		xf_api_store_error(req, db, rc);
	return false;
}

/* Begins a transaction (a write one when write) and loads a report as visible_report;
 * on failure rolls back, answers and returns false. */
static bool begin_report(xf_req *req, xf_db *db, int64_t id, bool write, xf_report_row *row,
                         xf_incident_state *state)
{
	int rc = xf_tx_begin(db, write);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return false;
	}
	if (visible_report(req, db, id, row, state))
		return true;
	xf_tx_rollback(db);
	return false;
}

/* Inside the transaction: true when the report is a draft (want "draft") or issued
 * (want "issued"); otherwise rolls back and answers 409 saying what to do instead. */
static bool report_is(xf_req *req, xf_db *db, const xf_report_row *row, const char *want)
{
	if (strcmp(row->status, want) == 0)
		return true;
	xf_tx_rollback(db);
	if (strcmp(want, "draft") == 0)
		xf_reply_error(req, 409, "conflict", NULL,
		               "report %lld is issued (%s) and never changes; correct it with POST "
		               "/reports/%lld/correct",
		               (long long)row->id, row->number, (long long)row->id);
	else
		xf_reply_error(req, 409, "conflict", NULL,
		               "report %lld is a draft; edit it instead of correcting it",
		               (long long)row->id);
	return false;
}

/* What the document engine takes of a report: its row as the API shows it and the
 * incident's facts (core/xf_report_builder.h); both NULL on failure. */
static int report_sources(xf_db *db, const xf_report_row *row, json_t **report, json_t **facts)
{
	*report = *facts = NULL;
	int rc = xf_store_report_json(db, row->id, report);
	if (rc == XF_OK)
		rc = xf_api_report_facts(db, row->incident_id, facts);
	if (rc != XF_OK) {
		json_decref(*report);
		*report = NULL;
	}
	return rc;
}

/* The reporting user as {name, phone}. */
static json_t *reporter(xf_db *db, int64_t user_id)
{
	xf_user_row u;
	if (xf_store_user_by_id(db, user_id, &u) != XF_OK)
		return json_null();
	return json_pack("{s:s, s:s}", "name", u.user.name, "phone", u.phone);
}

static const char *kinds_text = "'kind' must be one of first, follow_up, final, summary";

/* Inserts a draft (in the caller's transaction) with its event. */
static int insert_draft(xf_req *req, xf_db *db, int64_t incident_id, const char *kind,
                        const char *title, json_t *sections, int64_t replaces_id, int64_t *id)
{
	char *text = json_dumps(sections, JSON_COMPACT);
	int rc = xf_store_report_insert(db, incident_id, kind, title, text, replaces_id,
	                                req->user.id, xf_now_ms(), id);
	free(text);
	xf_actor actor = xf_api_actor(req);
	if (rc == XF_OK) {
		json_t *data = json_pack(
		    "{s:I, s:s, s:s, s:s}", "report_id", (json_int_t)*id, "kind", kind, "title",
		    title, "summary",
		    xf_arena_printf(&req->arena, "起草%s「%s」", xf_report_kind_zh(kind), title));
		if (replaces_id)
			json_object_set_new(data, "replaces_id", json_integer(replaces_id));
		rc = xf_audit_append(db, &actor, "report.create", "incident",
		                     xf_api_id_text(req, incident_id), data);
	}
	return rc;
}

/* An issued report of the incident and kind that a correction may replace. */
static bool replaceable(xf_req *req, xf_db *db, int64_t replaces_id, int64_t incident_id,
                        const char *kind)
{
	xf_report_row old;
	int rc = xf_store_report_get(db, replaces_id, &old);
	if (rc != XF_OK || old.incident_id != incident_id || strcmp(old.kind, kind) != 0 ||
	    strcmp(old.status, "issued") != 0) {
		if (rc != XF_OK && rc != XF_NOTFOUND)
			xf_api_store_error(req, db, rc);
		else
			xf_reply_error(req, 400, "invalid_field", "replaces",
			               "'replaces' must name an issued %s of this incident",
			               xf_report_kind_zh(kind));
		return false;
	}
	return true;
}

static void xf_api_reports_create(xf_req *req)
{
	static const char *const fields[] = {"kind", "replaces", NULL};
	xf_field_error err;
	const char *kind;
	int64_t id, replaces = 0, report_id;
	json_t *body;
	if (!xf_api_path_id(req, "id", &id) || !(body = xf_api_body(req, fields)))
		return;
	if (xf_json_int(body, "replaces", false, 1, INT64_MAX, &replaces, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	if (xf_json_choice(body, "kind", true, xf_report_kind_ids, &kind, &err) != XF_OK) {
		xf_reply_error(req, 400, "invalid_field", "kind", "%s", kinds_text);
		return;
	}
	xf_db *db = xf_db_get();
	xf_incident_state state;
	if (!xf_api_begin_incident(req, db, id, &state))
		return;
	if (replaces && !replaceable(req, db, replaces, id, kind)) {
		xf_tx_rollback(db);
		return;
	}
	json_t *facts = NULL;
	int rc = xf_api_report_facts(db, id, &facts);
	if (rc == XF_OK) {
		json_t *who = reporter(db, req->user.id);
		json_t *draft = xf_report_draft(kind, facts, plan_doc(db, &state), who);
		rc = insert_draft(req, db, id, kind,
		                  json_string_value(json_object_get(draft, "title")),
		                  json_object_get(draft, "sections"), replaces, &report_id);
		json_decref(who);
		json_decref(draft);
		json_decref(facts);
	}
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_report_json, report_id, NULL, 201);
}

static void xf_api_reports_correct(xf_req *req)
{
	int64_t id, report_id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	xf_report_row row;
	xf_incident_state state;
	if (!begin_report(req, db, id, true, &row, &state) || !report_is(req, db, &row, "issued"))
		return;
	json_t *old;
	int rc = xf_store_report_json(db, id, &old);
	if (rc == XF_OK) {
		rc = insert_draft(req, db, row.incident_id, row.kind,
		                  json_string_value(json_object_get(old, "title")),
		                  json_object_get(old, "sections"), id, &report_id);
		json_decref(old);
	}
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_report_json, report_id, NULL, 201);
}

static void xf_api_reports_get(xf_req *req)
{
	int64_t id;
	xf_db *db = xf_db_get();
	xf_report_row row;
	xf_incident_state state;
	if (xf_api_path_id(req, "id", &id) && visible_report(req, db, id, &row, &state))
		xf_api_reply_read(req, db, xf_store_report_json, id, NULL, 200);
}

static void xf_api_reports_list(xf_req *req)
{
	xf_api_incident_sublist(req, xf_store_report_list, "reports");
}

/* Checks sections: [{key, heading, text}], answering 400 naming the place. */
static bool sections_ok(xf_req *req, json_t *sections)
{
	if (!json_is_array(sections) || json_array_size(sections) == 0 ||
	    json_array_size(sections) > MAX_SECTIONS) {
		xf_reply_error(req, 400, "invalid_field", "sections",
		               "'sections' must be a list of 1 to %d sections", MAX_SECTIONS);
		return false;
	}
	static const char *const fields[] = {"key", "heading", "text", NULL};
	size_t i;
	json_t *s;
	json_array_foreach(sections, i, s)
	{
		xf_field_error err;
		const char *v;
		const char *field = xf_arena_printf(&req->arena, "sections[%zu]", i);
		if (!json_is_object(s) || xf_json_only(s, fields, &err) != XF_OK ||
		    xf_json_string(s, "key", true, 1, 32, &v, &err) != XF_OK ||
		    xf_json_string(s, "heading", true, 1, 100, &v, &err) != XF_OK ||
		    !json_is_string(json_object_get(s, "text")) ||
		    json_string_length(json_object_get(s, "text")) > MAX_SECTION_TEXT) {
			xf_reply_error(
			    req, 400, "invalid_field", field,
			    "'%s' must be {\"key\", \"heading\", \"text\"}: a key of 1 to 32 "
			    "characters, a heading of 1 to 100, text up to %d bytes",
			    field, MAX_SECTION_TEXT);
			return false;
		}
	}
	return true;
}

static void xf_api_reports_update(xf_req *req)
{
	static const char *const fields[] = {"title", "sections", NULL};
	xf_field_error err;
	const char *title = NULL;
	int64_t id;
	json_t *body;
	if (!xf_api_path_id(req, "id", &id) || !(body = xf_api_body(req, fields)))
		return;
	if (xf_json_string(body, "title", false, 1, 200, &title, &err) == XF_ERR) {
		xf_reply_field_error(req, &err);
		return;
	}
	json_t *sections = json_object_get(body, "sections");
	if (sections && !sections_ok(req, sections))
		return;
	xf_db *db = xf_db_get();
	xf_report_row row;
	xf_incident_state state;
	if (!begin_report(req, db, id, true, &row, &state) || !report_is(req, db, &row, "draft"))
		return;
	char *text = sections ? json_dumps(sections, JSON_COMPACT) : NULL;
	int rc = xf_store_report_update(db, id, title, text, req->user.id, xf_now_ms());
	free(text);
	if (rc == XF_OK) {
		xf_actor actor = xf_api_actor(req);
		json_t *data = json_pack(
		    "{s:I, s:s, s:s}", "report_id", (json_int_t)id, "kind", row.kind, "summary",
		    xf_arena_printf(&req->arena, "修改%s草稿 #%lld", xf_report_kind_zh(row.kind),
		                    (long long)id));
		if (title)
			json_object_set_new(data, "title", json_string(title));
		if (sections)
			json_object_set_new(data, "sections",
			                    json_integer((json_int_t)json_array_size(sections)));
		rc = xf_audit_append(db, &actor, "report.edit", "incident",
		                     xf_api_id_text(req, row.incident_id), data);
	}
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_report_json, id, NULL, 200);
}

/* Renders the document of a report into pdf and docx (either may be NULL). */
static bool render(xf_req *req, const json_t *report, const json_t *facts, const json_t *plan,
                   bool draft, xf_buf *pdf, xf_buf *docx)
{
	char err[256] = "";
	if (xf_api_document_write(xf_report_document(report, facts, plan, draft, err), pdf, docx,
	                          err) != XF_OK) {
		xf_log("req=%s cannot render report: %s", req->request_id, err);
		xf_reply_error(req, 500, "render_failed", NULL,
		               "the report could not be rendered: %s", err);
		return false;
	}
	return true;
}

/* Completes the report-up task that an issued report fulfils (see the top of this
 * file), at the issue time, with its event; a progress round schedules the next. */
static int complete_report_task(xf_req *req, xf_db *db, const xf_incident_state *state,
                                int64_t report_id, const char *kind, const char *number,
                                int64_t now)
{
	const char *task_kind = strcmp(kind, "first") == 0       ? "report_written"
	                        : strcmp(kind, "follow_up") == 0 ? "recurring"
	                                                         : NULL;
	if (!task_kind)
		return XF_OK;
	xf_task_row *tasks;
	size_t n;
	int rc = xf_store_tasks_open(db, state->id, &tasks, &n);
	if (rc != XF_OK)
		return rc;
	const xf_task_row *t = NULL;
	for (size_t i = 0; i < n; i++)
		if (strcmp(tasks[i].kind, task_kind) == 0 &&
		    (!t || tasks[i].round < t->round ||
		     (tasks[i].round == t->round && tasks[i].position < t->position)))
			t = &tasks[i];
	if (t) {
		const char *note =
		    xf_arena_printf(&req->arena, "已签发%s%s", xf_report_kind_zh(kind), number);
		rc = xf_store_task_update(db, t->id, "done",
		                          t->assignee_id ? t->assignee_id : req->user.id, note,
		                          NULL, now);
		if (rc == XF_OK)
			rc = xf_store_task_fulfilled_by(db, t->id, report_id);
		if (rc == XF_OK && strcmp(t->kind, "recurring") == 0) {
			int status = xf_status_parse(state->status);
			const xf_plan *plan = xf_plans_get(db, state->plan_id);
			const xf_plan_grade *grade =
			    plan ? xf_plan_grade_by_id(plan, state->grade) : NULL;
			if (status >= 0 && xf_status_reports_progress((xf_status)status) && grade) {
				xf_task_new next = {
				    .incident_id = state->id,
				    .position = t->position,
				    .step_id = t->step_id[0] ? t->step_id : NULL,
				    .kind = "recurring",
				    .title = t->title,
				    .workstream = t->workstream[0] ? t->workstream : NULL,
				    .owner_kind = t->owner_kind,
				    .owner_value = t->owner_value,
				    .round = t->round + 1,
				    .base_ms = t->due_ms ? t->due_ms : now,
				    .due_ms = xf_progress_next_due(
				        xf_plan_procedure_by_id(plan, state->procedure), grade,
				        state->expected_ms, t->due_ms ? t->due_ms : now),
				    .now_ms = now,
				};
				int64_t next_id;
				rc = xf_store_task_insert(db, &next, &next_id);
			}
		}
		if (rc == XF_OK) {
			xf_actor actor = xf_api_actor(req);
			rc = xf_audit_append(
			    db, &actor, "task.complete", "incident", xf_api_id_text(req, state->id),
			    json_pack("{s:I, s:s, s:s, s:s, s:s}", "task_id", (json_int_t)t->id,
			              "title", t->title, "status", "done", "note", note, "summary",
			              xf_arena_printf(&req->arena, "完成任务「%s」：%s", t->title,
			                              note)));
		}
	}
	free(tasks);
	return rc;
}

/* A report being issued: its row, its incident, and the number, version and files it
 * was rendered with. */
typedef struct issuing {
	xf_report_row row;
	xf_incident_state state;
	int64_t now, version;
	char number[40];
	char pdf_sha[65], docx_sha[65];
} issuing;

/* Renders the report as issued now into PDF and DOCX and stores both; false when it
 * answered. */
static bool issue_render(xf_req *req, json_t *report, const json_t *facts, const json_t *plan,
                         issuing *is)
{
	char when[XF_TIME_LEN];
	xf_time_format(is->now, when);
	json_object_set_new(report, "status", json_string("issued"));
	json_object_set_new(report, "version", json_integer(is->version));
	json_object_set_new(report, "number", json_string(is->number));
	json_object_set_new(report, "issued_at", json_string(when));
	json_object_set_new(report, "issued_by_name", json_string(req->user.name));
	xf_buf pdf = XF_BUF_INIT, docx = XF_BUF_INIT;
	bool ok = render(req, report, facts, plan, false, &pdf, &docx);
	if (ok && xf_api_document_store(&pdf, &docx, is->pdf_sha, is->docx_sha) != XF_OK) {
		xf_reply_error(req, 507, "storage", NULL, "the report's files could not be stored");
		ok = false;
	}
	xf_buf_release(&pdf);
	xf_buf_release(&docx);
	return ok;
}

/* Reads the draft, the number and version it would get now and its facts in one read
 * snapshot, then (outside any lock) makes its files; false when it answered. */
static bool issue_prepare(xf_req *req, xf_db *db, int64_t id, issuing *is)
{
	if (!begin_report(req, db, id, false, &is->row, &is->state))
		return false;
	if (strcmp(is->row.status, "draft") != 0) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL, "report %lld is issued already (%s)",
		               (long long)id, is->row.number);
		return false;
	}
	is->now = xf_now_ms();
	json_t *report = NULL, *facts = NULL;
	int rc = xf_store_report_next(db, is->row.incident_id, is->row.kind,
	                              xf_api_shanghai_year(is->now), &is->version, is->number);
	if (rc == XF_OK)
		rc = report_sources(db, &is->row, &report, &facts);
	const json_t *plan = plan_doc(db, &is->state);
	xf_tx_rollback(db);
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return false;
	}
	bool ok = issue_render(req, report, facts, plan, is);
	json_decref(report);
	json_decref(facts);
	return ok;
}

/* In a write transaction: issues the report under the number its files carry, with its
 * event and the task it completes, and answers. False, answering nothing, when another
 * report took that number meanwhile. */
static bool issue_commit(xf_req *req, xf_db *db, int64_t id, const issuing *is)
{
	if (!xf_api_begin(req, db))
		return true;
	int64_t version;
	char number[40];
	int rc = xf_store_report_next(db, is->row.incident_id, is->row.kind,
	                              xf_api_shanghai_year(is->now), &version, number);
	if (rc == XF_OK && (version != is->version || strcmp(number, is->number) != 0)) {
		xf_tx_rollback(db);
		return false;
	}
	if (rc == XF_OK)
		rc = xf_store_report_issue(db, id, is->version, is->number, is->now, req->user.id,
		                           is->pdf_sha, is->docx_sha);
	if (rc == XF_NOTFOUND) {
		xf_tx_rollback(db);
		xf_reply_error(req, 409, "conflict", NULL, "report %lld is issued already",
		               (long long)id);
		return true;
	}
	xf_actor actor = xf_api_actor(req);
	if (rc == XF_OK)
		rc = xf_audit_append(
		    db, &actor, "report.issue", "incident",
		    xf_api_id_text(req, is->row.incident_id),
		    json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s}", "report_id", (json_int_t)id,
		              "kind", is->row.kind, "version", (json_int_t)is->version, "number",
		              is->number, "pdf_sha256", is->pdf_sha, "docx_sha256", is->docx_sha,
		              "summary",
		              xf_arena_printf(&req->arena, "签发%s%s（第%lld版）",
		                              xf_report_kind_zh(is->row.kind), is->number,
		                              (long long)is->version)));
	if (rc == XF_OK)
		rc = complete_report_task(req, db, &is->state, id, is->row.kind, is->number,
		                          is->now);
	if (xf_api_finish(req, db, rc))
		xf_api_reply_read(req, db, xf_store_report_json, id, NULL, 200);
	return true;
}

static void xf_api_reports_issue(xf_req *req)
{
	int64_t id;
	if (!xf_api_path_id(req, "id", &id))
		return;
	xf_db *db = xf_db_get();
	/* Number, version and files are made outside the write lock and checked again
	 * inside it: when another report took the number meanwhile, the files are made
	 * again. */
	for (int attempt = 0; attempt < 4; attempt++) {
		issuing is;
		if (!issue_prepare(req, db, id, &is) || issue_commit(req, db, id, &is))
			return;
	}
	xf_reply_error(req, 503, "unavailable", NULL,
	               "too many reports are being issued; try again");
}

/* Appends the report.download event of a report's file in format ext. */
static int download_event(xf_req *req, xf_db *db, const xf_report_row *row, const char *ext)
{
	bool draft = strcmp(row->status, "draft") == 0;
	const char *sha = strcmp(ext, "pdf") == 0 ? row->pdf_sha256 : row->docx_sha256;
	xf_actor actor = xf_api_actor(req);
	return xf_audit_append(
	    db, &actor, "report.download", "incident", xf_api_id_text(req, row->incident_id),
	    json_pack("{s:I, s:s, s:s, s:s}", "report_id", (json_int_t)row->id, "format", ext,
	              "sha256", draft ? "" : sha, "summary",
	              xf_arena_printf(&req->arena, "下载%s%s #%lld（%s）",
	                              xf_report_kind_zh(row->kind), draft ? "草稿" : row->number,
	                              (long long)row->id, ext)));
}

/* A report's PDF or DOCX: an issued one as stored, a draft rendered now with its
 * watermark; either download is an event. */
static void download(xf_req *req, bool pdf)
{
	const char *ext = pdf ? "pdf" : "docx";
	int64_t id;
	xf_report_row row;
	xf_incident_state state;
	xf_db *db = xf_db_get();
	if (!xf_api_path_id(req, "id", &id) || !begin_report(req, db, id, true, &row, &state))
		return;
	bool draft = strcmp(row.status, "draft") == 0;
	json_t *report = NULL, *facts = NULL;
	int rc = draft ? report_sources(db, &row, &report, &facts) : XF_OK;
	if (rc == XF_OK)
		rc = download_event(req, db, &row, ext);
	const json_t *plan = plan_doc(db, &state);
	xf_buf out = XF_BUF_INIT;
	bool ok = xf_api_finish(req, db, rc) &&
	          (!draft ||
	           render(req, report, facts, plan, true, pdf ? &out : NULL, pdf ? NULL : &out));
	json_decref(report);
	json_decref(facts);
	if (ok)
		xf_api_send_document(req, pdf,
		                     draft ? NULL
		                     : pdf ? row.pdf_sha256
		                           : row.docx_sha256,
		                     &out,
		                     xf_arena_printf(&req->arena, "%s-%s%s",
		                                     xf_report_kind_zh(row.kind), state.number,
		                                     draft ? "" : row.number),
		                     xf_arena_printf(&req->arena, "report-%lld", (long long)id));
	xf_buf_release(&out);
}

static void xf_api_reports_pdf(xf_req *req)
{
	download(req, true);
}

static void xf_api_reports_docx(xf_req *req)
{
	download(req, false);
}

static const xf_route routes[] = {
    {"POST", "/incidents/{id}/reports", XF_PERM_INCIDENT_MANAGE, 0, xf_api_reports_create},
    {"GET", "/incidents/{id}/reports", XF_PERM_INCIDENT_READ, 0, xf_api_reports_list},
    {"GET", "/reports/{id}", XF_PERM_INCIDENT_READ, 0, xf_api_reports_get},
    {"PATCH", "/reports/{id}", XF_PERM_INCIDENT_MANAGE, 0, xf_api_reports_update},
    {"POST", "/reports/{id}/issue", XF_PERM_INCIDENT_MANAGE, XF_ROUTE_SLOW, xf_api_reports_issue},
    {"POST", "/reports/{id}/correct", XF_PERM_INCIDENT_MANAGE, 0, xf_api_reports_correct},
    {"GET", "/reports/{id}/pdf", XF_PERM_INCIDENT_READ, XF_ROUTE_SLOW, xf_api_reports_pdf},
    {"GET", "/reports/{id}/docx", XF_PERM_INCIDENT_READ, XF_ROUTE_SLOW, xf_api_reports_docx},
};

const xf_route_list xf_routes_reports = {routes, XF_ARRAY_LEN(routes)};
