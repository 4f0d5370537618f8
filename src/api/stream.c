/* The live feed (GET /stream): Server-Sent Events of incident changes, without a
 * thread per client.
 *
 * After every commit the committing thread notifies the feed's own thread (and on
 * PostgreSQL, after another process's commit, the change bus's thread does:
 * store/xf_store_bus.h, opened by `xinfang serve`), which
 * reads the new incident events from the database in sequence order, renders each
 * once as an SSE message together with who may see it, puts it in a ring and wakes
 * the parked connections. The request that committed answers without waiting for
 * the fan-out. Each connection's reader, on a polling thread, copies the
 * messages its user may see and parks again when there is nothing left; the reader
 * never touches the store. A heartbeat comment every 15 s keeps proxies and the
 * client's idle timers content and lets a parked connection notice a client that
 * left. A client that reconnects with Last-Event-ID is first sent what it missed,
 * read from the database by the request's handler, on a worker thread, before the
 * stream starts.
 *
 * A stream lives only as long as the session it was opened under: the feed thread
 * looks the sessions of the open streams up again after every commit that changed an
 * account or a session in this process, and at every heartbeat for changes made by
 * another (the command line), and ends the streams whose session is gone, expired or
 * disabled or whose user's roles or unit changed. A user holds at most
 * XINFANG_STREAMS_PER_USER streams: a new one ends that user's oldest. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/xf_api.h"
#include "store/xf_store_mines.h"
#include "store/xf_store_notifications.h"

#define RING_SIZE        1024
#define MAX_LINKS        64 /* units and assignees remembered per message */
#define REPLAY_BATCH     500
#define REPLAY_MAX       10000 /* missed events replayed on reconnect; beyond, a reset message */
#define HEARTBEAT_MS     15000 /* XINFANG_STREAM_HEARTBEAT_MS changes it (tests) */
#define STREAMS_PER_USER 8     /* XINFANG_STREAMS_PER_USER changes it */
#define REFILL_BYTES     32768 /* a refill stops past this much output; the rest waits its turn */

typedef struct message {
	int64_t seq, incident_id, mine_id;
	int n_units, n_assignees;
	int64_t units[MAX_LINKS], assignees[MAX_LINKS];
	char *text;
} message;

typedef struct client {
	xf_conn *conn;
	xf_scope scope;
	int64_t *subtree; /* units a unit head may see */
	size_t n_subtree;
	int64_t last_seq;
	/* The session the stream was opened under and what its user was then: the stream
	 * lasts while they hold. */
	int64_t session_id, user_id, unit_id;
	xf_roles roles;
	const char *end_reason; /* non-NULL: the stream is ending, and why */
	bool farewell_sent;
	xf_buf out;
	size_t out_pos;
	bool parked, heartbeat_due;
	bool notice_due; /* a notification was made for this user: tell them (no content) */
	struct client *prev, *next;
} client;

static struct {
	pthread_mutex_t lock; /* ring, clients, and the flags below */
	pthread_cond_t wake;  /* the feed thread: something to publish, or stop */
	bool started, stopping, pending;
	message ring[RING_SIZE];
	size_t ring_start, ring_count;
	int64_t evicted_seq;   /* newest seq that fell out of the ring */
	int64_t published_seq; /* newest event seq read by a publisher */
	int64_t noticed_id;    /* newest notification whose user was told */
	client *clients;       /* newest first */
	size_t n_clients;
	pthread_t thread;
	int64_t heartbeat_ms;
	size_t streams_per_user;
	uint64_t checked_generation; /* accounts as of the last look at the sessions; feed thread */
} feed = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
};

static bool linked(const int64_t *list, int n, int64_t id)
{
	for (int i = 0; i < n; i++)
		if (list[i] == id)
			return true;
	return false;
}

static bool visible(const client *c, const message *m)
{
	if (c->scope.all || (c->scope.mine_id && m->mine_id == c->scope.mine_id))
		return true;
	if (c->scope.user_id && linked(m->assignees, m->n_assignees, c->scope.user_id))
		return true;
	for (size_t i = 0; i < c->n_subtree; i++)
		if (linked(m->units, m->n_units, c->subtree[i]))
			return true;
	/* An incident with more links than remembered is not streamed to partial scopes:
	 * confidentiality before completeness; the dashboard still shows it on reload. */
	return false;
}

