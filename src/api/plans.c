/* The plans the server runs with: the current plan (from XINFANG_PLAN, validated at
 * start; an invalid plan stops the start), a mine's own plan where one is attached
 * (api/group.c), and every older version an incident still runs under, loaded from the
 * database on demand and kept until shutdown. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/xf_api.h"
#include "store/xf_store_mines.h"

typedef struct loaded_plan {
	int64_t id;
	xf_plan *plan;
	struct loaded_plan *next;
} loaded_plan;

static pthread_mutex_t plans_lock = PTHREAD_MUTEX_INITIALIZER;
static loaded_plan *plans;
static int64_t current_id;

static void print_errors(const char *path, const xf_plan_errors *errors)
{
	for (size_t i = 0; i < errors->n; i++)
		fprintf(stderr, "%s: %s\n", path, errors->items[i]);
	if (errors->dropped)
		fprintf(stderr, "%s: ... and %zu more problems\n", path, errors->dropped);
}

int xf_plans_check_file(const char *path)
{
	xf_plan_errors errors;
	xf_plan *plan = xf_plan_load_file(path, &errors);
	if (!plan) {
		print_errors(path, &errors);
		return XF_ERR;
	}
	printf("%s: plan '%s' is valid; version %s\n", path, plan->title, plan->hash);
	xf_plan_free(plan);
	return XF_OK;
}

int xf_plans_start(const char *path)
{
	/* Read once: the bytes validated are the bytes stored, so the version matches. */
	xf_buf raw = XF_BUF_INIT;
	char chunk[8192];
	size_t n;
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "xinfang: cannot read plan '%s': %s; not starting\n", path,
		        strerror(errno));
		return XF_ERR;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		xf_buf_append(&raw, chunk, n);
	fclose(f);
	xf_plan_errors errors;
	xf_plan *plan = xf_plan_load(raw.data ? raw.data : "", raw.len, &errors);
	if (!plan) {
		fprintf(stderr, "xinfang: the plan is invalid; not starting\n");
		print_errors(path, &errors);
		xf_buf_release(&raw);
		return XF_ERR;
	}
	xf_db *db = xf_db_get();
	int64_t id;
	int rc = xf_tx_begin(db, true);
	if (rc == XF_OK)
		rc = xf_store_plan_register(db, plan->hash, plan->id, plan->title,
		                            raw.data ? raw.data : "", &id);
	if (rc == XF_OK)
		rc = xf_tx_commit(db);
	xf_buf_release(&raw);
	if (rc != XF_OK) {
		xf_tx_rollback(db);
		fprintf(stderr, "xinfang: cannot record the plan: %s\n", xf_db_error(db));
		xf_plan_free(plan);
		return XF_ERR;
	}
	loaded_plan *p = xf_calloc(1, sizeof *p);
	p->id = id;
	p->plan = plan;
	pthread_mutex_lock(&plans_lock);
	p->next = plans;
	plans = p;
	current_id = id;
	pthread_mutex_unlock(&plans_lock);
	printf("xinfang: plan '%s' version %.12s\n", plan->title, plan->hash);
	return XF_OK;
}

void xf_plans_stop(void)
{
	pthread_mutex_lock(&plans_lock);
	for (loaded_plan *p = plans, *next; p; p = next) {
		next = p->next;
		xf_plan_free(p->plan);
		free(p);
	}
	plans = NULL;
	current_id = 0;
	pthread_mutex_unlock(&plans_lock);
}

const xf_plan *xf_plans_current(int64_t *id)
{
	pthread_mutex_lock(&plans_lock);
	const xf_plan *plan = NULL;
	for (loaded_plan *p = plans; p; p = p->next)
		if (p->id == current_id)
			plan = p->plan;
	*id = current_id;
	pthread_mutex_unlock(&plans_lock);
	return plan;
}

const xf_plan *xf_plans_get(xf_db *db, int64_t id)
{
	pthread_mutex_lock(&plans_lock);
	for (loaded_plan *p = plans; p; p = p->next)
		if (p->id == id) {
			pthread_mutex_unlock(&plans_lock);
			return p->plan;
		}
	pthread_mutex_unlock(&plans_lock);

	char *body;
	if (xf_store_plan_body(db, id, &body) != XF_OK)
		return NULL;
	xf_plan_errors errors;
	xf_plan *plan = xf_plan_load(body, strlen(body), &errors);
	free(body);
	if (!plan) {
		xf_log("stored plan %lld no longer loads: %s", (long long)id,
		       errors.n ? errors.items[0] : "?");
		return NULL;
	}
	pthread_mutex_lock(&plans_lock);
	for (loaded_plan *p = plans; p; p = p->next)
		if (p->id == id) { /* another thread was quicker */
			pthread_mutex_unlock(&plans_lock);
			xf_plan_free(plan);
			return p->plan;
		}
	loaded_plan *p = xf_calloc(1, sizeof *p);
	p->id = id;
	p->plan = plan;
	p->next = plans;
	plans = p;
	pthread_mutex_unlock(&plans_lock);
	return plan;
}

const xf_plan *xf_plans_for_mine(xf_db *db, int64_t mine_id, int64_t *id)
{
	int64_t own = 0;
	const xf_plan *plan = NULL;
	/* A mine's own plan (xf_store_mines.h); one that no longer loads falls back. */
	if (xf_store_mine_plan(db, mine_id, &own) == XF_OK && own && (plan = xf_plans_get(db, own)))
		*id = own;
	return plan ? plan : xf_plans_current(id);
}

static void xf_api_plan_get(xf_req *req)
{
	int64_t id;
	const xf_plan *plan = xf_plans_for_mine(xf_db_get(), req->user.mine_id, &id);
	if (!plan) {
		xf_reply_error(req, 503, "unavailable", NULL, "no plan is loaded");
		return;
	}
	xf_reply_json(req, 200,
	              json_pack("{s:I, s:s, s:s, s:O}", "id", (json_int_t)id, "hash", plan->hash,
	                        "title", plan->title, "doc", plan->doc));
}

static const xf_route routes[] = {
    {"GET", "/plan", XF_PERM_SIGNED_IN, 0, xf_api_plan_get},
};

const xf_route_list xf_routes_plan = {routes, XF_ARRAY_LEN(routes)};
