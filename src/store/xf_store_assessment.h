/* Assessment (考核) facts and accountability findings (责任追究), in SQL (migration 21
 * and the tables of incidents, matters, tasks, screening it reads). The facts are
 * what core/xf_assessment.h scores; findings are kept here and counted there.
 * Promises as in xf_store.h. */
#ifndef XF_STORE_ASSESSMENT_H
#define XF_STORE_ASSESSMENT_H

#include <jansson.h>

#include "core/xf_assessment.h"
#include "store/xf_store.h"
#include "util/xf_arena.h"

/* The units (id, parent_id, name) as {"id","parent_id","name"} items, every one. */
int xf_store_assessment_units(xf_db *db, json_t **out);

/* The facts of units at or below root (0: every unit) in the period, for scoring:
 * incidents (not drills, not withdrawn) by occurred time; matters concluded with a
 * satisfaction; repeat matters received; tasks that went overdue, by due time; screening
 * reports missed or late, by due time (a report not yet due is not counted); findings
 * by decided_on. now_ms decides "missed". Strings and the array live in arena. */
int xf_store_assessment_facts(xf_db *db, int64_t root, const xf_assess_period *period,
                              int64_t now_ms, xf_arena *arena, xf_assess_fact **out, size_t *n);

/* ---- findings ---- */

typedef struct xf_accountability_new {
	int64_t unit_id, user_id; /* 0: none; at least one */
	const char *basis, *decision, *decided_by, *decided_on, *text;
	int64_t created_by, now_ms;
} xf_accountability_new;

int xf_store_accountability_insert(xf_db *db, const xf_accountability_new *f, int64_t *id);
/* kind: "incident", "matter", "task". */
int xf_store_accountability_link(xf_db *db, int64_t finding_id, const char *kind, int64_t ref_id);
int xf_store_accountability_statement(xf_db *db, int64_t finding_id, int64_t author_id,
                                      const char *text, int64_t now_ms, int64_t *id);
/* The user the finding names (0: a unit only); XF_NOTFOUND when no such finding. */
int xf_store_accountability_user(xf_db *db, int64_t id, int64_t *user_id);
/* One finding as the API shows it: its fields, the unit's and user's names, links
 * ({kind, id, number}), statements ({id, author_id, author, text, at}). */
int xf_store_accountability_json(xf_db *db, int64_t id, json_t **out);
/* Findings, newest first: all (user_id 0, incident_id 0), those naming user_id, or those
 * linked to incident_id. */
int xf_store_accountability_list(xf_db *db, int64_t user_id, int64_t incident_id, json_t **out);
/* Whether the row id of kind ("incident", "matter", "task") exists. */
int xf_store_accountability_ref_exists(xf_db *db, const char *kind, int64_t id, bool *exists);

#endif
