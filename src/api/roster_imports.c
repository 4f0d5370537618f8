/* The CSV import of units and staff (docs/roster.md, "Import"): a dry run reports
 * what would change; a file with any problem imports nothing (422 with the report). */
#include <string.h>

#include "api/xf_roster.h"

#define CHANGED_MAX 200 /* keys of changed rows kept in an import's event */

/* An import report with its problems in the reader's language (http/xf_messages.h). */
static json_t *report_in_words(xf_req *req, const xf_import *imp)
{
	json_t *report = xf_import_report_json(imp), *p;
	size_t i;
	json_array_foreach(json_object_get(report, "problems"), i, p)
	{
		const char *m = json_string_value(json_object_get(p, "message"));
		if (m)
			json_object_set_new(p, "message",
			                    json_string(xf_req_message(req, "%s", m)));
	}
	return report;
}

/* 422 with the report inside the error object: nothing was imported. */
static void reply_invalid_rows(xf_req *req, const xf_import *imp)
{
	json_t *err = report_in_words(req, imp);
	static const char *const drop[] = {"ok", "created", "updated", "unchanged"};
	for (size_t i = 0; i < XF_ARRAY_LEN(drop); i++)
		json_object_del(err, drop[i]);
	size_t n = xf_csv_problem_count(&imp->problems);
	json_object_set_new(err, "code", json_string("invalid_rows"));
	json_object_set_new(
	    err, "message",
	    json_string(n == 1 ? xf_req_message(req, "the file has 1 problem; nothing was imported")
	                       : xf_req_message(
	                             req, "the file has %zu problems; nothing was imported", n)));
	xf_reply_json(req, 422, json_pack("{s:o}", "error", err));
}

static void import_file(xf_req *req, xf_import_kind kind)
{
	int64_t dry_run;
	if (!xf_api_query_int(req, "dry_run", 0, 1, 0, &dry_run))
		return;
	const char *bytes = req->body.data ? req->body.data : "";
	size_t len = req->body.len;
	xf_db *db = xf_db_get();
	xf_import imp;
	json_t *changed = NULL;
	xf_import_init(&imp, kind);
	int rc = dry_run ? xf_tx_begin(db, false) : xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_import(db, &imp, bytes, len, !dry_run, xf_now_ms(), &changed,
		                     CHANGED_MAX);
	bool clean = xf_csv_problem_count(&imp.problems) == 0;
	if (rc != XF_OK || dry_run || !clean) {
		xf_tx_rollback(db);
		if (rc != XF_OK)
			xf_api_store_error(req, db, rc);
		else if (dry_run)
			xf_reply_json(req, 200, report_in_words(req, &imp));
		else
			reply_invalid_rows(req, &imp);
		json_decref(changed);
		xf_import_release(&imp);
		return;
	}
	xf_actor actor = xf_api_actor(req);
	rc = xf_store_import_audit(db, &actor, &imp, bytes, len, changed);
	json_decref(changed);
	if (xf_api_finish(req, db, rc))
		xf_reply_json(req, 200, xf_import_report_json(&imp));
	xf_import_release(&imp);
}

void xf_api_import_units(xf_req *req)
{
	import_file(req, XF_IMPORT_UNITS);
}

void xf_api_import_staff(xf_req *req)
{
	import_file(req, XF_IMPORT_STAFF);
}
