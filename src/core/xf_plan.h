/* The emergency plan (预案) as data: its in-memory form, loading with precise errors,
 * and the rules it drives (scope and grade).
 *
 * A plan file is JSON (docs/plan-format.md). The loader validates every part and, on
 * failure, reports each problem with its JSON path ("procedures[1].steps[3].owner:
 * unknown role 'boss'"). A loaded plan is identified by the SHA-256 of its file bytes;
 * a changed file is a new version. The code knows the shape of a plan, never a
 * mine's wording: every Chinese text comes from the file.
 *
 * Destination levels are fixed by the API (mine, group, city, province, national);
 * the plan names them. */
#ifndef XF_PLAN_H
#define XF_PLAN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum xf_destination {
	XF_DEST_MINE,     /* 本矿 */
	XF_DEST_GROUP,    /* 集团公司 */
	XF_DEST_CITY,     /* 市 */
	XF_DEST_PROVINCE, /* 省 */
	XF_DEST_NATIONAL, /* 进京 */
	XF_DEST_COUNT
} xf_destination;

extern const char *const xf_destination_ids[]; /* NULL-terminated, in enum order */
int xf_destination_parse(const char *id);      /* -1 when unknown */

/* A condition holds when every part it has holds: headcount >= min_headcount (when
 * min_headcount > 0) and the destination is in destinations (when the mask is not 0). */
typedef struct xf_plan_condition {
	int min_headcount;
	uint32_t destinations; /* bit (1u << xf_destination) */
} xf_plan_condition;

/* A rule fires when any of its conditions holds. */
typedef struct xf_plan_rule {
	char *id;
	char *text; /* the plan's wording, shown as the reason */
	xf_plan_condition *conditions;
	size_t n_conditions;
} xf_plan_rule;

typedef struct xf_plan_grade {
	char *id;                      /* "I" .. "IV" */
	char *name;                    /* "一级" */
	xf_plan_rule rule;             /* the lowest grade has no conditions: it always fires */
	int report_oral_minutes;       /* 0: no oral report up */
	int report_written_minutes;    /* 0: no written report up */
	int progress_interval_minutes; /* cadence of "及时调度、及时汇报" */
	int due_percent;               /* scales step due offsets (100 = as written) */
	bool is_default;               /* a default the plan did not state */
} xf_plan_grade;

/* XF_OWNER_HEADS_OF names units by their relation to the incident, resolved when the
 * incident runs: the heads (units.head_user_id) of the incident's units
 * ("unit_of_incident") or of its petitioners' units ("unit_of_petitioners"). */
typedef enum xf_owner_kind {
	XF_OWNER_ROLE,
	XF_OWNER_UNIT,
	XF_OWNER_POSITION,
	XF_OWNER_HEADS_OF
} xf_owner_kind;

extern const char *const xf_owner_kind_ids[]; /* "role", "unit", "position", "heads_of" */
extern const char *const xf_heads_of_ids[];   /* NULL-terminated */

typedef struct xf_plan_owner {
	xf_owner_kind kind;
	char *value;    /* role id, unit name, leadership position (组长 ...), or heads_of id */
	char *label_en; /* optional English label, NULL when the plan gives none */
} xf_plan_owner;

typedef struct xf_plan_step {
	char *id;                 /* "B3.1" */
	char *title;              /* short title for checklists */
	char *text;               /* the plan's wording */
	char *title_en, *text_en; /* optional English, NULL when the plan gives none */
	char *workstream;         /* workstream id or NULL */
	xf_plan_owner owner;
	xf_plan_owner *contacts; /* whom to call for the step (roles, units, positions) */
	size_t n_contacts;
	int due_minutes; /* after activation, before the grade's due_percent */
	bool recurring;  /* repeats every grade.progress_interval_minutes */
	char **evidence; /* what the step asks to be recorded */
	size_t n_evidence;
	char **dispatch; /* resources to request: "guards", "vehicles" */
	size_t n_dispatch;
	bool chooses_venue; /* the step books a reply venue */
	bool is_default;    /* due offset is a default the plan did not state */
} xf_plan_step;

