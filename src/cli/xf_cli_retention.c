/* The retention subcommand (issue 9 item 8; docs/audit.md, "Retention"): lists the
 * records whose kind's retention (the plan's "retention") has run out since their
 * incident closed, and with --apply deletes them: their rows in one transaction with
 * one retention.apply event per incident (ids, kinds, hashes, counts; never the data),
 * then the stored files no record or report points at any more. */
#include "cli/xf_cli_retention.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/xf_records.h"
#include "cli/xf_cli_common.h"
#include "core/xf_plan.h"
#include "core/xf_venue.h"
#include "store/xf_store_seal.h"

static const char usage_text[] =
    "usage: xinfang retention [--apply] [--as-of TIME] [--db FILE] [--data-dir DIR] [--plan FILE]\n"
    "Lists the records (files and 谈话记录) of closed incidents (archived, withdrawn, not\n"
    "activated) kept longer than the plan's \"retention\" gives their kind, counted from\n"
    "the incident's closing; a kind the plan does not name is kept for good. --apply\n"
    "deletes their rows and files and records one retention.apply event per incident\n"
    "with what was removed (ids, kinds, hashes), never the content; `xinfang check`\n"
    "accepts the seals of those incidents from the hashes the event keeps. --as-of\n"
    "(ISO 8601, default now) judges as of another time. Variables: XINFANG_DB,\n"
    "XINFANG_DATA_DIR, XINFANG_PLAN.\n";

static int usage(int status)
{
	return xf_cli_usage(usage_text, status);
}

static const xf_actor cli_actor = {.id = 0, .name = "cli", .request_id = ""};

/* Deletes the stored files of the removed records that nothing points at any more. */
static int delete_files(xf_db *db, const xf_retention_item *items, size_t n, int *deleted)
{
	int rc = xf_tx_begin(db, false);
	for (size_t i = 0; rc == XF_OK && i < n; i++) {
		const char *hashes[2] = {items[i].sha256, items[i].thumb_sha256};
		for (int h = 0; rc == XF_OK && h < 2; h++) {
			bool used = true;
			if (!hashes[h][0])
				continue;
			rc = xf_retention_file_used(db, hashes[h], &used);
			if (rc != XF_OK || used)
				continue;
			char path[4200];
			xf_records_path(hashes[h], path, sizeof path);
			if (unlink(path) == 0)
				(*deleted)++;
			else if (errno != ENOENT)
				fprintf(stderr, "xinfang: cannot delete '%s': %s\n", path,
				        strerror(errno));
		}
	}
	xf_tx_rollback(db);
	return rc;
}

/* What the command line asks for. */
typedef struct retention_opts {
	const char *db_path, *data_dir, *plan_path;
	bool apply;
	int64_t as_of;
} retention_opts;

/* Reads the flags over the XINFANG_* variables; -1 to go on, else the exit status. */
static int retention_parse_options(int argc, char **argv, retention_opts *o)
{
	enum { O_APPLY = 256, O_AS_OF, O_DB, O_DATA, O_PLAN, O_HELP };
	static const struct option options[] = {
	    {"apply", no_argument, NULL, O_APPLY},
	    {"as-of", required_argument, NULL, O_AS_OF},
	    {"db", required_argument, NULL, O_DB},
	    {"data-dir", required_argument, NULL, O_DATA},
	    {"plan", required_argument, NULL, O_PLAN},
	    {"help", no_argument, NULL, O_HELP},
	    {NULL, 0, NULL, 0},
	};
	o->db_path = xf_cli_env_or("XINFANG_DB", "var/xinfang.db");
	o->data_dir = xf_cli_env_or("XINFANG_DATA_DIR", NULL);
	o->plan_path = xf_cli_env_or("XINFANG_PLAN", XF_DEFAULT_PLAN);
	o->apply = false;
	o->as_of = xf_now_ms();
	int opt;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case O_APPLY:
			o->apply = true;
			break;
		case O_AS_OF:
			if (xf_iso_time_parse(optarg, &o->as_of) != XF_OK) {
				fprintf(
				    stderr,
				    "xinfang: --as-of '%s' is not an ISO 8601 time with a zone\n",
				    optarg);
				return 2;
			}
			break;
		case O_DB:
			o->db_path = optarg;
			break;
		case O_DATA:
			o->data_dir = optarg;
			break;
		case O_PLAN:
			o->plan_path = optarg;
			break;
		case 'h':
		case O_HELP:
			return usage(0);
		default:
			return usage(2);
		}
	}
	if (optind != argc)
		return usage(2);
	return -1;
}

