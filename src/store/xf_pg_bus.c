/* The cross-process change bus on PostgreSQL's LISTEN/NOTIFY (see xf_pg_bus.h): a
 * connection of its own that LISTENs, a wait on its socket and a wake pipe, and
 * reconnection with backoff followed by one resync call. */
#include "store/xf_pg_bus.h"

#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct xf_pg_bus {
	char *url;
	PGconn *pg;       /* NULL while disconnected */
	int wake[2];      /* a pipe: xf_pg_bus_wake writes, the waiter drains */
	int backoff_ms;   /* the next wait after a failed attempt */
	int64_t next_try; /* monotonic ms before which no attempt is made */
	bool resync_due;  /* connected again; the resync call not yet made */
	atomic_uint reconnects;
	atomic_int backend_pid;
	atomic_bool stopping;
	bool thread_running;
	pthread_t thread;
	xf_pg_bus_fn thread_fn;
	void *thread_arg;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Connects and LISTENs; NULL with the reason in error on failure. The keepalives and
 * a connect timeout (so that closing never waits long on an attempt) come first, so
 * that the URL's own settings win over them. */
static PGconn *connect_listen(const char *url, char *error, size_t error_size)
{
	const char *keys[] = {"keepalives",
	                      "keepalives_idle",
	                      "keepalives_interval",
	                      "keepalives_count",
	                      "connect_timeout",
	                      "dbname",
	                      NULL};
	const char *values[] = {"1", "10", "5", "3", "10", url, NULL};
	PGconn *pg = PQconnectdbParams(keys, values, 1);
	if (PQstatus(pg) == CONNECTION_OK) {
		PQsetNoticeProcessor(pg, quiet, NULL);
		PGresult *res = PQexec(pg, "LISTEN " XF_PG_BUS_CHANNEL);
		bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
		if (ok && PQsetnonblocking(pg, 1) == 0)
			return pg;
	}
	const char *message = PQerrorMessage(pg);
	size_t n = strlen(message);
	while (n && message[n - 1] == '\n')
		n--;
	/* the URL is not repeated: it may hold a password */
	snprintf(error, error_size, "cannot listen on the event bus: %.*s", (int)n, message);
	PQfinish(pg);
	return NULL;
}

int xf_pg_bus_open(const char *url, xf_pg_bus **out, char *error, size_t error_size)
{
	*out = NULL;
	PGconn *pg = connect_listen(url, error, error_size);
	if (!pg)
		return XF_UNAVAILABLE;
	xf_pg_bus *bus = calloc(1, sizeof *bus);
	if (!bus || pipe2(bus->wake, O_CLOEXEC | O_NONBLOCK) != 0 || !(bus->url = strdup(url))) {
		snprintf(error, error_size, "cannot open the event bus: %s", strerror(errno));
		PQfinish(pg);
		free(bus);
		return XF_UNAVAILABLE;
	}
	bus->pg = pg;
	atomic_store(&bus->backend_pid, PQbackendPID(pg));
	bus->backoff_ms = XF_PG_BUS_BACKOFF_MIN_MS;
	*out = bus;
	return XF_OK;
}

void xf_pg_bus_close(xf_pg_bus *bus)
{
	if (!bus)
		return;
	if (bus->thread_running) {
		atomic_store(&bus->stopping, true);
		xf_pg_bus_wake(bus);
		pthread_join(bus->thread, NULL);
	}
	PQfinish(bus->pg);
	close(bus->wake[0]);
	close(bus->wake[1]);
	free(bus->url);
	free(bus);
}