static void wake_all(bool heartbeat)
{
	for (client *c = feed.clients; c; c = c->next) {
		if (heartbeat)
			c->heartbeat_due = true;
		if (c->parked) {
			c->parked = false;
			xf_http_wake(c->conn);
		}
	}
}

/* Ends a stream: its reader finishes the message under way, says why and ends the
 * response. Called with feed.lock held. */
static void end_client(client *c, const char *reason)
{
	if (c->end_reason)
		return;
	c->end_reason = reason;
	if (c->parked) {
		c->parked = false;
		xf_http_wake(c->conn);
	}
}

/* Renders one event row as an SSE message. */
static char *render(int64_t seq, int64_t incident_id, const char *action, const char *at,
                    const char *actor)
{
	json_t *data =
	    json_pack("{s:I, s:I, s:s, s:s, s:s}", "seq", (json_int_t)seq, "incident_id",
	              (json_int_t)incident_id, "action", action, "at", at, "actor", actor);
	char *json = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	xf_buf b = XF_BUF_INIT;
	xf_buf_printf(&b, "id: %lld\nevent: incident\ndata: %s\n\n", (long long)seq, json);
	free(json);
	return xf_buf_detach(&b, NULL);
}

/* The users of the notifications made since the last look get `event: notice` (no id,
 * no content: the bell then asks for its count), only on their own streams; the
 * others' bells stay quiet. Runs on the feed thread only. */
static void notice_users(xf_db *db)
{
	int64_t users[256];
	size_t n;
	do {
		int64_t last;
		if (xf_store_notification_users_after(db, feed.noticed_id, users,
		                                      XF_ARRAY_LEN(users), &n, &last) != XF_OK)
			return;
		feed.noticed_id = last;
		pthread_mutex_lock(&feed.lock);
		for (client *c = feed.clients; c; c = c->next) {
			if (!linked(users, (int)n, c->user_id))
				continue;
			c->notice_due = true;
			if (c->parked) {
				c->parked = false;
				xf_http_wake(c->conn);
			}
		}
		pthread_mutex_unlock(&feed.lock);
	} while (n == XF_ARRAY_LEN(users));
}

/* Reads the events committed since the last publication into the ring and wakes the
 * parked connections; runs on the feed thread only, so in sequence order. */
static void publish(xf_db *db)
{
	for (;;) {
		json_t *events;
		int rc = xf_store_incident_events_after(db, feed.published_seq, 256, &events);
		if (rc != XF_OK || json_array_size(events) == 0) {
			json_decref(events);
			break;
		}
		size_t i;
		json_t *e;
		json_array_foreach(events, i, e)
		{
			message m = {0};
			m.seq = json_integer_value(json_object_get(e, "seq"));
			m.incident_id = json_integer_value(json_object_get(e, "incident_id"));
			int64_t units[MAX_LINKS], assignees[MAX_LINKS];
			size_t nu = 0, na = 0;
			xf_store_incident_links(db, m.incident_id, units, MAX_LINKS, &nu, assignees,
			                        MAX_LINKS, &na);
			memcpy(m.units, units, nu * sizeof *units);
			memcpy(m.assignees, assignees, na * sizeof *assignees);
			m.n_units = (int)nu;
			m.n_assignees = (int)na;
			xf_store_incident_mine(db, m.incident_id, &m.mine_id);
			m.text = render(m.seq, m.incident_id,
			                json_string_value(json_object_get(e, "action")),
			                json_string_value(json_object_get(e, "at")),
			                json_string_value(json_object_get(e, "actor")));
			pthread_mutex_lock(&feed.lock);
			if (feed.ring_count == RING_SIZE) {
				message *old = &feed.ring[feed.ring_start];
				feed.evicted_seq = old->seq;
				free(old->text);
				feed.ring_start = (feed.ring_start + 1) % RING_SIZE;
				feed.ring_count--;
			}
			feed.ring[(feed.ring_start + feed.ring_count) % RING_SIZE] = m;
			feed.ring_count++;
			feed.published_seq = m.seq;
			pthread_mutex_unlock(&feed.lock);
		}
		json_decref(events);
	}
	pthread_mutex_lock(&feed.lock);
	wake_all(false);
	pthread_mutex_unlock(&feed.lock);
	notice_users(db);
}

void xf_stream_notify(void)
{
	if (!feed.started)
		return;
	pthread_mutex_lock(&feed.lock);
	feed.pending = true;
	pthread_cond_signal(&feed.wake);
	pthread_mutex_unlock(&feed.lock);
}

