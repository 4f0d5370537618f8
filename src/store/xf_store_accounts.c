/* Users, their roles and sessions, and the unit tree, in SQL. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/xf_store.h"
#include "store/xf_store_db.h"
#include "store/xf_store_mines.h"
#include "store/xf_store_rows.h"

const char *const xf_unit_kinds[] = {
    "mine", "department", "team", "other", "group", "discipline", /* 纪检, issue 13 */ NULL};

static void now_text(char out[XF_TIME_LEN])
{
	xf_time_format(xf_now_ms(), out);
}

/* ---- users ---- */

int xf_store_user_count(xf_db *db, int64_t *count)
{
	return xf_row_int64(db, xf_db_prepare(db, "SELECT count(*) FROM users"), count);
}

int xf_store_user_set_roles(xf_db *db, int64_t id, xf_roles roles)
{
	xf_store_auth_dirty = true;
	xf_sql_stmt *st = xf_db_prepare(db, "DELETE FROM user_roles WHERE user_id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc = xf_db_exec(db, st);
	for (int r = 0; rc == XF_OK && r < XF_ROLE_COUNT; r++) {
		if (!(roles & (1u << r)))
			continue;
		st = xf_db_prepare(db, "INSERT INTO user_roles (user_id, role) VALUES (?, ?)");
		xf_sql_bind_int64(st, 1, id);
		xf_sql_bind_text(st, 2, xf_role_id((xf_role)r), -1);
		rc = xf_db_exec(db, st);
	}
	return rc;
}

int xf_store_user_insert(xf_db *db, const char *username, const char *name, int64_t unit_id,
                         const char *phone, xf_roles roles, const char *password_hash,
                         bool must_change, int64_t *id)
{
	char now[XF_TIME_LEN];
	now_text(now);
	xf_sql_stmt *st =
	    xf_db_prepare(db, "INSERT INTO users (username, name, unit_id, phone, password_hash,"
	                      " must_change_password, created_at, updated_at) VALUES (?, ?, ?, ?, "
	                      "?, ?, ?, ?) RETURNING id");
	xf_sql_bind_text(st, 1, username, -1);
	xf_sql_bind_text(st, 2, name, -1);
	xf_sql_bind_int64(st, 3, unit_id);
	xf_sql_bind_text(st, 4, phone ? phone : "", -1);
	xf_sql_bind_text(st, 5, password_hash, -1);
	xf_sql_bind_int64(st, 6, must_change);
	xf_sql_bind_text(st, 7, now, -1);
	xf_sql_bind_text(st, 8, now, -1);
	int rc = xf_row_insert(db, st, id);
	if (rc != XF_OK)
		return rc;
	return xf_store_user_set_roles(db, *id, roles);
}

/* Roles as SQL's group_concat gives them: "admin,auditor" (unknown ids are left out). */
static xf_roles roles_of_list(const char *list)
{
	xf_roles roles = 0;
	while (*list) {
		size_t len = strcspn(list, ",");
		char id[32];
		snprintf(id, sizeof id, "%.*s", (int)(len < sizeof id ? len : sizeof id - 1), list);
		int parsed = xf_role_parse(id);
		if (parsed >= 0)
			roles |= 1u << parsed;
		list += len + (list[len] == ',');
	}
	return roles;
}

static int load_roles(xf_db *db, int64_t id, xf_roles *roles)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT role FROM user_roles WHERE user_id = ?");
	xf_sql_bind_int64(st, 1, id);
	int rc;
	*roles = 0;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW) {
		int r = xf_role_parse(xf_row_text(st, 0));
		if (r >= 0)
			*roles |= 1u << r;
	}
	xf_sql_reset(st);
	return rc == XF_SQL_DONE ? XF_OK : xf_db_fail(db, rc);
}

#define USER_COLUMNS                                                                               \
	"id, username, name, unit_id, phone, password_hash, must_change_password, disabled"

