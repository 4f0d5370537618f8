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

#include "cli/xf_cli_common.h"
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
	return xf_cli_usage(usage_text, status);
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

/* The import's arguments: a kind, a file, --dry-run and --db. */
typedef struct import_args {
	const char *path, *db_path;
	xf_import_kind kind;
	bool dry_run;
} import_args;

/* Parses argv into a; returns -1 when the import is to run, else the exit status. */
static int parse_args(int argc, char **argv, import_args *a)
{
	const char *kind_name = NULL;
	*a = (import_args){.db_path = xf_cli_env_or("XINFANG_DB", "var/xinfang.db")};
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
			return usage(0);
		if (strcmp(arg, "--dry-run") == 0)
			a->dry_run = true;
		else if (strcmp(arg, "--db") == 0) {
			if (i + 1 == argc) {
				fprintf(stderr, "xinfang: --db needs a database file\n");
				return usage(2);
			}
			a->db_path = argv[++i];
		} else if (strncmp(arg, "--db=", 5) == 0)
			a->db_path = arg + 5;
		else if (arg[0] == '-' && arg[1] != '\0') {
			fprintf(stderr, "xinfang: unknown option '%s'\n", arg);
			return usage(2);
		} else if (!kind_name)
			kind_name = arg;
		else if (!a->path)
			a->path = arg;
		else
			return usage(2);
	}
	if (!kind_name || !a->path ||
	    (strcmp(kind_name, "units") != 0 && strcmp(kind_name, "staff") != 0))
		return usage(2);
	a->kind = strcmp(kind_name, "units") == 0 ? XF_IMPORT_UNITS : XF_IMPORT_STAFF;
	return -1;
}

/* Checks the file's bytes against the open database and, unless a dry run or the file has
 * problems, applies them with their audit event; prints the report. The exit status. */
static int import_bytes(const import_args *a, const char *data, size_t len)
{
	xf_crypto_init();
	xf_db *db = xf_db_get();
	xf_import imp;
	json_t *changed = NULL;
	xf_import_init(&imp, a->kind);
	int rc = xf_tx_begin(db, !a->dry_run);
	if (rc == XF_OK)
		rc = xf_store_import(db, &imp, data, len, !a->dry_run, xf_now_ms(), &changed, 200);
	bool clean = rc == XF_OK && xf_csv_problem_count(&imp.problems) == 0;
	if (rc == XF_OK && clean && !a->dry_run) {
		const xf_actor cli = {.id = 0, .name = "cli", .request_id = ""};
		rc = xf_store_import_audit(db, &cli, &imp, data, len, changed);
		if (rc == XF_OK)
			rc = xf_tx_commit(db);
	}
	if (rc != XF_OK)
		fprintf(stderr, "xinfang: cannot import into '%s': %s\n", a->db_path,
		        xf_db_error(db));
	xf_tx_rollback(db); /* a dry run, a file with problems or a failure leave nothing */
	if (rc == XF_OK)
		print_report(a->path, &imp, a->dry_run, clean && !a->dry_run);
	json_decref(changed);
	xf_import_release(&imp);
	return rc == XF_OK && clean ? 0 : 1;
}

int xf_cli_import(int argc, char **argv)
{
	import_args a;
	int status = parse_args(argc, argv, &a);
	if (status >= 0)
		return status;

	/* Importing into a database that is not there is a typo, not a wish for a new one. */
	struct stat st;
	if (!xf_store_is_server(a.db_path) && stat(a.db_path, &st) != 0) {
		fprintf(stderr, "xinfang: cannot open database '%s': %s\n", a.db_path,
		        strerror(errno));
		return 1;
	}
	xf_buf bytes;
	xf_buf_init(&bytes, FILE_MAX);
	if (xf_cli_read_input(a.path, &bytes, "; split it") != XF_OK) {
		xf_buf_release(&bytes);
		return 1;
	}
	char error[512];
	status = 1;
	if (xf_store_open(a.db_path, error, sizeof error) != XF_OK)
		fprintf(stderr, "xinfang: %s\n", error);
	else
		status = import_bytes(&a, bytes.data ? bytes.data : "", bytes.len);
	xf_buf_release(&bytes);
	xf_store_close();
	return status;
}