/* Fills c->out from the ring; called with feed.lock held. Returns false when the
 * client fell too far behind and must reconnect. */
static bool refill(client *c)
{
	xf_buf_reset(&c->out);
	c->out_pos = 0;
	if (c->heartbeat_due) {
		xf_buf_puts(&c->out, ": heartbeat\n\n");
		c->heartbeat_due = false;
	}
	if (c->notice_due) {
		xf_buf_puts(&c->out, "event: notice\ndata: {}\n\n");
		c->notice_due = false;
	}
	if (c->last_seq < feed.evicted_seq)
		return false;
	for (size_t i = 0; i < feed.ring_count && c->out.len < REFILL_BYTES; i++) {
		const message *m = &feed.ring[(feed.ring_start + i) % RING_SIZE];
		if (m->seq <= c->last_seq)
			continue;
		if (visible(c, m))
			xf_buf_puts(&c->out, m->text);
		c->last_seq = m->seq;
	}
	return true;
}

/* The end of the message partly sent at out_pos: the output keeps it whole, drops the
 * rest and says why the stream ends, so the client never sees half a message. */
static void farewell(client *c)
{
	if (c->out_pos >= c->out.len) {
		xf_buf_reset(&c->out);
		c->out_pos = 0;
	}
	size_t keep = c->out_pos;
	const char *d = c->out.data;
	if (keep > 0 && keep < c->out.len &&
	    !(keep >= 2 && d[keep - 2] == '\n' && d[keep - 1] == '\n')) {
		size_t i = keep - 1;
		while (i + 1 < c->out.len && !(d[i] == '\n' && d[i + 1] == '\n'))
			i++;
		keep = i + 2 <= c->out.len ? i + 2 : c->out.len;
	}
	if (keep < c->out.len) {
		c->out.len = keep;
		c->out.data[keep] = '\0';
	}
	xf_buf_printf(&c->out, "event: closed\ndata: {\"reason\":\"%s\"}\n\n", c->end_reason);
	c->farewell_sent = true;
}

/* Called by the HTTP server on a polling thread; never touches the store. */
static ssize_t read_stream(void *ctx, uint64_t pos, char *buf, size_t max)
{
	client *c = ctx;
	(void)pos;
	pthread_mutex_lock(&feed.lock);
	if (feed.stopping) {
		pthread_mutex_unlock(&feed.lock);
		return XF_STREAM_END;
	}
	if (c->end_reason && !c->farewell_sent)
		farewell(c);
	if (c->out_pos >= c->out.len && (c->end_reason || !refill(c))) {
		pthread_mutex_unlock(&feed.lock);
		return XF_STREAM_END;
	}
	size_t left = c->out.len - c->out_pos;
	if (left == 0) {
		c->parked = true;
		xf_http_park(c->conn);
		pthread_mutex_unlock(&feed.lock);
		return 0;
	}
	size_t n = left < max ? left : max;
	memcpy(buf, c->out.data + c->out_pos, n);
	c->out_pos += n;
	pthread_mutex_unlock(&feed.lock);
	return (ssize_t)n;
}

static void release_stream(void *ctx)
{
	client *c = ctx;
	pthread_mutex_lock(&feed.lock);
	if (c->prev)
		c->prev->next = c->next;
	else if (feed.clients == c)
		feed.clients = c->next;
	if (c->next)
		c->next->prev = c->prev;
	feed.n_clients--;
	pthread_mutex_unlock(&feed.lock);
	xf_buf_release(&c->out);
	free(c->subtree);
	free(c);
}

/* Whether a session, as just read from the store, no longer lets its user in: the
 * rules of xf_api_authenticate(). */
static bool session_over(const xf_user *user, int64_t created_ms, int64_t last_seen_ms, int64_t now)
{
	const xf_api_config *cfg = xf_api_settings_get();
	return user->disabled || user->must_change_password ||
	       now - created_ms > cfg->session_absolute_ms ||
	       now - last_seen_ms > cfg->session_idle_ms;
}

/* The last event a reconnecting client saw (Last-Event-ID, or ?last_event_id=), or -1:
 * anything but a sequence number asks for no replay. */
static int64_t last_event_id(xf_req *req)
{
	const char *last = xf_req_header(req, "Last-Event-ID");
	if (!last)
		last = xf_req_query(req, "last_event_id");
	char *end = NULL;
	int64_t last_id = last ? strtoll(last, &end, 10) : -1;
	if (!last || end == last || *end || last_id < 0)
		return -1;
	return last_id;
}

