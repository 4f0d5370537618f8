/* Reading and appending the events table, the one hash-chained log of every change,
 * and keeping its head in the head file beside the database (xf_store.h). The hashing
 * itself is core/xf_audit.c; this file moves rows in and out. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/xf_audit.h"
#include "store/xf_store.h"
#include "store/xf_store_db.h"
#include "store/xf_store_hooks.h"
#include "store/xf_store_rows.h"

int xf_audit_append(xf_db *db, const xf_actor *actor, const char *action, const char *object_type,
                    const char *object_id, json_t *data)
{
	unsigned char prev[XF_HASH_LEN] = {0}, hash[XF_HASH_LEN];
	char prev_hex[XF_HASH_HEX_LEN], hash_hex[XF_HASH_HEX_LEN], at[XF_TIME_LEN];
	int64_t seq = 1;

	/* The caller's write transaction makes reading the last link and adding the next
	 * one atomic: outside it two writers could chain onto the same row. */
	assert(xf_sql_in_transaction(xf_db_sql(db)));
	/* On PostgreSQL writers of other processes append too: one at a time. */
	int rc = xf_sql_lock_chain(xf_db_sql(db));
	if (rc != XF_OK) {
		json_decref(data);
		return xf_db_fail(db, rc);
	}
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
	rc = xf_sql_step(st);
	if (rc == XF_SQL_ROW) {
		seq = xf_sql_column_int64(st, 0) + 1;
		if (xf_hex_decode(xf_row_text(st, 1), prev, XF_HASH_LEN) != XF_OK) {
			xf_sql_reset(st);
			json_decref(data);
			return XF_ERR; /* a damaged head: `xinfang check` names it */
		}
	} else if (rc != XF_SQL_DONE) {
		json_decref(data);
		return xf_db_fail(db, rc);
	}
	xf_sql_reset(st);
	/* The chain's first link hangs from the all-zero hash; every later one from a row. */
	assert(seq >= 1);
	assert(seq > 1 || sodium_is_zero(prev, XF_HASH_LEN));

	char *data_text = data ? xf_json_canonical(data) : xf_strdup("{}");
	json_decref(data);
	xf_time_format(xf_now_ms(), at);
	xf_audit_row row = {
	    .seq = seq,
	    .at = at,
	    .actor_id = actor->id,
	    .actor = actor->name ? actor->name : "system",
	    .action = action,
	    .object_type = object_type,
	    .object_id = object_id ? object_id : "",
	    .data = data_text,
	    .request_id = actor->request_id ? actor->request_id : "",
	};
	xf_audit_hash(prev, &row, hash);
	xf_hex_encode(prev, XF_HASH_LEN, prev_hex);
	xf_hex_encode(hash, XF_HASH_LEN, hash_hex);
	assert(strlen(prev_hex) == XF_HASH_HEX_LEN - 1 && strlen(hash_hex) == XF_HASH_HEX_LEN - 1);

	st = xf_db_prepare(db, "INSERT INTO events (seq, at, actor_id, actor, action, object_type,"
	                       " object_id, data, request_id, prev_hash, hash)"
	                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	xf_sql_bind_int64(st, 1, row.seq);
	xf_sql_bind_text(st, 2, row.at, -1);
	if (row.actor_id)
		xf_sql_bind_int64(st, 3, row.actor_id);
	else
		xf_sql_bind_null(st, 3);
	xf_sql_bind_text(st, 4, row.actor, -1);
	xf_sql_bind_text(st, 5, row.action, -1);
	xf_sql_bind_text(st, 6, row.object_type, -1);
	xf_sql_bind_text(st, 7, row.object_id, -1);
	xf_sql_bind_text(st, 8, row.data, -1);
	xf_sql_bind_text(st, 9, row.request_id, -1);
	xf_sql_bind_text(st, 10, prev_hex, -1);
	xf_sql_bind_text(st, 11, hash_hex, -1);
	rc = xf_db_exec(db, st);
	free(data_text);
	/* A trigger added behind our back (RAISE(IGNORE)) could drop the row silently:
	 * then the change must not commit without its event. */
	if (rc == XF_OK && xf_db_changes(db) != 1) {
		xf_db_set_error(db, "event seq=%" PRId64 " was not stored: a trigger on events?",
		                seq);
		rc = XF_ERR;
	}
	if (rc == XF_OK)
		xf_store_data_dirty = xf_head_touched = true;
	return rc;
}