static void read_user(xf_sql_stmt *st, void *item)
{
	xf_user_row *out = item;
	memset(out, 0, sizeof *out);
	out->user.id = xf_sql_column_int64(st, 0);
	snprintf(out->user.username, sizeof out->user.username, "%s", xf_row_text(st, 1));
	snprintf(out->user.name, sizeof out->user.name, "%s", xf_row_text(st, 2));
	out->user.unit_id = xf_sql_column_int64(st, 3);
	snprintf(out->phone, sizeof out->phone, "%s", xf_row_text(st, 4));
	snprintf(out->password_hash, sizeof out->password_hash, "%s", xf_row_text(st, 5));
	out->user.must_change_password = xf_sql_column_int(st, 6) != 0;
	out->user.disabled = xf_sql_column_int(st, 7) != 0;
}

static int fetch_user(xf_db *db, xf_sql_stmt *st, xf_user_row *out)
{
	int rc = xf_row_get(db, st, read_user, out);
	return rc == XF_OK ? load_roles(db, out->user.id, &out->user.roles) : rc;
}

int xf_store_user_by_username(xf_db *db, const char *username, xf_user_row *out)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE username = ?");
	xf_sql_bind_text(st, 1, username, -1);
	return fetch_user(db, st, out);
}

int xf_store_user_by_id(xf_db *db, int64_t id, xf_user_row *out)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " USER_COLUMNS " FROM users WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return fetch_user(db, st, out);
}

/* Runs an "UPDATE users SET x = ?1, updated_at = ?2 WHERE id = ?3" statement with ?1
 * the text, or the number when text is NULL. */
static int update_user(xf_db *db, xf_sql_stmt *st, int64_t id, const char *text, int64_t number)
{
	xf_store_auth_dirty = true;
	char now[XF_TIME_LEN];
	now_text(now);
	if (text)
		xf_sql_bind_text(st, 1, text, -1);
	else
		xf_sql_bind_int64(st, 1, number);
	xf_sql_bind_text(st, 2, now, -1);
	xf_sql_bind_int64(st, 3, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

int xf_store_user_set_name(xf_db *db, int64_t id, const char *name)
{
	return update_user(
	    db, xf_db_prepare(db, "UPDATE users SET name = ?1, updated_at = ?2 WHERE id = ?3"), id,
	    name, 0);
}

int xf_store_user_set_unit(xf_db *db, int64_t id, int64_t unit_id)
{
	return update_user(
	    db, xf_db_prepare(db, "UPDATE users SET unit_id = ?1, updated_at = ?2 WHERE id = ?3"),
	    id, NULL, unit_id);
}

int xf_store_user_set_phone(xf_db *db, int64_t id, const char *phone)
{
	return update_user(
	    db, xf_db_prepare(db, "UPDATE users SET phone = ?1, updated_at = ?2 WHERE id = ?3"), id,
	    phone, 0);
}

int xf_store_user_set_disabled(xf_db *db, int64_t id, bool disabled)
{
	return update_user(
	    db, xf_db_prepare(db, "UPDATE users SET disabled = ?1, updated_at = ?2 WHERE id = ?3"),
	    id, NULL, disabled);
}

int xf_store_user_set_password(xf_db *db, int64_t id, const char *password_hash, bool must_change)
{
	xf_sql_stmt *st = xf_db_prepare(db, "UPDATE users SET password_hash = ?1, updated_at = ?2,"
	                                    " must_change_password = ?4 WHERE id = ?3");
	xf_sql_bind_int64(st, 4, must_change);
	return update_user(db, st, id, password_hash, 0);
}

json_t *xf_user_json(const xf_user_row *row)
{
	json_t *roles = json_array();
	for (int r = 0; r < XF_ROLE_COUNT; r++)
		if (row->user.roles & (1u << r))
			json_array_append_new(roles, json_string(xf_role_id((xf_role)r)));
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:o, s:b, s:b}", "id", (json_int_t)row->user.id,
	                 "username", row->user.username, "name", row->user.name, "unit_id",
	                 (json_int_t)row->user.unit_id, "phone", row->phone, "roles", roles,
	                 "disabled", row->user.disabled, "must_change_password",
	                 row->user.must_change_password);
}