/* The session as the store has it now, not as the session cache remembers it: a change
 * made by another process (the command line) counts at once. Takes the user's roles
 * and unit of now into req->user; answers 401, 403 or the store error and returns
 * false when the stream may not open. */
static bool stream_session_ok(xf_req *req, xf_db *db)
{
	xf_user current;
	int64_t created, last_seen;
	int rc = xf_store_session_by_id(db, req->user.session_id, &current, &created, &last_seen);
	if (rc == XF_OK && session_over(&current, created, last_seen, xf_now_ms()))
		rc = XF_NOTFOUND;
	if (rc == XF_NOTFOUND) {
		xf_reply_error(req, 401, "unauthenticated", NULL,
		               "the session has ended; sign in again");
		return false;
	}
	if (rc != XF_OK) {
		xf_api_store_error(req, db, rc);
		return false;
	}
	if (!xf_perm_allows(current.roles, XF_PERM_INCIDENT_READ)) {
		xf_reply_error(req, 403, "forbidden", NULL, "your roles do not allow '%s'",
		               xf_perm_name(XF_PERM_INCIDENT_READ));
		return false;
	}
	req->user.roles = current.roles;
	req->user.unit_id = current.unit_id;
	return true;
}

/* A new client of the request's user, with the units a unit head may see; NULL,
 * having answered the store error, when they cannot be read. */
static client *new_client(xf_req *req, xf_db *db)
{
	client *c = xf_calloc(1, sizeof *c);
	c->conn = req->conn;
	c->scope = xf_api_scope(req);
	c->session_id = req->user.session_id;
	c->user_id = req->user.id;
	c->unit_id = req->user.unit_id;
	c->roles = req->user.roles;
	xf_buf_init(&c->out, 0);
	if (!c->scope.all && c->scope.unit_id &&
	    xf_store_unit_subtree(db, c->scope.unit_id, &c->subtree, &c->n_subtree) != XF_OK) {
		xf_buf_release(&c->out);
		free(c);
		xf_api_store_error(req, db, XF_ERR);
		return NULL;
	}
	return c;
}

/* Writes onto c->out one batch of the events after *last_id up to upto that c may see;
 * counts them in *replayed. Returns true when there may be more. */
static bool replay_batch(xf_db *db, client *c, int64_t *last_id, int64_t upto, int64_t *replayed)
{
	json_t *events, *e;
	size_t i;
	if (xf_store_incident_events_after(db, *last_id, REPLAY_BATCH, &events) != XF_OK)
		return false;
	bool more = json_array_size(events) == REPLAY_BATCH;
	json_array_foreach(events, i, e)
	{
		int64_t seq = json_integer_value(json_object_get(e, "seq"));
		int64_t incident = json_integer_value(json_object_get(e, "incident_id"));
		if (seq > upto) {
			more = false;
			break;
		}
		*last_id = seq;
		(*replayed)++;
		if (xf_store_incident_visible(db, &c->scope, incident) != XF_OK)
			continue;
		char *text = render(seq, incident, json_string_value(json_object_get(e, "action")),
		                    json_string_value(json_object_get(e, "at")),
		                    json_string_value(json_object_get(e, "actor")));
		xf_buf_puts(&c->out, text);
		free(text);
	}
	json_decref(events);
	return more;
}

/* Replays from the database what a reconnecting client missed after last_id, up to
 * upto (what the feed has published; the ring has what comes after), at most
 * REPLAY_MAX events. The database is read without holding the feed, so a long replay
 * holds up no one else. */
static void replay(xf_db *db, client *c, int64_t last_id, int64_t upto)
{
	int64_t replayed = 0;
	while (last_id >= 0 && last_id < upto) {
		if (replayed >= REPLAY_MAX) {
			xf_buf_puts(
			    &c->out,
			    "event: reset\ndata: {\"reason\":\"too many missed changes\"}\n\n");
			return;
		}
		if (!replay_batch(db, c, &last_id, upto, &replayed))
			return;
	}
}

/* Adds c to the feed from upto on; called with feed.lock held. Over the limit the
 * user's oldest stream ends: the newest is the one a person is looking at, the oldest
 * the likeliest to be a tab left open or a connection that died unnoticed. */
