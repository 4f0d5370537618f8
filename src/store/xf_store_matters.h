/* Matters (诉求) under 《信访工作条例》 (issue 13): registering a matter on its own with
 * its petitioners, its stage, the handling unit (交办/转办/退回/改派), the one extension,
 * the 复查 / 复核 requests, the notices that stop a clock, and the clock alarms. The
 * rules (which clock runs, when it falls due, by which calendar) are core's
 * (core/xf_matter.h, core/xf_calendar.h); this file reads and writes the rows.
 *
 * Stages (matters.stage): received -> accepted | not_accepted; accepted -> handling
 * (once handed to a unit) -> answered (the 答复意见书 issued) -> review_requested ->
 * reviewed -> re_review_requested -> re_reviewed; concluded (办结) closes the file once
 * answered with an outcome. A review request on a concluded matter reopens it.
 *
 * Clocks and the notices that stop them (the issue: "the clock that a notice satisfies
 * stops only when it is issued"):
 * - acceptance (Art. 22-23, 15 days from receipt): POST /matters/{id}/accept or
 *   /not-accept records the decision (and starts the conclusion clock from the day of
 *   acceptance) but does NOT stop the acceptance clock; it stops when the acceptance
 *   or non-acceptance notice is issued;
 * - conclusion (Art. 34, 60 days from acceptance, + the extension): stops when the
 *   answer notice is issued;
 * - review (Art. 35, 30 days from the request): stops when the review notice is issued;
 * - re_review (Art. 36, likewise): stops when the re-review notice is issued.
 * The petitioner's windows (review_request, re_review_request: 30 days from the answer
 * / the review) are shown but raise no alarm. */
#ifndef XF_STORE_MATTERS_H
#define XF_STORE_MATTERS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/xf_matter.h"
#include "store/xf_store.h"
#include "store/xf_store_people.h"

/* A notice was issued (called by the written notices, src/api/matter_notices.c, inside
 * the caller's write transaction; the caller writes its own audit event). notice_kind:
 * - "acceptance": stops the acceptance clock; a matter still "received" is accepted as
 *   of issued_ms (stage accepted); XF_CONFLICT when it was not accepted;
 * - "non_acceptance": stops the acceptance clock; XF_CONFLICT unless the stage is
 *   not_accepted (POST /not-accept first, it carries the reason);
 * - "extension": records that the petitioner was told of the extension; XF_CONFLICT
 *   when there is none;
 * - "answer": stops the conclusion clock, stage answered, opens the 复查 window;
 *   XF_CONFLICT before acceptance or when already answered;
 * - "review": stage reviewed (stops the review clock, opens the 复核 window);
 *   XF_CONFLICT unless review_requested;
 * - "re_review": stage re_reviewed (final); XF_CONFLICT unless re_review_requested.
 * A notice of the same kind issued again (a reissue) leaves the first stamp and
 * answers XF_OK. XF_NOTFOUND: no such matter; XF_ERR: unknown kind. */
int xf_store_matter_notice_issued(xf_db *db, int64_t matter_id, const char *notice_kind,
                                  int64_t issued_ms);

/* The fields of a new matter. persons: the petitioners (the first one is the matter's
 * person_id), representative flags beside them. */
typedef struct xf_matter_in {
	const int64_t *person_ids;
	const bool *representative;
	size_t n_persons;
	int64_t incident_id;
	const char *category, *content, *channel;
	int64_t received_ms, entered_ms;
	int64_t unit_id, accused_unit_id;
	int64_t created_by;
} xf_matter_in;

/* Inserts the matter and its petitioners; *repeat_of is the earlier matter it repeats
 * (0: none; see xf_store_matter_find_repeat), stored with it. */
int xf_store_matter_register(xf_db *db, const xf_matter_in *in, int64_t repeat_of, int64_t *id);
/* Repeat detection (重复访): the most recent earlier matter of one of the persons with
 * the same category whose content is similar (core: xf_matter_similar) received within
 * XF_REPEAT_DAYS of received_ms; *found 0 when none. */
int xf_store_matter_find_repeat(xf_db *db, const int64_t *person_ids, size_t n,
                                const char *category, const char *content, int64_t received_ms,
                                int64_t *found);

/* The row of one matter as its rules need it. */
typedef struct xf_matter_row {
	int64_t id, person_id, incident_id, unit_id, accused_unit_id, handling_unit_id, handler_id,
	    repeat_of;
	char category[16], stage[24], outcome[16], satisfaction[24];
	int64_t received_ms, accepted_ms, acceptance_notice_ms, answered_ms, concluded_ms,
	    review_requested_ms, reviewed_ms, re_review_requested_ms, re_reviewed_ms, extended_ms,
	    handling_due_ms;
	int extension_days;
} xf_matter_row;