int xf_store_user_list(xf_db *db, json_t **users)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " USER_COLUMNS " FROM users ORDER BY id");
	/* Collect the rows first: load_roles() uses another statement on this connection. */
	void *items;
	size_t n;
	int rc = xf_rows_read(db, st, sizeof(xf_user_row), read_user, &items, &n);
	if (rc != XF_OK)
		return rc;
	xf_user_row *rows = items;
	json_t *list = json_array();
	for (size_t i = 0; rc == XF_OK && i < n; i++)
		if ((rc = load_roles(db, rows[i].user.id, &rows[i].user.roles)) == XF_OK)
			json_array_append_new(list, xf_user_json(&rows[i]));
	free(rows);
	if (rc != XF_OK) {
		json_decref(list);
		return rc;
	}
	*users = list;
	return XF_OK;
}

int xf_store_directory(xf_db *db, const char *q, int role, int64_t unit_id, int limit,
                       xf_directory_row **rows, size_t *n)
{
	xf_sql_stmt *st = xf_db_prepare(
	    db,
	    "SELECT u.id, u.name, u.unit_id, n.name, u.phone,"
	    " (SELECT group_concat(r.role) FROM user_roles r WHERE r.user_id = u.id)"
	    " FROM users u JOIN units n ON n.id = u.unit_id"
	    " WHERE u.disabled = 0"
	    " AND (CAST(?1 AS TEXT) IS NULL OR instr(u.name, ?1) > 0 OR instr(u.username, ?1) > 0"
	    "   OR instr(n.name, ?1) > 0)"
	    " AND (CAST(?2 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id "
	    "= u.id"
	    "   AND r.role = ?2))"
	    " AND (?3 = 0 OR u.unit_id IN (WITH RECURSIVE sub(id) AS (SELECT CAST(?3 AS BIGINT) "
	    "UNION"
	    "   SELECT c.id FROM units c JOIN sub ON c.parent_id = sub.id) SELECT id FROM sub))"
	    " ORDER BY u.name, u.id LIMIT ?4");
	if (q && *q)
		xf_sql_bind_text(st, 1, q, -1);
	if (role >= 0)
		xf_sql_bind_text(st, 2, xf_role_id((xf_role)role), -1);
	xf_sql_bind_int64(st, 3, unit_id);
	xf_sql_bind_int64(st, 4, limit);
	size_t count = 0;
	xf_directory_row *out = xf_calloc((size_t)(limit > 0 ? limit : 1), sizeof *out);
	int rc;
	while ((rc = xf_sql_step(st)) == XF_SQL_ROW && count < (size_t)limit) {
		xf_directory_row *r = &out[count++];
		r->id = xf_sql_column_int64(st, 0);
		snprintf(r->name, sizeof r->name, "%s", xf_row_text(st, 1));
		r->unit_id = xf_sql_column_int64(st, 2);
		snprintf(r->unit_name, sizeof r->unit_name, "%s", xf_row_text(st, 3));
		snprintf(r->phone, sizeof r->phone, "%s", xf_row_text(st, 4));
		r->roles = roles_of_list(xf_row_text(st, 5));
	}
	xf_sql_reset(st);
	if (rc != XF_SQL_DONE && rc != XF_SQL_ROW) {
		free(out);
		return xf_db_fail(db, rc);
	}
	*rows = out;
	*n = count;
	return XF_OK;
}

/* ---- sessions ---- */

int xf_store_session_create(xf_db *db, int64_t user_id, const char *token_digest, const char *csrf,
                            int64_t now_ms, int64_t *id)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "INSERT INTO sessions (token_digest, user_id, csrf,"
	                      " created_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?) RETURNING id");
	xf_sql_bind_text(st, 1, token_digest, -1);
	xf_sql_bind_int64(st, 2, user_id);
	xf_sql_bind_text(st, 3, csrf, -1);
	xf_sql_bind_int64(st, 4, now_ms);
	xf_sql_bind_int64(st, 5, now_ms);
	return xf_row_insert(db, st, id);
}