static void join_feed(client *c, int64_t upto)
{
	size_t held = 0;
	client *oldest = NULL;
	for (client *o = feed.clients; o; o = o->next)
		if (o->user_id == c->user_id && !o->end_reason) {
			held++;
			oldest = o;
		}
	if (held >= feed.streams_per_user && oldest)
		end_client(oldest, "too_many_streams");
	c->last_seq = upto;
	c->next = feed.clients;
	if (feed.clients)
		feed.clients->prev = c;
	feed.clients = c;
	feed.n_clients++;
}

static void xf_api_stream_get(xf_req *req)
{
	if (!feed.started || feed.stopping) {
		xf_reply_error(req, 503, "unavailable", NULL, "the live feed is not running");
		return;
	}
	int64_t last_id = last_event_id(req);
	xf_db *db = xf_db_get();
	if (!stream_session_ok(req, db))
		return;
	client *c = new_client(req, db);
	if (!c)
		return;
	xf_buf_puts(&c->out, "retry: 3000\n: connected\n\n");
	pthread_mutex_lock(&feed.lock);
	int64_t upto = feed.published_seq;
	pthread_mutex_unlock(&feed.lock);
	replay(db, c, last_id, upto);
	pthread_mutex_lock(&feed.lock);
	join_feed(c, upto);
	pthread_mutex_unlock(&feed.lock);
	xf_reply_stream(req, "text/event-stream; charset=utf-8", read_stream, release_stream, c);
}

/* What the store says now about the session of an open stream. */
typedef struct session_check {
	int64_t session_id;
	enum { SESSION_UNKNOWN, SESSION_ENDED, SESSION_VALID } state;
	xf_roles roles;
	int64_t unit_id;
	int64_t mine_id; /* of the user's scope: a unit moved to another mine */
} session_check;

static int compare_checks(const void *a, const void *b)
{
	int64_t x = ((const session_check *)a)->session_id,
	        y = ((const session_check *)b)->session_id;
	return (x > y) - (x < y);
}

/* Looks up the session of every open stream and ends the streams whose session has
 * ended (logout, password reset, expiry), whose user is disabled or must change the
 * password, or whose user's roles or unit changed (the client reconnects and gets the
 * new scope, or 401). Runs on the feed thread; the lock is not held while the store
 * is read. */
static void check_sessions(xf_db *db)
{
	uint64_t generation = xf_store_auth_generation();
	pthread_mutex_lock(&feed.lock);
	size_t n = 0;
	session_check *checks = feed.n_clients ? xf_calloc(feed.n_clients, sizeof *checks) : NULL;
	for (client *c = feed.clients; c; c = c->next)
		if (!c->end_reason)
			checks[n++].session_id = c->session_id;
	pthread_mutex_unlock(&feed.lock);
	if (n == 0) {
		free(checks);
		feed.checked_generation = generation;
		return;
	}
	qsort(checks, n, sizeof *checks, compare_checks);
	size_t distinct = 0;
	for (size_t i = 0; i < n; i++)
		if (distinct == 0 || checks[distinct - 1].session_id != checks[i].session_id)
			checks[distinct++] = checks[i];

	int64_t now = xf_now_ms();
	bool complete = xf_tx_begin(db, false) == XF_OK; /* one snapshot for all of them */
	for (size_t i = 0; complete && i < distinct; i++) {
		xf_user user;
		int64_t created, last_seen;
		int rc =
		    xf_store_session_by_id(db, checks[i].session_id, &user, &created, &last_seen);
		if (rc == XF_NOTFOUND) {
			checks[i].state = SESSION_ENDED;
		} else if (rc != XF_OK) {
			/* The store is in trouble: keep the streams, look again later. */
			complete = false;
		} else if (session_over(&user, created, last_seen, now)) {
			checks[i].state = SESSION_ENDED;
		} else {
			checks[i].state = SESSION_VALID;
			checks[i].roles = user.roles;
			checks[i].unit_id = user.unit_id;
			checks[i].mine_id = xf_scope_of(&user).mine_id;
		}
	}
	xf_tx_rollback(db);

	pthread_mutex_lock(&feed.lock);
	for (client *c = feed.clients; c; c = c->next) {
		session_check key = {.session_id = c->session_id};
		const session_check *s =
		    bsearch(&key, checks, distinct, sizeof *checks, compare_checks);
		if (!s || s->state == SESSION_UNKNOWN)
			continue;
		if (s->state == SESSION_ENDED || s->roles != c->roles || s->unit_id != c->unit_id ||
		    s->mine_id != c->scope.mine_id)
			end_client(c, "session_ended");
	}
	pthread_mutex_unlock(&feed.lock);
	free(checks);
	if (complete)
		feed.checked_generation = generation;
}

