/* xfbench_store — helpers of the bench/ generators that link xinfang's library
 * (libxfcore.a) and write a database through it (volbench, auditgen): compiled with
 * -I src beside xfbench.c. Failures end the program with a message naming xfb_prog. */
#ifndef XFBENCH_STORE_H
#define XFBENCH_STORE_H

#include "store/xf_store_db.h"

/* Ends the program when rc is not XF_OK: "PROG: WHAT failed (RC): the database's error". */
void xfb_check(int rc, const char *what, xf_db *db);

/* Runs SQL text (pragmas, checkpoints) on the database; ends the program on an error. */
void xfb_exec_sql(xf_db *db, const char *sql);

#endif