#define SESSION_COLUMNS                                                                            \
	"s.id, s.csrf, s.created_ms, s.last_seen_ms, u.id, u.username, u.name, u.unit_id,"         \
	" u.must_change_password, u.disabled,"                                                     \
	" (SELECT group_concat(role) FROM user_roles r WHERE r.user_id = u.id)"                    \
	" FROM sessions s JOIN users u ON u.id = s.user_id"

/* Reads the one row of a SESSION_COLUMNS statement, bound by the caller. */
static int fetch_session(xf_db *db, xf_sql_stmt *st, xf_user *out, int64_t *created_ms,
                         int64_t *last_seen_ms)
{
	int rc = xf_row_one(db, st);
	if (rc != XF_OK)
		return rc;
	memset(out, 0, sizeof *out);
	out->session_id = xf_sql_column_int64(st, 0);
	snprintf(out->csrf, sizeof out->csrf, "%s", xf_row_text(st, 1));
	*created_ms = xf_sql_column_int64(st, 2);
	*last_seen_ms = xf_sql_column_int64(st, 3);
	out->id = xf_sql_column_int64(st, 4);
	snprintf(out->username, sizeof out->username, "%s", xf_row_text(st, 5));
	snprintf(out->name, sizeof out->name, "%s", xf_row_text(st, 6));
	out->unit_id = xf_sql_column_int64(st, 7);
	out->must_change_password = xf_sql_column_int(st, 8) != 0;
	out->disabled = xf_sql_column_int(st, 9) != 0;
	out->roles = roles_of_list(xf_row_text(st, 10));
	xf_sql_reset(st);
	/* The user's mine decides what "all" means (core/xf_scope.h). */
	return xf_store_unit_mine(db, out->unit_id, &out->mine_id, &out->mine_in_group);
}

int xf_store_session_lookup(xf_db *db, const char *token_digest, xf_user *out, int64_t *created_ms,
                            int64_t *last_seen_ms)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " SESSION_COLUMNS " WHERE s.token_digest = ?");
	xf_sql_bind_text(st, 1, token_digest, -1);
	return fetch_session(db, st, out, created_ms, last_seen_ms);
}

int xf_store_session_by_id(xf_db *db, int64_t session_id, xf_user *out, int64_t *created_ms,
                           int64_t *last_seen_ms)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " SESSION_COLUMNS " WHERE s.id = ?");
	xf_sql_bind_int64(st, 1, session_id);
	return fetch_session(db, st, out, created_ms, last_seen_ms);
}

int xf_store_session_purge(xf_db *db, int64_t now_ms, int64_t idle_ms, int64_t absolute_ms)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "DELETE FROM sessions WHERE last_seen_ms < ? OR created_ms < ?");
	xf_sql_bind_int64(st, 1, now_ms - idle_ms);
	xf_sql_bind_int64(st, 2, now_ms - absolute_ms);
	int rc = xf_db_exec(db, st);
	/* Only a purge that ended sessions moves the generation: every sign-in purges, and
	 * the live feed looks at the sessions of all its streams when it moves. */
	if (rc == XF_OK && xf_db_changes(db) > 0)
		xf_store_auth_dirty = true;
	return rc;
}

int xf_store_throttle_get(xf_db *db, const char *scope, const char *key, xf_throttle_row *row)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT failures, first_ms, last_ms FROM login_throttle"
	                                    " WHERE scope = ? AND key = ?");
	xf_sql_bind_text(st, 1, scope, -1);
	xf_sql_bind_text(st, 2, key, -1);
	int rc = xf_sql_step(st);
	if (rc == XF_SQL_ROW) {
		row->failures = xf_sql_column_int64(st, 0);
		row->first_ms = xf_sql_column_int64(st, 1);
		row->last_ms = xf_sql_column_int64(st, 2);
	}
	int result = rc == XF_SQL_ROW    ? XF_OK
	             : rc == XF_SQL_DONE ? XF_NOTFOUND
	                                 : xf_db_fail(db, rc);
	xf_sql_reset(st);
	return result;
}

