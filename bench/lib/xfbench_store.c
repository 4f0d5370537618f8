/* xfbench_store — the database helpers of the bench/ generators (see xfbench_store.h). */
#include "xfbench_store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/xf_store.h"
#include "xfbench.h"

void xfb_check(int rc, const char *what, xf_db *db)
{
	if (rc != XF_OK) {
		fprintf(stderr, "%s: %s failed (%d): %s\n", xfb_prog, what, rc, xf_db_error(db));
		exit(1);
	}
}

void xfb_exec_sql(xf_db *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(xf_db_sqlite(db), sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "%s: '%s': %s\n", xfb_prog, sql, msg ? msg : "?");
		exit(1);
	}
}
