/* What the store's own files tell each other and nobody else: the chain head file
 * follows the commits (xf_store_audit.c), and the WAL keeper watches them
 * (xf_store_wal.c). Internal to src/store/. */
#ifndef XF_STORE_HOOKS_H
#define XF_STORE_HOOKS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/xf_store.h"

/* Records a message as the connection's last error (xf_db_error). */
void xf_db_set_error(xf_db *db, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The path the store was opened with; NULL before. */
const char *xf_store_path(void);

/* Commits of any kind so far, by every thread (the WAL keeper's sign of activity). */
extern _Atomic uint64_t xf_store_commit_count;

/* Called by xf_store_open with the head file's path (NULL: none; SQLite: the
 * database path plus ".head"; PostgreSQL: in the head directory); the head it holds
 * is read and guarded from then on. */
void xf_head_open(const char *path);
void xf_head_close(void);
/* Inside a write transaction, before its COMMIT: when the transaction appended
 * events, notes the new head and makes sure the chain still holds the head last
 * recorded (if not, the head file is frozen as evidence and the problem logged). */
void xf_head_before_commit(xf_db *db);
/* After the COMMIT (committed) or a rollback (!committed): writes the noted head. */
void xf_head_after_commit(bool committed);
/* Set by xf_audit_append: this thread's transaction appended an event. */
extern _Thread_local bool xf_head_touched;

#endif