int xf_store_throttle_put(xf_db *db, const char *scope, const char *key, const xf_throttle_row *row)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "INSERT INTO login_throttle (scope, key, failures, first_ms, last_ms)"
	                      " VALUES (?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO UPDATE SET"
	                      " failures = excluded.failures, first_ms = excluded.first_ms,"
	                      " last_ms = excluded.last_ms");
	xf_sql_bind_text(st, 1, scope, -1);
	xf_sql_bind_text(st, 2, key, -1);
	xf_sql_bind_int64(st, 3, row->failures);
	xf_sql_bind_int64(st, 4, row->first_ms);
	xf_sql_bind_int64(st, 5, row->last_ms);
	return xf_db_exec(db, st);
}

int xf_store_throttle_clear(xf_db *db, const char *scope, const char *key)
{
	xf_sql_stmt *st =
	    xf_db_prepare(db, "DELETE FROM login_throttle WHERE scope = ? AND key = ?");
	xf_sql_bind_text(st, 1, scope, -1);
	xf_sql_bind_text(st, 2, key, -1);
	return xf_db_exec(db, st);
}

int xf_store_throttle_purge(xf_db *db, int64_t before_ms)
{
	xf_sql_stmt *st = xf_db_prepare(db, "DELETE FROM login_throttle WHERE last_ms < ?");
	xf_sql_bind_int64(st, 1, before_ms);
	return xf_db_exec(db, st);
}

int xf_store_session_touch(xf_db *db, int64_t session_id, int64_t now_ms)
{
	xf_sql_stmt *st = xf_db_prepare(db, "UPDATE sessions SET last_seen_ms = ? WHERE id = ?");
	xf_sql_bind_int64(st, 1, now_ms);
	xf_sql_bind_int64(st, 2, session_id);
	/* A touch rides along on a read and never waits for the write lock: when another
	 * writer holds it, the touch is skipped (XF_UNAVAILABLE) and the next request
	 * tries again, so reads never wait for writers. On PostgreSQL writers lock rows,
	 * not the database, and the touch waits only for a writer of this session's row. */
	sqlite3 *handle = xf_db_sqlite(db);
	if (handle)
		sqlite3_busy_timeout(handle, 0);
	int rc = xf_db_exec(db, st);
	if (handle)
		sqlite3_busy_timeout(handle, XF_STORE_BUSY_MS);
	/* Ended meanwhile (logout, disabling, password reset): the caller must not go on
	 * trusting what it read before. */
	if (rc == XF_OK && xf_db_changes(db) == 0)
		return XF_NOTFOUND;
	return rc;
}

int xf_store_session_delete(xf_db *db, int64_t session_id)
{
	xf_store_auth_dirty = true;
	xf_sql_stmt *st = xf_db_prepare(db, "DELETE FROM sessions WHERE id = ?");
	xf_sql_bind_int64(st, 1, session_id);
	return xf_db_exec(db, st);
}

int xf_store_session_delete_user(xf_db *db, int64_t user_id, int64_t keep_session_id)
{
	xf_store_auth_dirty = true;
	xf_sql_stmt *st = xf_db_prepare(db, "DELETE FROM sessions WHERE user_id = ? AND id != ?");
	xf_sql_bind_int64(st, 1, user_id);
	xf_sql_bind_int64(st, 2, keep_session_id);
	return xf_db_exec(db, st);
}

/* ---- units ---- */

int xf_store_unit_count(xf_db *db, int64_t *count)
{
	return xf_row_int64(db, xf_db_prepare(db, "SELECT count(*) FROM units"), count);
}

int xf_store_unit_insert(xf_db *db, int64_t parent_id, const char *name, const char *kind,
                         int64_t *id)
{
	char now[XF_TIME_LEN];
	now_text(now);
	xf_sql_stmt *st = xf_db_prepare(db, "INSERT INTO units (parent_id, name, kind, created_at) "
	                                    "VALUES (?, ?, ?, ?) RETURNING id");
	if (parent_id)
		xf_sql_bind_int64(st, 1, parent_id);
	else
		xf_sql_bind_null(st, 1);
	xf_sql_bind_text(st, 2, name, -1);
	xf_sql_bind_text(st, 3, kind, -1);
	xf_sql_bind_text(st, 4, now, -1);
	return xf_row_insert(db, st, id);
}