/* Reads the row at the statement's cursor into an audit row (strings borrowed). */
static void read_row(xf_sql_stmt *st, xf_audit_row *row)
{
	row->seq = xf_sql_column_int64(st, 0);
	row->at = xf_row_text(st, 1);
	row->actor_id = xf_sql_column_int64(st, 2);
	row->actor = xf_row_text(st, 3);
	row->action = xf_row_text(st, 4);
	row->object_type = xf_row_text(st, 5);
	row->object_id = xf_row_text(st, 6);
	row->data = xf_row_text(st, 7);
	row->request_id = xf_row_text(st, 8);
}

#define EVENT_COLUMNS                                                                              \
	"seq, at, actor_id, actor, action, object_type, object_id, data, request_id, prev_hash, "  \
	"hash"

int xf_audit_page(xf_db *db, int64_t after, int limit, json_t **events, int64_t *next_after)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " EVENT_COLUMNS
	                                    " FROM events WHERE seq > ? ORDER BY seq LIMIT ?");
	xf_sql_bind_int64(st, 1, after);
	xf_sql_bind_int64(st, 2, limit + 1);
	json_t *list = json_array();
	int rc, n = 0;
	*next_after = 0;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		if (n == limit) {
			*next_after = json_integer_value(
			    json_object_get(json_array_get(list, (size_t)n - 1), "seq"));
			break;
		}
		xf_audit_row row;
		read_row(st, &row);
		json_t *data = json_loads(row.data, 0, NULL);
		json_t *e = json_pack(
		    "{s:I, s:s, s:o, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s}", "seq",
		    (json_int_t)row.seq, "at", row.at, "actor_id",
		    row.actor_id ? json_integer(row.actor_id) : json_null(), "actor", row.actor,
		    "action", row.action, "object_type", row.object_type, "object_id",
		    row.object_id, "data", data ? data : json_string(row.data), "request_id",
		    row.request_id, "prev_hash", xf_row_text(st, 9), "hash", xf_row_text(st, 10));
		json_array_append_new(list, e);
		n++;
	}
	if (rc != XF_SQL_ROW && rc != XF_SQL_DONE) {
		json_decref(list);
		return xf_db_fail(db, rc);
	}
	xf_sql_reset(st);
	*events = list;
	return XF_OK;
}

int xf_audit_verify(xf_db *db, xf_audit_walk *walk)
{
	return xf_audit_verify_marked(db, 0, walk);
}

int xf_audit_verify_marked(xf_db *db, int64_t mark_seq, xf_audit_walk *walk)
{
	xf_audit_walk_init(walk);
	walk->mark_seq = mark_seq;
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " EVENT_COLUMNS " FROM events ORDER BY seq");
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		xf_audit_row row;
		read_row(st, &row);
		if (!xf_audit_walk_step(walk, &row, xf_row_text(st, 9), xf_row_text(st, 10)))
			break;
	}
	int result = rc == XF_SQL_ROW || rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
	xf_sql_reset(st);
	return result;
}

/* ---- the head file ---- */

_Thread_local bool xf_head_touched;
/* The newest event of this thread's transaction, noted before its COMMIT. */
static _Thread_local xf_audit_head pending;

static pthread_mutex_t head_lock = PTHREAD_MUTEX_INITIALIZER;
static char *head_path;     /* NULL: no head file (in-memory database) */
static xf_audit_head known; /* the head this process last read or wrote; seq 0: none */
static bool head_frozen;    /* the database lost the head: the file is evidence now */
static bool head_file_exists;