static void deadline_in(struct timespec *t, int64_t ms)
{
	clock_gettime(CLOCK_REALTIME, t);
	t->tv_sec += (time_t)(ms / 1000);
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static bool passed(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	return now.tv_sec > t->tv_sec || (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

/* The feed's thread: publishes when notified, looks at the sessions again when an
 * account or session changed, and every heartbeat looks at the sessions (changes by
 * another process) and wakes the parked connections to send a heartbeat. */
static void *feed_main(void *arg)
{
	(void)arg;
	xf_db *db = xf_db_get();
	struct timespec beat;
	deadline_in(&beat, feed.heartbeat_ms);
	pthread_mutex_lock(&feed.lock);
	while (!feed.stopping) {
		if (!feed.pending && !passed(&beat))
			pthread_cond_timedwait(&feed.wake, &feed.lock, &beat);
		if (feed.stopping)
			break;
		if (feed.pending) {
			feed.pending = false;
			pthread_mutex_unlock(&feed.lock);
			publish(db);
			if (xf_store_auth_generation() != feed.checked_generation)
				check_sessions(db);
			pthread_mutex_lock(&feed.lock);
		}
		/* Checked after publishing too: under a steady stream of commits the wait
		 * above never times out, and the heartbeat must still come. */
		if (passed(&beat)) {
			pthread_mutex_unlock(&feed.lock);
			check_sessions(db);
			pthread_mutex_lock(&feed.lock);
			wake_all(true);
			deadline_in(&beat, feed.heartbeat_ms);
		}
	}
	pthread_mutex_unlock(&feed.lock);
	return NULL;
}

/* An integer setting from the environment within [min, max]; fallback when unset. */
static int env_setting(const char *name, int64_t fallback, int64_t min, int64_t max, int64_t *out)
{
	const char *v = getenv(name);
	if (!v || !*v) {
		*out = fallback;
		return XF_OK;
	}
	char *end = NULL;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || *end || n < min || n > max) {
		fprintf(stderr, "xinfang: %s must be an integer from %lld to %lld, not '%s'\n",
		        name, (long long)min, (long long)max, v);
		return XF_ERR;
	}
	*out = n;
	return XF_OK;
}

int xf_stream_start(void)
{
	int64_t per_user;
	if (env_setting("XINFANG_STREAM_HEARTBEAT_MS", HEARTBEAT_MS, 50, XF_HOUR_MS,
	                &feed.heartbeat_ms) != XF_OK ||
	    env_setting("XINFANG_STREAMS_PER_USER", STREAMS_PER_USER, 1, 100000, &per_user) !=
	        XF_OK)
		return XF_ERR;
	feed.streams_per_user = (size_t)per_user;
	xf_db *db = xf_db_get();
	if (xf_store_last_event_seq(db, &feed.published_seq) != XF_OK)
		return XF_ERR;
	size_t none;
	if (xf_store_notification_users_after(db, -1, NULL, 0, &none, &feed.noticed_id) != XF_OK)
		return XF_ERR;
	feed.evicted_seq = feed.published_seq;
	feed.checked_generation = xf_store_auth_generation();
	feed.stopping = false;
	feed.started = true;
	if (pthread_create(&feed.thread, NULL, feed_main, NULL) != 0)
		xf_die("cannot start the live feed thread");
	return XF_OK;
}

void xf_stream_stop(void)
{
	if (!feed.started)
		return;
	pthread_mutex_lock(&feed.lock);
	feed.stopping = true;
	wake_all(false);
	pthread_cond_broadcast(&feed.wake);
	pthread_mutex_unlock(&feed.lock);
	pthread_join(feed.thread, NULL);
}

void xf_stream_free(void)
{
	for (size_t i = 0; i < feed.ring_count; i++)
		free(feed.ring[(feed.ring_start + i) % RING_SIZE].text);
	feed.ring_count = 0;
	feed.started = false;
}

size_t xf_stream_clients(void)
{
	pthread_mutex_lock(&feed.lock);
	size_t n = feed.n_clients;
	pthread_mutex_unlock(&feed.lock);
	return n;
}

static const xf_route routes[] = {
    /* A GET: the handler, and with it the replay from the database, runs on the read
     * pool, never on a polling thread. */
    {"GET", "/stream", XF_PERM_INCIDENT_READ, 0, xf_api_stream_get},
};

const xf_route_list xf_routes_stream = {routes, XF_ARRAY_LEN(routes)};