#define UNIT_COLUMNS "id, parent_id, name, kind, head_user_id, number_prefix"

/* One unit in its API shape (number_prefix: a mine's incident numbers, null for the
 * default: xf_store_mines.h). */
static json_t *read_unit(xf_sql_stmt *st)
{
	return json_pack("{s:I, s:o, s:s, s:s, s:o, s:o}", "id",
	                 (json_int_t)xf_sql_column_int64(st, 0), "parent_id", xf_row_id(st, 1),
	                 "name", xf_row_text(st, 2), "kind", xf_row_text(st, 3), "head_user_id",
	                 xf_row_id(st, 4), "number_prefix", xf_row_string(st, 5));
}

int xf_store_unit_get(xf_db *db, int64_t id, json_t **unit)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " UNIT_COLUMNS " FROM units WHERE id = ?");
	xf_sql_bind_int64(st, 1, id);
	return xf_row_json(db, st, read_unit, unit);
}

int xf_store_unit_list(xf_db *db, json_t **units)
{
	xf_sql_stmt *st = xf_db_prepare(db, "SELECT " UNIT_COLUMNS " FROM units ORDER BY id");
	return xf_rows_json(db, st, read_unit, units);
}

int xf_store_unit_list_text(xf_db *db, xf_buf *out)
{
	json_t *units;
	int rc = xf_store_unit_list(db, &units);
	if (rc != XF_OK)
		return rc;
	char *text = json_dumps(units, JSON_COMPACT);
	json_decref(units);
	xf_buf_puts(out, text);
	free(text);
	return XF_OK;
}

/* Runs an "UPDATE units SET x = ?1 WHERE id = ?2" statement, ?1 bound by the caller. */
static int update_unit(xf_db *db, xf_sql_stmt *st, int64_t id)
{
	xf_sql_bind_int64(st, 2, id);
	return xf_row_changed(db, xf_db_exec(db, st));
}

static int update_unit_text(xf_db *db, xf_sql_stmt *st, int64_t id, const char *text)
{
	xf_sql_bind_text(st, 1, text, -1);
	return update_unit(db, st, id);
}

int xf_store_unit_set_name(xf_db *db, int64_t id, const char *name)
{
	return update_unit_text(db, xf_db_prepare(db, "UPDATE units SET name = ?1 WHERE id = ?2"),
	                        id, name);
}

int xf_store_unit_set_kind(xf_db *db, int64_t id, const char *kind)
{
	xf_store_auth_dirty = true; /* the mine of its users may change */
	return update_unit_text(db, xf_db_prepare(db, "UPDATE units SET kind = ?1 WHERE id = ?2"),
	                        id, kind);
}

int xf_store_unit_set_head(xf_db *db, int64_t id, int64_t head_user_id)
{
	xf_sql_stmt *st = xf_db_prepare(db, "UPDATE units SET head_user_id = ?1 WHERE id = ?2");
	xf_bind_id(st, 1, head_user_id);
	return update_unit(db, st, id);
}

int xf_store_unit_set_parent(xf_db *db, int64_t id, int64_t parent_id)
{
	if (parent_id) {
		/* Walk up from the new parent: meeting the unit itself would close a cycle. */
		xf_sql_stmt *st =
		    xf_db_prepare(db, "WITH RECURSIVE up(id) AS (SELECT CAST(? AS BIGINT) UNION "
		                      "SELECT u.parent_id FROM units u"
		                      " JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL)"
		                      " SELECT 1 FROM up WHERE id = ?");
		xf_sql_bind_int64(st, 1, parent_id);
		xf_sql_bind_int64(st, 2, id);
		int rc = xf_row_none(db, st);
		if (rc != XF_OK)
			return rc;
	}
	xf_sql_stmt *st = xf_db_prepare(db, "UPDATE units SET parent_id = ?1 WHERE id = ?2");
	xf_bind_id(st, 1, parent_id);
	xf_store_auth_dirty = true; /* the mine of its users may change */
	return update_unit(db, st, id);
}
