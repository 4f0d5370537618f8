/* The change bus and job leases as the store uses them: see xf_store_bus.h. */
#include "store/xf_store_bus.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/xf_pg_bus.h"
#include "store/xf_pg_lease.h"
#include "store/xf_store_db.h"
#include "util/xf_util.h"

static pthread_once_t origin_once = PTHREAD_ONCE_INIT;
static char origin[17]; /* 16 hex digits, random per process */
static xf_pg_bus *bus;
static xf_store_change_fn change_hook;
static _Atomic unsigned long heard;

static void make_origin(void)
{
	unsigned char bytes[8];
	randombytes_buf(bytes, sizeof bytes);
	for (size_t i = 0; i < sizeof bytes; i++)
		snprintf(origin + 2 * i, 3, "%02x", bytes[i]);
}

int xf_store_bus_publish(xf_db *db, bool data, bool auth)
{
	if (xf_db_dialect(db) != XF_SQL_PG || (!data && !auth))
		return XF_OK;
	pthread_once(&origin_once, make_origin);
	char payload[64];
	snprintf(payload, sizeof payload, "%s%s%s from %s", data ? "data" : "",
	         data && auth ? " " : "", auth ? "auth" : "", origin);
	int rc = xf_pg_bus_publish(xf_db_sql(db), payload);
	return rc == XF_OK ? XF_OK : xf_db_fail(db, rc);
}

/* On the bus's thread: a payload (or a resync) of any process. */
static void heard_change(void *arg, const char *payload, bool resync)
{
	(void)arg;
	bool data = resync, auth = resync;
	if (payload) {
		const char *from = strstr(payload, " from ");
		if (from && strcmp(from + 6, origin) == 0)
			return; /* this process's own commit moved its generations already */
		size_t words = from ? (size_t)(from - payload) : strlen(payload);
		char head[32];
		snprintf(head, sizeof head, "%.*s",
		         (int)(words < sizeof head ? words : sizeof head - 1), payload);
		data = strstr(head, "data") != NULL;
		auth = strstr(head, "auth") != NULL;
	}
	if (!data && !auth)
		return;
	heard++;
	xf_store_generations_move(data, auth);
	if (change_hook)
		change_hook();
}

int xf_store_bus_open(const char *url, xf_store_change_fn hook, char *error, size_t error_size)
{
	if (!xf_sql_is_url(url)) {
		snprintf(error, error_size, "the change bus needs a PostgreSQL database");
		return XF_ERR;
	}
	pthread_once(&origin_once, make_origin);
	xf_store_bus_close();
	int rc = xf_pg_bus_open(url, &bus, error, error_size);
	if (rc != XF_OK)
		return rc;
	change_hook = hook;
	if (xf_pg_bus_start(bus, heard_change, NULL) != XF_OK) {
		snprintf(error, error_size, "cannot start the change bus's thread");
		xf_pg_bus_close(bus);
		bus = NULL;
		return XF_ERR;
	}
	return XF_OK;
}

void xf_store_bus_close(void)
{
	if (!bus)
		return;
	xf_pg_bus_close(bus);
	bus = NULL;
	change_hook = NULL;
}

unsigned long xf_store_bus_heard(void)
{
	return heard;
}

const char *xf_store_bus_origin(void)
{
	pthread_once(&origin_once, make_origin);
	return origin;
}

int xf_store_bus_backend_pid(void)
{
	return bus ? xf_pg_bus_backend_pid(bus) : 0;
}

int xf_store_lease_try(xf_db *db, const char *job)
{
	int rc = xf_pg_lease_try(xf_db_sql(db), job);
	if (rc < 0)
		xf_db_fail(db, rc);
	return rc;
}

void xf_store_lease_release(xf_db *db, const char *job)
{
	xf_pg_lease_release(xf_db_sql(db), job);
}
