/* The live feed (GET /stream): Server-Sent Events of incident changes, without a
 * thread per client.
 *
 * After every commit the committing thread notifies the feed's own thread, which
 * reads the new incident events from the database in sequence order, renders each
 * once as an SSE message together with who may see it, puts it in a ring and wakes
 * the parked connections. The request that committed answers without waiting for
 * the fan-out. Each connection's reader, on a polling thread, copies the
 * messages its user may see and parks again when there is nothing left. A heartbeat
 * comment every 15 s keeps proxies and the client's idle timers content and lets a
 * parked connection notice a client that left. A client that reconnects with
 * Last-Event-ID is first sent what it missed, from the database. */
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/xf_api.h"

#define RING_SIZE 1024
#define MAX_LINKS 64      /* units and assignees remembered per message */
#define REPLAY_BATCH 500
#define REPLAY_MAX 10000  /* missed events replayed on reconnect; beyond, a reset message */
#define HEARTBEAT_S 15

typedef struct message {
	int64_t seq, incident_id;
	int n_units, n_assignees;
	int64_t units[MAX_LINKS], assignees[MAX_LINKS];
	char *text;
} message;

typedef struct client {
	struct MHD_Connection *conn;
	xf_scope scope;
	int64_t *subtree; /* units a unit head may see */
	size_t n_subtree;
	int64_t last_seq;
	xf_buf out;
	size_t out_pos;
	bool parked, heartbeat_due;
	struct client *prev, *next;
} client;