typedef struct xf_plan_procedure {
	char *id; /* "A", "B" */
	char *name;
	bool advance_info; /* chosen when the incident's advance_info equals this */
	/* While the expected visit (expected_at) is further away than the day(s) before it,
	 * recurring progress reports run at this interval instead of the grade's (0: the
	 * grade's interval throughout); from 00:00 Asia/Shanghai progress_days_before
	 * days before the expected day on, the grade's interval applies (see xf_progress.h). */
	int progress_interval_before_minutes;
	int progress_days_before;
	xf_plan_step *steps;
	size_t n_steps;
} xf_plan_procedure;

typedef struct xf_plan_named {
	char *id, *name, *text;
	int capacity; /* venues only */
} xf_plan_named;

/* The kinds of record (records.c): interview, photo, video, audio, document, other. */
#define XF_RECORD_KIND_COUNT 6
extern const char *const xf_record_kind_ids[XF_RECORD_KIND_COUNT + 1];

typedef struct xf_plan {
	char hash[65]; /* hex SHA-256 of the file bytes: the version */
	char *id, *title;
	json_t *doc; /* the whole validated document, for display */
	xf_plan_rule *scope;
	size_t n_scope;
	xf_plan_grade *grades; /* most severe first; the last always fires */
	size_t n_grades;
	xf_plan_procedure *procedures;
	size_t n_procedures;
	xf_plan_named *workstreams;
	size_t n_workstreams;
	xf_plan_named *venues;
	size_t n_venues;
	/* Steps every procedure ends with: record, evaluate, summarise, report, archive. */
	xf_plan_step *closing;
	size_t n_closing;
	/* Report-up tasks made from the grade's time limits. */
	char *report_oral_title, *report_written_title;
	xf_plan_owner report_owner;
	char *three_no; /* the "三无" target as this plan defines it */
	/* 考核: points, veto, accountability decisions, the 三无 items (core/xf_assessment.h);
	 * never NULL in a loaded plan. */
	struct xf_plan_assessment *assessment;
	/* 包保: days between follow-ups of a petitioner (a default the plan may not state). */
	int followup_interval_days;
	/* 综合评价: the dimensions an incident's evaluation scores (id, name = the Chinese
	 * title, text), each from score_min to score_max; none without an "evaluation"
	 * section. */
	xf_plan_named *evaluation_dimensions;
	size_t n_evaluation_dimensions;
	int score_min, score_max;
	char *destination_names[XF_DEST_COUNT];
	/* 保存期限: days a record of each kind (xf_record_kind_ids) is kept after its
	 * incident closed; 0 keeps it for good ("retention" in the plan). */
	int retention_days[XF_RECORD_KIND_COUNT];
	/* Who is told of what ("notifications", core/xf_plan_notify.h); NULL: nobody. */
	struct xf_plan_notify *notify;
} xf_plan;

/* Problems found while loading, each "JSON.PATH: problem". */
typedef struct xf_plan_errors {
	size_t n;
	char items[32][256];
	size_t dropped; /* problems beyond the 32 kept */
} xf_plan_errors;

/* Loads and validates a plan from bytes. Returns NULL and fills errors when invalid. */
xf_plan *xf_plan_load(const char *bytes, size_t len, xf_plan_errors *errors);
/* Reads the file, then xf_plan_load(); a read failure is reported as one error. */
xf_plan *xf_plan_load_file(const char *path, xf_plan_errors *errors);
void xf_plan_free(xf_plan *plan);

/* ---- the rules the plan drives ---- */

typedef struct xf_plan_facts {
	int headcount;
	xf_destination destination;
	bool advance_info;
} xf_plan_facts;

#define XF_PLAN_MAX_REASONS 8

typedef struct xf_plan_decision {
	bool in_scope;
	/* Decided whether in scope or not; an out-of-scope incident keeps no grade, but an
	 * override that brings it into scope starts from these. */
	const xf_plan_grade *grade;
	const xf_plan_procedure *procedure;
	size_t n_reasons;
	char reasons[XF_PLAN_MAX_REASONS][256]; /* which rules fired, in words (Chinese) */
} xf_plan_decision;

/* Decides scope, grade and procedure from the facts. */
void xf_plan_decide(const xf_plan *plan, const xf_plan_facts *facts, xf_plan_decision *out);
const xf_plan_grade *xf_plan_grade_by_id(const xf_plan *plan, const char *id);
const xf_plan_procedure *xf_plan_procedure_by_id(const xf_plan *plan, const char *id);
/* A step of any procedure or of closing, by id (step ids are unique in a plan). */
const xf_plan_step *xf_plan_step_by_id(const xf_plan *plan, const char *id);

#endif
