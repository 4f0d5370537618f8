/* holdlock — the external writer of bench/stall/run: opens a SQLite database as another
 * process would (a backup tool, a second server, an operator's script), takes the write
 * lock with BEGIN IMMEDIATE, holds it for SECONDS, then rolls back.
 *
 *   holdlock DB SECONDS
 *
 * Prints "locked" (flushed) once it holds the lock and "released" after, each with
 * the CLOCK_MONOTONIC time in seconds. Plain libsqlite3: it never reads the schema, so
 * the server's own FTS5 tokenizer is not needed (Debian's sqlite3 shell may refuse
 * the database because of it). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "xfbench.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: holdlock DB SECONDS\n");
		return 2;
	}
	sqlite3 *db;
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "holdlock: cannot open '%s': %s\n", argv[1], sqlite3_errmsg(db));
		return 1;
	}
	sqlite3_busy_timeout(db, 10000);
	char *msg = NULL;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "holdlock: 'BEGIN IMMEDIATE': %s\n", msg ? msg : "?");
		return 1;
	}
	printf("locked %.3f\n", xfb_now_s());
	fflush(stdout);
	double until = xfb_now_s() + atof(argv[2]);
	while (xfb_now_s() < until)
		usleep(10000);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	printf("released %.3f\n", xfb_now_s());
	sqlite3_close(db);
	return 0;
}