static struct {
	pthread_mutex_t lock; /* ring, clients, and the flags below */
	pthread_cond_t wake;  /* the feed thread: something to publish, or stop */
	bool started, stopping, pending;
	message ring[RING_SIZE];
	size_t ring_start, ring_count;
	int64_t evicted_seq;    /* newest seq that fell out of the ring */
	int64_t published_seq;  /* newest event seq read by a publisher */
	client *clients;
	size_t n_clients;
	pthread_t thread;
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
	if (c->scope.all)
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

/* Renders one event row as an SSE message. */
static char *render(int64_t seq, int64_t incident_id, const char *action, const char *at,
                    const char *actor)
{
	json_t *data = json_pack("{s:I, s:I, s:s, s:s, s:s}", "seq", (json_int_t)seq, "incident_id",
	                         (json_int_t)incident_id, "action", action, "at", at, "actor", actor);
	char *json = json_dumps(data, JSON_COMPACT);
	json_decref(data);
	xf_buf b = XF_BUF_INIT;
	xf_buf_printf(&b, "id: %lld\nevent: incident\ndata: %s\n\n", (long long)seq, json);
	free(json);
	return xf_buf_detach(&b, NULL);
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
		json_array_foreach(events, i, e) {
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
	if (c->last_seq < feed.evicted_seq)
		return false;
	for (size_t i = 0; i < feed.ring_count && c->out.len < 32768; i++) {
		const message *m = &feed.ring[(feed.ring_start + i) % RING_SIZE];
		if (m->seq <= c->last_seq)
			continue;
		if (visible(c, m))
			xf_buf_puts(&c->out, m->text);
		c->last_seq = m->seq;
	}
	return true;
}

static ssize_t read_stream(void *ctx, uint64_t pos, char *buf, size_t max)
{
	client *c = ctx;
	pthread_mutex_lock(&feed.lock);
	if (feed.stopping) {
		pthread_mutex_unlock(&feed.lock);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	if (c->out_pos >= c->out.len && !refill(c)) {
		pthread_mutex_unlock(&feed.lock);
		return MHD_CONTENT_READER_END_OF_STREAM;
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

static void xf_api_stream(xf_req *req)
{
	if (!feed.started || feed.stopping) {
		xf_reply_error(req, 503, "unavailable", NULL, "the live feed is not running");
		return;
	}
	const char *last = xf_req_header(req, "Last-Event-ID");
	if (!last)
		last = xf_req_query(req, "last_event_id");
	/* Anything but a sequence number asks for no replay. */
	char *end = NULL;
	int64_t last_id = last ? strtoll(last, &end, 10) : -1;
	if (!last || end == last || *end || last_id < 0)
		last_id = -1;

	client *c = xf_calloc(1, sizeof *c);
	c->conn = req->conn;
	c->scope = xf_api_scope(req);
	xf_buf_init(&c->out, 0);
	xf_db *db = xf_db_get();
	if (!c->scope.all && c->scope.unit_id &&
	    xf_store_unit_subtree(db, c->scope.unit_id, &c->subtree, &c->n_subtree) != XF_OK) {
		free(c);
		xf_api_store_error(req, db, XF_ERR);
		return;
	}
	xf_buf_puts(&c->out, "retry: 3000\n: connected\n\n");

	/* Replay from the database up to what the feed has published; the ring has what
	 * comes after. The database is read without holding the feed, so a long replay
	 * holds up no one else. */
	pthread_mutex_lock(&feed.lock);
	int64_t upto = feed.published_seq;
	pthread_mutex_unlock(&feed.lock);
	int64_t replayed = 0;
	while (last_id >= 0 && last_id < upto) {
		json_t *events;
		if (replayed >= REPLAY_MAX) {
			xf_buf_puts(&c->out, "event: reset\ndata: {\"reason\":\"too many missed changes\"}\n\n");
			break;
		}
		if (xf_store_incident_events_after(db, last_id, REPLAY_BATCH, &events) != XF_OK)
			break;
		size_t i;
		json_t *e;
		bool more = json_array_size(events) == REPLAY_BATCH;
		json_array_foreach(events, i, e) {
			int64_t seq = json_integer_value(json_object_get(e, "seq"));
			int64_t incident = json_integer_value(json_object_get(e, "incident_id"));
			if (seq > upto) {
				more = false;
				break;
			}
			last_id = seq;
			replayed++;
			if (xf_store_incident_visible(db, &c->scope, incident) != XF_OK)
				continue;
			char *text = render(seq, incident, json_string_value(json_object_get(e, "action")),
			                    json_string_value(json_object_get(e, "at")),
			                    json_string_value(json_object_get(e, "actor")));
			xf_buf_puts(&c->out, text);
			free(text);
		}
		json_decref(events);
		if (!more)
			break;
	}
	pthread_mutex_lock(&feed.lock);
	c->last_seq = upto;
	c->next = feed.clients;
	if (feed.clients)
		feed.clients->prev = c;
	feed.clients = c;
	feed.n_clients++;
	pthread_mutex_unlock(&feed.lock);

	xf_reply_stream(req, "text/event-stream; charset=utf-8", read_stream, release_stream, c);
}

/* The feed's thread: publishes when notified, and every HEARTBEAT_S seconds wakes the
 * parked connections to send a heartbeat. */
static void *feed_main(void *arg)
{
	(void)arg;
	xf_db *db = xf_db_get();
	struct timespec beat;
	clock_gettime(CLOCK_REALTIME, &beat);
	beat.tv_sec += HEARTBEAT_S;
	pthread_mutex_lock(&feed.lock);
	while (!feed.stopping) {
		if (!feed.pending &&
		    pthread_cond_timedwait(&feed.wake, &feed.lock, &beat) != 0 && !feed.stopping) {
			wake_all(true);
			clock_gettime(CLOCK_REALTIME, &beat);
			beat.tv_sec += HEARTBEAT_S;
			continue;
		}
		if (feed.pending && !feed.stopping) {
			feed.pending = false;
			pthread_mutex_unlock(&feed.lock);
			publish(db);
			pthread_mutex_lock(&feed.lock);
		}
	}
	pthread_mutex_unlock(&feed.lock);
	return NULL;
}

int xf_stream_start(void)
{
	xf_db *db = xf_db_get();
	if (xf_store_last_event_seq(db, &feed.published_seq) != XF_OK)
		return XF_ERR;
	feed.evicted_seq = feed.published_seq;
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
	{"GET", "/stream", XF_PERM_INCIDENT_READ, 0, xf_api_stream},
};

const xf_route_list xf_routes_stream = {routes, XF_ARRAY_LEN(routes)};