static bool printable(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

int xf_pg_bus_publish(xf_sql *c, const char *payload)
{
	size_t n = payload ? strlen(payload) : 0;
	if (n == 0 || n > XF_PG_BUS_PAYLOAD_MAX || !printable(payload, n))
		return XF_ERR;
	if (xf_sql_dialect(c) != XF_SQL_PG)
		return XF_OK;
	xf_sql_stmt *st = xf_sql_prepare(c, "SELECT pg_notify('" XF_PG_BUS_CHANNEL "', ?)");
	xf_sql_bind_text(st, 1, payload, (int)n);
	return xf_sql_exec(st);
}

void xf_pg_bus_wake(xf_pg_bus *bus)
{
	ssize_t w = write(bus->wake[1], "w", 1);
	(void)w; /* a full pipe already wakes the waiter */
}

unsigned xf_pg_bus_reconnects(const xf_pg_bus *bus)
{
	return atomic_load(&bus->reconnects);
}

int xf_pg_bus_backend_pid(const xf_pg_bus *bus)
{
	return atomic_load(&bus->backend_pid);
}

/* Ends the connection after a loss; the first attempt to connect again is at once. */
static void lose(xf_pg_bus *bus)
{
	PQfinish(bus->pg);
	bus->pg = NULL;
	atomic_store(&bus->backend_pid, 0);
	bus->backoff_ms = XF_PG_BUS_BACKOFF_MIN_MS;
	bus->next_try = now_ms();
}

/* One attempt to connect again when its time has come; true when connected. */
static bool reconnect(xf_pg_bus *bus)
{
	if (now_ms() < bus->next_try)
		return false;
	char error[512];
	bus->pg = connect_listen(bus->url, error, sizeof error);
	if (!bus->pg) {
		xf_log("%s; trying again in %d ms", error, bus->backoff_ms);
		bus->next_try = now_ms() + bus->backoff_ms;
		bus->backoff_ms = bus->backoff_ms * 2 > XF_PG_BUS_BACKOFF_MAX_MS
		                      ? XF_PG_BUS_BACKOFF_MAX_MS
		                      : bus->backoff_ms * 2;
		return false;
	}
	atomic_store(&bus->backend_pid, PQbackendPID(bus->pg));
	atomic_fetch_add(&bus->reconnects, 1);
	bus->resync_due = true;
	return true;
}

/* Reads what the socket has and calls fn for each notification; the number of calls,
 * or -1 when the connection turned out lost. */
static int deliver(xf_pg_bus *bus, xf_pg_bus_fn fn, void *arg)
{
	if (!PQconsumeInput(bus->pg) || PQstatus(bus->pg) != CONNECTION_OK)
		return -1;
	int calls = 0;
	PGnotify *note;
	while ((note = PQnotifies(bus->pg)) != NULL) {
		fn(arg, note->extra, false);
		PQfreemem(note);
		calls++;
	}
	/* a FATAL message (the backend terminated) comes as a result: drop it */
	while (!PQisBusy(bus->pg)) {
		PGresult *res = PQgetResult(bus->pg);
		if (!res)
			break;
		PQclear(res);
	}
	return calls;
}

static void drain_wake(xf_pg_bus *bus)
{
	char sink[64];
	while (read(bus->wake[0], sink, sizeof sink) > 0) {
	}
}

int xf_pg_bus_wait(xf_pg_bus *bus, int timeout_ms, xf_pg_bus_fn fn, void *arg)
{
	int64_t deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	int calls = 0;
	for (;;) {
		if (!bus->pg && !reconnect(bus)) {
			int64_t until = bus->next_try < deadline ? bus->next_try : deadline;
			struct pollfd pw = {.fd = bus->wake[0], .events = POLLIN};
			int64_t left = until - now_ms();
			if (left > 0 && poll(&pw, 1, (int)left) > 0) {
				drain_wake(bus);
				return calls ? calls : XF_UNAVAILABLE;
			}
			if (now_ms() >= deadline)
				return calls ? calls : XF_UNAVAILABLE;
			continue;
		}
		if (bus->resync_due) {
			bus->resync_due = false;
			fn(arg, NULL, true);
			calls++;
		}
		/* what arrived with an earlier read first, without waiting */
		int n = deliver(bus, fn, arg);
		if (n < 0) {
			lose(bus);
			continue;
		}
		calls += n;
		int64_t left = deadline - now_ms();
		if (calls > 0 || left <= 0)
			return calls;
		struct pollfd fds[2] = {{.fd = PQsocket(bus->pg), .events = POLLIN},
		                        {.fd = bus->wake[0], .events = POLLIN}};
		int ready = poll(fds, 2, (int)left);
		if (ready < 0 && errno != EINTR)
			return calls;
		if (ready > 0 && fds[1].revents) {
			drain_wake(bus);
			n = deliver(bus, fn, arg);
			if (n < 0)
				lose(bus);
			return calls + (n > 0 ? n : 0);
		}
	}
}

static void *run(void *p)
{
	xf_pg_bus *bus = p;
	while (!atomic_load(&bus->stopping))
		xf_pg_bus_wait(bus, 1000, bus->thread_fn, bus->thread_arg);
	return NULL;
}

int xf_pg_bus_start(xf_pg_bus *bus, xf_pg_bus_fn fn, void *arg)
{
	if (bus->thread_running)
		return XF_ERR;
	bus->thread_fn = fn;
	bus->thread_arg = arg;
	if (pthread_create(&bus->thread, NULL, run, bus) != 0)
		return XF_ERR;
	bus->thread_running = true;
	return XF_OK;
}