int xf_store_matter_get(xf_db *db, int64_t id, xf_matter_row *out);
/* The Matter as the API shows it: fields, petitioners, clocks (each with due,
 * remaining days, article and calendar), handling log. */
int xf_store_matter_full_json(xf_db *db, int64_t id, int64_t now_ms, json_t **out);

/* Stage moves; each checks nothing but writes (the api checks with core first). */
int xf_store_matter_set_stage(xf_db *db, int64_t id, const char *stage);
int xf_store_matter_accept(xf_db *db, int64_t id, int64_t at_ms);
int xf_store_matter_not_accept(xf_db *db, int64_t id, const char *reason);
int xf_store_matter_extend(xf_db *db, int64_t id, int days, const char *reason, int64_t at_ms);
int xf_store_matter_review_request(xf_db *db, int64_t id, bool re_review, int64_t at_ms);
/* The petitioner's satisfaction with the answer and how it was obtained (回访: phone,
 * visit, or self through the public lookup). */
int xf_store_matter_satisfaction(xf_db *db, int64_t id, const char *satisfaction,
                                 const char *source, int64_t at_ms);
/* 交办/转办/改派 (unit, handler 0: none, due 0: none) and 退回 (unit 0): the row and the
 * log line. */
int xf_store_matter_handle(xf_db *db, int64_t id, const char *action, int64_t unit_id,
                           int64_t handler_id, int64_t due_ms, const char *reason, int64_t by_user,
                           int64_t at_ms);

/* Lists matters the viewer may see (filters: stage, category, unit_id (concerned or
 * handling), person_id; NULL / 0: any), newest first; due: NULL, "soon" or "overdue"
 * (a running office clock due by until_ms), then soonest first. */
typedef struct xf_matter_filter {
	const char *stage, *category, *due;
	int64_t unit_id, person_id, until_ms, now_ms;
	int limit;
} xf_matter_filter;
int xf_store_matter_list(xf_db *db, const xf_viewer *viewer, const xf_matter_filter *f,
                         json_t **out);
/* How many open matters the viewer may see are overdue / due within 3 days, per unit
 * (the handling unit, else the unit concerned): {overdue, soon, units:[{unit_id,
 * overdue, soon}]}. */
int xf_store_matter_due_counts(xf_db *db, const xf_viewer *viewer, int64_t now_ms, json_t **out);

/* The discipline (纪检) unit of the mine that unit_id belongs to (the nearest unit of
 * kind 'discipline' under the same mine), *found 0 when none. */
int xf_store_discipline_unit(xf_db *db, int64_t unit_id, int64_t *found);
/* Whether unit a is b or one of b's ancestors (a superior of b). */
int xf_store_unit_at_or_above(xf_db *db, int64_t a, int64_t b, bool *yes);
/* Art. 18, 28: the accusation matters of person_id (open or not) that accuse unit of
 * user_id or a unit above it: *matter_id the first found, 0 when none. */
int xf_store_accused_conflict(xf_db *db, int64_t person_id, int64_t user_id, int64_t *matter_id);

/* The alarm scan (api/matter_clocks.c): writes an alarm mark for each open matter whose
 * office clock is within 3 days (due_soon) or past (overdue) and has none yet for that
 * due time; out gets [{matter_id, clock, due_ms, mark}] of the marks written (at most
 * max). It reads only the matters whose alarm_ms is past (an index), and sets their next
 * alarm_ms. Call inside a write transaction. write false: writes nothing, *n is how many
 * matters are due a visit (the look before taking the write lock; out untouched). */
/* The stamps of a matter row as core's clocks read them (core/xf_matter.h). */
xf_matter_clock xf_store_matter_row_clock(const xf_matter_row *r);

typedef struct xf_matter_alarm {
	int64_t matter_id, due_ms;
	int64_t handler_id, incident_id; /* 0: none */
	char clock[24], mark[12];
} xf_matter_alarm;
int xf_store_matter_alarms_due(xf_db *db, int64_t now_ms, bool write, xf_matter_alarm *out,
                               size_t max, size_t *n);
/* Recomputes matters.alarm_ms of matter id (the earliest time one of its clocks reaches a
 * mark not yet written; NULL: none): every write of this file that may move a clock does
 * it; a store writing matters elsewhere calls it after. */
int xf_store_matter_alarm_refresh(xf_db *db, int64_t id);

#endif