/* Prints one line per record past its retention, with the days its kind is kept. */
static void print_due(const xf_plan *plan, const xf_retention_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char closed[XF_TIME_LEN];
		xf_time_format(items[i].closed_ms, closed);
		int days = 0;
		for (int k = 0; k < XF_RECORD_KIND_COUNT; k++)
			if (strcmp(xf_record_kind_ids[k], items[i].kind) == 0)
				days = plan->retention_days[k];
		printf("%s record %lld %s closed %s kept %d days%s%s\n", items[i].number,
		       (long long)items[i].record_id, items[i].kind, closed, days,
		       items[i].sha256[0] ? " file " : "", items[i].sha256);
	}
}

/* Removes the rows, one run of items (one retention.apply event) per incident; the items
 * come grouped by incident. */
static int remove_rows(xf_db *db, const xf_retention_item *items, size_t n, size_t *incidents)
{
	int rc = XF_OK;
	for (size_t i = 0, start = 0; rc == XF_OK && i < n; i++) {
		if (i + 1 < n && items[i + 1].incident_id == items[start].incident_id)
			continue;
		rc = xf_retention_remove(db, &cli_actor, items[start].incident_id, items + start,
		                         i + 1 - start);
		(*incidents)++;
		start = i + 1;
	}
	return rc;
}

/* Lists what is due and, with --apply, removes it in one transaction, then deletes the
 * files left unused; returns the exit status. */
static int run_retention(xf_db *db, const xf_plan *plan, const retention_opts *o)
{
	int status = 0;
	xf_retention_item *items = NULL;
	size_t n = 0;
	int rc = xf_tx_begin(db, o->apply);
	if (rc == XF_OK)
		rc = xf_retention_due(db, xf_record_kind_ids, plan->retention_days,
		                      XF_RECORD_KIND_COUNT, o->as_of, &items, &n);
	if (rc == XF_OK)
		print_due(plan, items, n);
	size_t incidents = 0;
	if (o->apply && rc == XF_OK)
		rc = remove_rows(db, items, n, &incidents);
	if (rc == XF_OK && o->apply)
		rc = xf_tx_commit(db);
	if (rc != XF_OK) {
		fprintf(stderr, "xinfang: retention failed: %s\n", xf_db_error(db));
		xf_tx_rollback(db);
		status = 1;
	} else if (!o->apply) {
		xf_tx_rollback(db);
		printf("%zu records past their retention%s\n", n,
		       n ? "; run with --apply to delete them" : "");
	} else {
		int deleted = 0;
		if (delete_files(db, items, n, &deleted) != XF_OK) {
			fprintf(stderr, "xinfang: cannot read records: %s\n", xf_db_error(db));
			status = 1;
		}
		printf("removed %zu records of %zu incidents; deleted %d stored files\n", n,
		       incidents, deleted);
	}
	free(items);
	return status;
}

int xf_cli_retention(int argc, char **argv)
{
	retention_opts o;
	int status = retention_parse_options(argc, argv, &o);
	if (status >= 0)
		return status;
	char *dir_copy = NULL;
	if (!o.data_dir) { /* records live next to the database unless told otherwise */
		dir_copy = xf_strdup(o.db_path);
		char *slash = strrchr(dir_copy, '/');
		if (slash)
			slash[slash == dir_copy ? 1 : 0] = '\0';
		o.data_dir = slash ? dir_copy : ".";
	}

	xf_plan_errors errors;
	xf_plan *plan = xf_plan_load_file(o.plan_path, &errors);
	if (!plan) {
		for (size_t i = 0; i < errors.n; i++)
			fprintf(stderr, "xinfang: plan '%s': %s\n", o.plan_path, errors.items[i]);
		free(dir_copy);
		return 1;
	}
	char error[512];
	if (xf_records_configure(o.data_dir, 0) != XF_OK ||
	    xf_store_open(o.db_path, error, sizeof error) != XF_OK) {
		if (error[0])
			fprintf(stderr, "xinfang: %s\n", error);
		xf_plan_free(plan);
		free(dir_copy);
		return 1;
	}
	status = run_retention(xf_db_get(), plan, &o);
	xf_store_close();
	xf_plan_free(plan);
	free(dir_copy);
	return status;
}
