/* auditgen — makes the database of bench/stall/run's scenario (c): a new database,
 * created by xf_store_open (the migrations of the library it is linked with), holding
 * EVENTS audit events appended through xf_audit_append, so the chain is a valid one
 * that GET /api/v1/audit/verify walks to the end.
 *
 *   auditgen DB EVENTS
 *
 * Appends in transactions of 50,000 with synchronous=OFF (generation only; the server
 * that reads it afterwards runs with its own settings), then truncates the WAL. Prints
 * events= and gen_seconds=. Compiled by the run script against the libxfcore.a beside
 * each server binary under test, so each binary gets a database of its own schema. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "store/xf_store.h"
#include "store/xf_store_db.h"
#include "xfbench.h"
#include "xfbench_store.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: auditgen DB EVENTS\n");
		return 2;
	}
	xfb_start("auditgen");
	char error[512];
	if (xf_store_open(argv[1], error, sizeof error) != XF_OK) {
		fprintf(stderr, "auditgen: %s\n", error);
		return 1;
	}
	int64_t events = atoll(argv[2]);
	xf_db *db = xf_db_get();
	xfb_exec_sql(db, "PRAGMA synchronous=OFF");
	xf_actor actor = {.id = 0, .name = "信访办张三", .request_id = "auditgen"};
	double t0 = xfb_now_s();
	xfb_check(xf_tx_begin(db, true), "begin", db);
	for (int64_t i = 1; i <= events; i++) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)(1 + i % 200000));
		xfb_check(xf_audit_append(db, &actor, "person.view", "person", id,
		                          json_pack("{s:s}", "summary", "查阅档案")),
		          "append", db);
		if (i % 50000 == 0) {
			xfb_check(xf_tx_commit(db), "commit", db);
			xfb_check(xf_tx_begin(db, true), "begin", db);
			fprintf(stderr, "\rauditgen: %lld events, %.0f s", (long long)i,
			        xfb_now_s() - t0);
		}
	}
	xfb_check(xf_tx_commit(db), "commit", db);
	xfb_exec_sql(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	fprintf(stderr, "\n");
	printf("events=%lld\ngen_seconds=%.1f\n", (long long)events, xfb_now_s() - t0);
	xf_store_close();
	return 0;
}
