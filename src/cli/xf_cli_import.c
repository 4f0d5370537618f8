/* The import subcommand: reads a CSV file of units or staff, checks every row against
 * the database and, unless --dry-run or the file has problems, applies it in one
 * transaction with one audit event (actor "cli"), as POST /api/v1/imports/... does.
 * It prints the report as lines a person reads, problems as FILE:LINE: FIELD: message. */
#include "cli/xf_cli_import.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/xf_password.h"
#include "store/xf_store_roster.h"
#include "util/xf_buf.h"

#define FILE_MAX (16u << 20) /* an import file: a roster of 100,000 people is ~5 MiB */

static const char usage_text[] =
    "usage: xinfang import units|staff FILE [--dry-run] [--db FILE]\n"
    "Imports units or the staff roster (花名册) from a CSV file in UTF-8 or GBK/GB18030,\n"
    "as Excel saves it; FILE '-' reads standard input. The first line names the columns:\n"
    "  units: 名称/name, 上级单位/parent, 类型/kind (矿, 科室, 区队, 其他)\n"
    "  staff: 工号/staff_number, 姓名/name, 单位/unit, 职务/position, 电话/phone\n"
    "Every row is checked first; a file with any problem imports nothing and exits 1,\n"
    "naming each problem as FILE:LINE: FIELD: message. --dry-run only checks.\n"
    "Importing the same file again changes nothing. Variable: XINFANG_DB.\n";

static int usage(int status)
{
	fputs(usage_text, status ? stderr : stdout);
	return status;
}

static int read_file(const char *path, xf_buf *out)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "xinfang: cannot open '%s': %s\n", path, strerror(errno));
		return XF_ERR;
	}
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (xf_buf_append(out, chunk, n) != XF_OK)
			break;
	int failed = ferror(f) ? errno : 0;
	if (f != stdin)
		fclose(f);
	if (out->overflow) {
		fprintf(stderr, "xinfang: '%s' is larger than %u MiB; split it\n", path,
		        FILE_MAX >> 20);
		return XF_ERR;
	}
	if (failed) {
		fprintf(stderr, "xinfang: cannot read '%s': %s\n", path, strerror(failed));
		return XF_ERR;
	}
	return XF_OK;
}

static void print_report(const char *path, const xf_import *imp, bool dry_run, bool applied)
{
	size_t problems = xf_csv_problem_count(&imp->problems);
	for (size_t i = 0; i < imp->n_ignored; i++)
		printf("%s:1: column '%s' is not read\n", path, imp->ignored_columns[i]);
	for (size_t i = 0; i < imp->problems.n; i++) {
		const xf_csv_problem *p = &imp->problems.items[i];
		printf("%s:", path);
		if (p->line)
			printf("%zu:", p->line);
		printf(" %s%s%s\n", p->field, p->field[0] ? ": " : "", p->message);
	}
	if (imp->problems.dropped)
		printf("%s: ... and %zu more problems\n", path, imp->problems.dropped);
	printf("%s: %s, %zu rows", path, xf_csv_encoding_name(imp->encoding), imp->n_rows);
	if (problems)
		printf(", %zu problem%s; nothing was imported\n", problems,
		       problems == 1 ? "" : "s");
	else
		printf(": %zu %s, %zu %s, %zu unchanged%s\n", imp->created,
		       applied ? "created" : "to create", imp->updated,
		       applied ? "updated" : "to update", imp->unchanged,
		       dry_run ? " (dry run: nothing was imported)" : "");
}

int xf_cli_import(int argc, char **argv)
{
	const char *kind_name = NULL, *path = NULL, *db_path = getenv("XINFANG_DB");
	bool dry_run = false;
	if (!db_path || !*db_path)
		db_path = "var/xinfang.db";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return usage(0);
		if (strcmp(a, "--dry-run") == 0)
			dry_run = true;
		else if (strcmp(a, "--db") == 0) {
			if (i + 1 == argc) {
				fprintf(stderr, "xinfang: --db needs a database file\n");
				return usage(2);
			}
			db_path = argv[++i];
		} else if (strncmp(a, "--db=", 5) == 0)
			db_path = a + 5;
		else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "xinfang: unknown option '%s'\n", a);
			return usage(2);
		} else if (!kind_name)
			kind_name = a;
		else if (!path)
			path = a;
		else
			return usage(2);
	}
	if (!kind_name || !path ||
	    (strcmp(kind_name, "units") != 0 && strcmp(kind_name, "staff") != 0))
		return usage(2);
	xf_import_kind kind = strcmp(kind_name, "units") == 0 ? XF_IMPORT_UNITS : XF_IMPORT_STAFF;

	/* Importing into a database that is not there is a typo, not a wish for a new one. */
	struct stat st;
	if (stat(db_path, &st) != 0) {
		fprintf(stderr, "xinfang: cannot open database '%s': %s\n", db_path,
		        strerror(errno));
		return 1;
	}
	xf_buf bytes;
	xf_buf_init(&bytes, FILE_MAX);
	if (read_file(path, &bytes) != XF_OK) {
		xf_buf_release(&bytes);
		return 1;
	}
	char error[512];
	if (xf_store_open(db_path, error, sizeof error) != XF_OK) {
		fprintf(stderr, "xinfang: %s\n", error);
		xf_buf_release(&bytes);
		xf_store_close();
		return 1;
	}
	xf_crypto_init();
	xf_db *db = xf_db_get();
	xf_import imp;
	json_t *changed = NULL;
	xf_import_init(&imp, kind);
	const char *data = bytes.data ? bytes.data : "";
	int rc = xf_tx_begin(db, !dry_run);
	if (rc == XF_OK)
		rc = xf_store_import(db, &imp, data, bytes.len, !dry_run, xf_now_ms(), &changed,
		                     200);
	bool clean = rc == XF_OK && xf_csv_problem_count(&imp.problems) == 0;
	if (rc == XF_OK && clean && !dry_run) {
		const xf_actor cli = {.id = 0, .name = "cli", .request_id = ""};
		rc = xf_store_import_audit(db, &cli, &imp, data, bytes.len, changed);
		if (rc == XF_OK)
			rc = xf_tx_commit(db);
	}
	if (rc != XF_OK)
		fprintf(stderr, "xinfang: cannot import into '%s': %s\n", db_path, xf_db_error(db));
	xf_tx_rollback(db); /* a dry run, a file with problems or a failure leave nothing */
	if (rc == XF_OK)
		print_report(path, &imp, dry_run, clean && !dry_run);
	json_decref(changed);
	xf_import_release(&imp);
	xf_buf_release(&bytes);
	xf_store_close();
	return rc == XF_OK && clean ? 0 : 1;
}