char *xf_store_head_path_of(const char *db_path)
{
	size_t n = strlen(db_path);
	char *path = xf_malloc(n + sizeof ".head");
	memcpy(path, db_path, n);
	memcpy(path + n, ".head", sizeof ".head");
	return path;
}

const char *xf_store_head_path(void)
{
	return head_path;
}

int xf_audit_head_read(const char *path, xf_audit_head *head, char *error, size_t error_size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return XF_NOTFOUND;
		snprintf(error, error_size, "cannot read head file '%s': %s", path,
		         strerror(errno));
		return XF_ERR;
	}
	char text[XF_AUDIT_HEAD_TEXT_LEN + 1];
	size_t n = 0;
	ssize_t got;
	while (n < sizeof text && (got = read(fd, text + n, sizeof text - n)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			snprintf(error, error_size, "cannot read head file '%s': %s", path,
			         strerror(errno));
			close(fd);
			return XF_ERR;
		}
		n += (size_t)got;
	}
	close(fd);
	if (!xf_audit_head_parse(text, n, head)) {
		snprintf(error, error_size,
		         "head file '%s' is not one line 'xinfang-head-v1 SEQ HASH'", path);
		return XF_ERR;
	}
	return XF_OK;
}

/* fsync of the directory that holds path, so that a new name survives a crash. */
static void sync_directory(const char *path)
{
	char *dir = xf_strdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		slash[slash == dir ? 1 : 0] = '\0';
	int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int xf_audit_head_write(const char *path, const xf_audit_head *head, char *error, size_t error_size)
{
	char text[XF_AUDIT_HEAD_TEXT_LEN];
	xf_audit_head_format(head, text);
	size_t n = strlen(text), tmp_size = strlen(path) + 32;
	char *tmp = xf_malloc(tmp_size);
	/* One temporary name per process: the server and a command line may write at once. */
	snprintf(tmp, tmp_size, "%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
	bool ok = fd >= 0;
	for (size_t done = 0; ok && done < n;) {
		ssize_t w = write(fd, text + done, n - done);
		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		done += ok ? (size_t)w : 0;
	}
	ok = ok && fdatasync(fd) == 0;
	int saved = errno;
	if (fd >= 0)
		close(fd);
	ok = ok && rename(tmp, path) == 0;
	if (!ok) {
		saved = errno ? errno : saved;
		snprintf(error, error_size, "cannot write head file '%s': %s", path,
		         strerror(saved));
		unlink(tmp);
	}
	free(tmp);
	return ok ? XF_OK : XF_ERR;
}

int xf_audit_head_raise(const char *path, const xf_audit_head *head, xf_audit_head *now,
                        char *error, size_t error_size)
{
	size_t lock_size = strlen(path) + sizeof ".lock";
	char *lock_path = xf_malloc(lock_size);
	snprintf(lock_path, lock_size, "%s.lock", path);
	int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
	if (lock < 0) {
		snprintf(error, error_size, "cannot open '%s': %s", lock_path, strerror(errno));
		free(lock_path);
		return XF_ERR;
	}
	free(lock_path);
	while (flock(lock, LOCK_EX) != 0 && errno == EINTR)
		;
	/* Read, compare and replace under the lock: another process on the same file
	 * (a second server of the database, a command line) may have written a newer
	 * head meanwhile, which must not be lowered. */
	xf_audit_head current = {0};
	int rc = xf_audit_head_read(path, &current, error, error_size);
	if (rc == XF_OK && current.seq >= head->seq) {
		*now = current;
	} else if (rc == XF_OK || rc == XF_NOTFOUND) {
		rc = xf_audit_head_write(path, head, error, error_size);
		if (rc == XF_OK)
			*now = *head;
	}
	flock(lock, LOCK_UN);
	close(lock);
	return rc;
}

void xf_head_open(const char *path)
{
	pthread_mutex_lock(&head_lock);
	free(head_path);
	head_path = NULL;
	memset(&known, 0, sizeof known);
	head_frozen = head_file_exists = false;
	if (path) {
		char error[512];
		head_path = xf_strdup(path);
		int rc = xf_audit_head_read(head_path, &known, error, sizeof error);
		head_file_exists = rc != XF_NOTFOUND;
		if (rc == XF_ERR) {
			/* Not ours to repair: keep it for whoever looks into it. */
			xf_log("audit chain: %s; it is left as it is and not updated", error);
			memset(&known, 0, sizeof known);
			head_frozen = true;
		}
	}
	pthread_mutex_unlock(&head_lock);
}

void xf_head_close(void)
{
	pthread_mutex_lock(&head_lock);
	free(head_path);
	head_path = NULL;
	pthread_mutex_unlock(&head_lock);
}

/* Freezes the head file with a logged reason (under head_lock). */
static void freeze(const char *why)
{
	if (!head_frozen)
		xf_log("audit chain: %s; the head file '%s' is kept as evidence and no longer "
		       "updated: run 'xinfang check'",
		       why, head_path);
	head_frozen = true;
}

void xf_head_before_commit(xf_db *db)
{
	pending.seq = 0;
	if (!xf_head_touched)
		return;
	pthread_mutex_lock(&head_lock);
	xf_audit_head recorded = known;
	bool active = head_path && !head_frozen;
	pthread_mutex_unlock(&head_lock);
	if (!active)
		return;

	/* The newest row, read under the write lock: exact even if a savepoint took back
	 * an append. */
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1");
	if (xf_sql_step(st) == XF_SQL_ROW) {
		pending.seq = xf_sql_column_int64(st, 0);
		if (xf_hex_decode(xf_row_text(st, 1), pending.hash, XF_HASH_LEN) != XF_OK)
			pending.seq = 0;
	}
	xf_sql_reset(st);
	if (!pending.seq || !recorded.seq)
		return;

	/* The chain must still hold the head recorded last. */
	char why[200] = "";
	st = xf_db_prepare(db, "SELECT hash FROM events WHERE seq = ?");
	xf_sql_bind_int64(st, 1, recorded.seq);
	int rc = xf_sql_step(st);
	unsigned char stored[XF_HASH_LEN];
	if (rc == XF_SQL_ROW) {
		if (xf_hex_decode(xf_row_text(st, 0), stored, XF_HASH_LEN) != XF_OK ||
		    sodium_memcmp(stored, recorded.hash, XF_HASH_LEN) != 0)
			snprintf(why, sizeof why,
			         "events row seq=%" PRId64 " is not the one the head file recorded",
			         recorded.seq);
	} else if (rc == XF_SQL_DONE) {
		snprintf(why, sizeof why,
		         "events row seq=%" PRId64 " that the head file recorded is gone",
		         recorded.seq);
	} else {
		pending.seq = 0; /* cannot tell now; the next commit looks again */
	}
	xf_sql_reset(st);
	if (why[0]) {
		pthread_mutex_lock(&head_lock);
		freeze(why);
		pthread_mutex_unlock(&head_lock);
		pending.seq = 0;
	}
}

static bool write_failing;

/* Writes head to the file unless it holds a newer one; false (logged once while it
 * lasts) when it cannot. *now is the file's head after it (head, or the newer one
 * another process wrote). Only one thread of the process at a time writes: the
 * caller holds head_lock, or is the head writer. */
static bool write_head(const char *path, const xf_audit_head *head, bool *created,
                       xf_audit_head *now)
{
	char error[512];
	bool existed = head_file_exists;
	if (xf_audit_head_raise(path, head, now, error, sizeof error) != XF_OK) {
		/* The commit stands; the file is behind, which check allows. */
		if (!write_failing)
			xf_log("audit chain: %s", error);
		write_failing = true;
		return false;
	}
	if (!existed)
		sync_directory(path);
	if (write_failing)
		xf_log("audit chain: head file '%s' written again", path);
	write_failing = false;
	*created = !existed;
	return true;
}

/* Writes head if it is newer than the file's (under head_lock). */
static void write_head_locked(const xf_audit_head *head)
{
	bool created;
	xf_audit_head now;
	if (head_path && !head_frozen && head->seq > known.seq &&
	    write_head(head_path, head, &created, &now)) {
		known = now;
		head_file_exists = true;
	}
}

/* The head writer of a server: commits hand it their head and go on; it writes the
 * newest it has been given, so under load one fdatasync covers many commits and no
 * request waits for it (nor for head_lock during the write). */
#define HEAD_WRITE_INTERVAL_MS 50L
static pthread_t writer;
static bool writer_running, writer_stopping;
static pthread_cond_t writer_wake = PTHREAD_COND_INITIALIZER;
static xf_audit_head wanted; /* the newest committed head not yet written */

static void *write_heads(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&head_lock);
	for (;;) {
		while (!writer_stopping && wanted.seq <= known.seq)
			pthread_cond_wait(&writer_wake, &head_lock);
		if (wanted.seq <= known.seq || head_frozen || !head_path) {
			if (writer_stopping)
				break;
			wanted.seq = 0;
			continue;
		}
		xf_audit_head head = wanted;
		char *path = xf_strdup(head_path);
		pthread_mutex_unlock(&head_lock);
		xf_audit_head now;
		bool created = false, written = write_head(path, &head, &created, &now);
		free(path);
		pthread_mutex_lock(&head_lock);
		if (written) {
			if (now.seq > known.seq)
				known = now;
			head_file_exists = true;
			/* At most one write per HEAD_WRITE_INTERVAL_MS: under load the fdatasyncs
			 * of the head would compete with those of the commits. */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_nsec += HEAD_WRITE_INTERVAL_MS * 1000000L;
			until.tv_sec += until.tv_nsec / 1000000000L;
			until.tv_nsec %= 1000000000L;
			while (!writer_stopping &&
			       pthread_cond_timedwait(&writer_wake, &head_lock, &until) == 0)
				;
		} else if (writer_stopping) {
			break;
		} else {
			/* try again in a second, or sooner with a newer head */
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			pthread_cond_timedwait(&writer_wake, &head_lock, &until);
		}
	}
	pthread_mutex_unlock(&head_lock);
	return NULL;
}

int xf_store_head_writer_start(void)
{
	pthread_mutex_lock(&head_lock);
	writer_stopping = false;
	wanted.seq = 0;
	bool ok = writer_running || pthread_create(&writer, NULL, write_heads, NULL) == 0;
	writer_running = ok;
	pthread_mutex_unlock(&head_lock);
	return ok ? XF_OK : XF_ERR;
}

void xf_store_head_writer_stop(void)
{
	pthread_mutex_lock(&head_lock);
	bool running = writer_running;
	writer_stopping = true;
	pthread_cond_signal(&writer_wake);
	pthread_mutex_unlock(&head_lock);
	if (running)
		pthread_join(writer, NULL); /* it writes the last head before it ends */
	pthread_mutex_lock(&head_lock);
	writer_running = false;
	pthread_mutex_unlock(&head_lock);
}

void xf_head_after_commit(bool committed)
{
	xf_head_touched = false;
	if (!committed || !pending.seq)
		return;
	xf_audit_head head = pending;
	pending.seq = 0;
	pthread_mutex_lock(&head_lock);
	if (writer_running) {
		/* Another thread may have committed later rows and handed them over first. */
		if (head.seq > wanted.seq) {
			wanted = head;
			pthread_cond_signal(&writer_wake);
		}
	} else {
		write_head_locked(&head);
	}
	pthread_mutex_unlock(&head_lock);
}
