/* Unit tests of the plan loader (core/xf_plan.h): the shipped coal-mine plan loads and
 * carries what the mine's plan says (procedures, steps with owners, contacts and due
 * offsets, grades, workstreams, venues, closing steps); the version hash is the SHA-256
 * of the file bytes; and every kind of plan error is reported with its exact JSON path and
 * message, one fixture per kind under tests/unit/plans/ (each fixture is
 * valid-minimal.json with one thing broken, so it must give exactly one problem).
 * XF_SOURCE_DIR (set by ctest) is the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/xf_plan.h"
#include "util/xf_util.h"

static char *source_path(const char *rel)
{
	const char *root = getenv("XF_SOURCE_DIR");
	if (!root)
		root = ".";
	size_t n = strlen(root) + strlen(rel) + 2;
	char *p = xf_malloc(n);
	snprintf(p, n, "%s/%s", root, rel);
	return p;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open '%s'", path);
	char *data = NULL;
	size_t n = 0, cap = 0, got;
	do {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			data = xf_realloc(data, cap);
		}
		got = fread(data + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return data;
}

static void print_errors(const char *what, const xf_plan_errors *e)
{
	for (size_t i = 0; i < e->n; i++)
		print_message("%s: %s\n", what, e->items[i]);
	if (e->dropped)
		print_message("%s: ... and %zu more\n", what, e->dropped);
}

static xf_plan *load_source_file(const char *rel)
{
	char *path = source_path(rel);
	xf_plan_errors errors;
	xf_plan *plan = xf_plan_load_file(path, &errors);
	if (!plan) {
		print_errors(rel, &errors);
		fail_msg("'%s' does not load", rel);
	}
	assert_int_equal(errors.n, 0);
	free(path);
	return plan;
}

/* The bytes of a file of the source tree. */
static char *read_source(const char *rel, size_t *len)
{
	char *path = source_path(rel);
	char *bytes = read_all(path, len);
	free(path);
	return bytes;
}

/* tests/unit/plans/valid-minimal.json as JSON, for a test to change. */
static json_t *minimal_doc(void)
{
	char *path = source_path("tests/unit/plans/valid-minimal.json");
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	free(path);
	assert_non_null(doc);
	return doc;
}

/* Loads doc as a plan's text, releasing doc. */
static xf_plan *load_doc(json_t *doc, xf_plan_errors *errors)
{
	char *text = json_dumps(doc, 0);
	json_decref(doc);
	xf_plan *plan = xf_plan_load(text, strlen(text), errors);
	free(text);
	return plan;
}

/* The steps of procedures[i] of a plan document. */
static json_t *doc_steps(json_t *doc, size_t i)
{
	return json_object_get(json_array_get(json_object_get(doc, "procedures"), i), "steps");
}

/* valid-minimal.json with `key` set to section (JSON text): the plan, or NULL with
 * errors. */
static xf_plan *plan_with_section(const char *key, const char *section, xf_plan_errors *errors)
{
	json_t *doc = minimal_doc();
	json_error_t je;
	json_t *v = json_loads(section, 0, &je);
	if (!v)
		fail_msg("bad test JSON: %s", section);
	json_object_set_new(doc, key, v);
	return load_doc(doc, errors);
}

/* valid-minimal.json with `key` set to section: the one error expected. */
static void expect_section_error(const char *key, const char *section, const char *error)
{
	xf_plan_errors errors;
	xf_plan *plan = plan_with_section(key, section, &errors);
	if (plan || errors.n != 1 || strcmp(errors.items[0], error) != 0) {
		print_errors(section, &errors);
		xf_plan_free(plan);
		fail_msg("expected exactly \"%s\"", error);
	}
}

static const xf_plan_step *step_by_id(const xf_plan *plan, const char *id)
{
	for (size_t p = 0; p < plan->n_procedures; p++)
		for (size_t s = 0; s < plan->procedures[p].n_steps; s++)
			if (strcmp(plan->procedures[p].steps[s].id, id) == 0)
				return &plan->procedures[p].steps[s];
	for (size_t s = 0; s < plan->n_closing; s++)
		if (strcmp(plan->closing[s].id, id) == 0)
			return &plan->closing[s];
	fail_msg("no step '%s'", id);
	return NULL;
}

/* ---- destinations ---- */

static void test_destination_ids(void **state)
{
	for (int d = 0; d < XF_DEST_COUNT; d++)
		assert_int_equal(xf_destination_parse(xf_destination_ids[d]), d);
	assert_null(xf_destination_ids[XF_DEST_COUNT]);
	assert_string_equal(xf_destination_ids[XF_DEST_MINE], "mine");
	assert_string_equal(xf_destination_ids[XF_DEST_NATIONAL], "national");
	static const char *const unknown[] = {"", "Mine", "beijing", "national ", "进京", "nation"};
	for (size_t i = 0; i < XF_ARRAY_LEN(unknown); i++)
		assert_int_equal(xf_destination_parse(unknown[i]), -1);
	assert_int_equal(xf_destination_parse(NULL), -1);
}

/* ---- the shipped plan ---- */

static void test_shipped_plan_outline(void **state)
{
	xf_plan *plan = load_source_file("plans/coal-mine.json");
	assert_string_equal(plan->id, "coal-mine");
	assert_string_equal(plan->title, "某煤矿信访工作应急预案");
	assert_non_null(plan->doc);
	assert_int_equal(strlen(plan->hash), 64);

	static const char *const names[XF_DEST_COUNT] = {"本矿", "集团公司", "市", "省", "进京"};
	for (int d = 0; d < XF_DEST_COUNT; d++)
		assert_string_equal(plan->destination_names[d], names[d]);

	/* scope: three or more people; or any visit to the group company or above */
	assert_int_equal(plan->n_scope, 2);
	assert_string_equal(plan->scope[0].id, "collective");
	assert_string_equal(plan->scope[0].text, "三人以上的集体访");
	assert_int_equal(plan->scope[0].n_conditions, 1);
	assert_int_equal(plan->scope[0].conditions[0].min_headcount, 3);
	assert_int_equal(plan->scope[0].conditions[0].destinations, 0);
	assert_string_equal(plan->scope[1].id, "upper_level");
	assert_string_equal(plan->scope[1].text, "到集团公司以上机关的各类上访");
	assert_int_equal(plan->scope[1].n_conditions, 1);
	assert_int_equal(plan->scope[1].conditions[0].min_headcount, 0);
	assert_int_equal(plan->scope[1].conditions[0].destinations,
	                 (1u << XF_DEST_GROUP) | (1u << XF_DEST_CITY) | (1u << XF_DEST_PROVINCE) |
	                     (1u << XF_DEST_NATIONAL));

	/* grades, most severe first; the last has no conditions */
	static const struct {
		const char *id, *name;
		uint32_t dests;
		int headcount, oral, written, progress, due;
	} grades[] = {
	    {"I", "一级", 1u << XF_DEST_NATIONAL, 50, 30, 60, 30, 50},
	    {"II", "二级", 1u << XF_DEST_PROVINCE, 30, 30, 60, 30, 75},
	    {"III", "三级", (1u << XF_DEST_CITY) | (1u << XF_DEST_GROUP), 10, 60, 240, 60, 100},
	    {"IV", "四级", 0, 0, 0, 1440, 120, 100},
	};
	assert_int_equal(plan->n_grades, XF_ARRAY_LEN(grades));
	for (size_t i = 0; i < XF_ARRAY_LEN(grades); i++) {
		const xf_plan_grade *g = &plan->grades[i];
		assert_string_equal(g->id, grades[i].id);
		assert_string_equal(g->name, grades[i].name);
		assert_true(g->is_default);
		assert_int_equal(g->report_oral_minutes, grades[i].oral);
		assert_int_equal(g->report_written_minutes, grades[i].written);
		assert_int_equal(g->progress_interval_minutes, grades[i].progress);
		assert_int_equal(g->due_percent, grades[i].due);
		if (!grades[i].dests) {
			assert_int_equal(g->rule.n_conditions, 0);
			continue;
		}
		assert_int_equal(g->rule.n_conditions, 2);
		assert_int_equal(g->rule.conditions[0].destinations, grades[i].dests);
		assert_int_equal(g->rule.conditions[0].min_headcount, 0);
		assert_int_equal(g->rule.conditions[1].destinations, 0);
		assert_int_equal(g->rule.conditions[1].min_headcount, grades[i].headcount);
		assert_ptr_equal(xf_plan_grade_by_id(plan, grades[i].id), g);
	}

	static const char *const ws[][2] = {
	    {"control", "事态控制"}, {"guidance", "教育引导"}, {"liaison", "协调联络"}};
	assert_int_equal(plan->n_workstreams, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(plan->workstreams[i].id, ws[i][0]);
		assert_string_equal(plan->workstreams[i].name, ws[i][1]);
		assert_non_null(plan->workstreams[i].text);
	}
	assert_string_equal(
	    plan->workstreams[0].text,
	    "制定现场应急方案,并进行上报和组织实施,及时向领导小组汇报现场工作进度情况。");

	assert_int_equal(plan->n_venues, 2);
	assert_string_equal(plan->venues[0].id, "union_hall");
	assert_string_equal(plan->venues[0].name, "工会会议室");
	assert_int_equal(plan->venues[0].capacity, 80);
	assert_string_equal(plan->venues[1].id, "retiree_hall");
	assert_string_equal(plan->venues[1].name, "退休支部会议室");
	assert_int_equal(plan->venues[1].capacity, 40);

	assert_string_equal(plan->report_oral_title, "口头报告公司信访办公室");
	assert_string_equal(plan->report_written_title, "书面报告公司信访办公室");
	assert_int_equal(plan->report_owner.kind, XF_OWNER_ROLE);
	assert_string_equal(plan->report_owner.value, "petition_office");
	assert_string_equal(plan->three_no, "无越级上访、无集体上访、无重复上访");

	/* what only the document keeps: the plan's other sections, whole */
	json_t *doc = plan->doc;
	assert_int_equal(json_array_size(json_object_get(doc, "principles")), 5);
	assert_int_equal(json_array_size(json_object_get(doc, "requirements")), 4);
	json_t *office = json_object_get(json_object_get(doc, "organisation"), "office");
	assert_int_equal(json_array_size(json_object_get(office, "duties")), 6);
	json_t *command = json_object_get(json_object_get(doc, "organisation"), "command");
	assert_int_equal(json_array_size(json_object_get(command, "positions")), 3);
	json_t *three_no = json_object_get(doc, "three_no");
	assert_true(json_is_true(json_object_get(three_no, "is_default")));
	assert_string_equal(json_string_value(json_object_get(three_no, "note")),
	                    "各发文单位对“三无”定义不一，请按本单位规定修改");
	assert_string_equal(json_string_value(json_object_get(doc, "effective")),
	                    "本预案自发布之日起正式施行。");
	assert_non_null(strstr(
	    json_string_value(json_object_get(json_object_get(doc, "accountability"), "text")),
	    "层级负责制和责任追究制"));
	xf_plan_free(plan);
}

/* One expected step: owner "r:" role, "p:" position, "u:" unit; due -1 = recurring. */
typedef struct expected_step {
	const char *id, *owner, *workstream;
	int due;
	const char *evidence; /* joined with '/' */
	const char *dispatch;
	bool chooses_venue;
} expected_step;

static void check_step(const xf_plan_step *s, const expected_step *e)
{
	assert_string_equal(s->id, e->id);
	assert_non_null(s->title);
	assert_non_null(s->text);
	static const char kinds[] = {[XF_OWNER_ROLE] = 'r',
	                             [XF_OWNER_UNIT] = 'u',
	                             [XF_OWNER_POSITION] = 'p',
	                             [XF_OWNER_HEADS_OF] = 'h'};
	char owner[64];
	snprintf(owner, sizeof owner, "%c:%s", kinds[s->owner.kind], s->owner.value);
	assert_string_equal(owner, e->owner);
	if (e->workstream)
		assert_string_equal(s->workstream, e->workstream);
	else
		assert_null(s->workstream);
	if (e->due < 0) {
		assert_true(s->recurring);
		assert_false(s->is_default);
	} else {
		assert_false(s->recurring);
		assert_int_equal(s->due_minutes, e->due);
		assert_true(s->is_default); /* the plan states no times: all are defaults */
	}
	char joined[256] = "";
	for (size_t i = 0; i < s->n_evidence; i++)
		snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s%s",
		         i ? "/" : "", s->evidence[i]);
	assert_string_equal(joined, e->evidence ? e->evidence : "");
	joined[0] = '\0';
	for (size_t i = 0; i < s->n_dispatch; i++)
		snprintf(joined + strlen(joined), sizeof joined - strlen(joined), "%s%s",
		         i ? "/" : "", s->dispatch[i]);
	assert_string_equal(joined, e->dispatch ? e->dispatch : "");
	assert_int_equal(s->chooses_venue, e->chooses_venue);
}

static void test_shipped_plan_procedures(void **state)
{
	static const expected_step a[] = {
	    {"A1", "r:petition_office", NULL, 15, "汇报记录", NULL, false},
	    {"A2", "r:petition_office", NULL, 240, "家庭档案", NULL, false},
	    {"A3", "p:组长", NULL, 180, "会议纪要/稳控措施", NULL, false},
	    {"A4", "r:petition_office", NULL, 360, "会议纪要/包保责任分工", NULL, false},
	    {"A5", "r:dispatch", NULL, 60, "值守安排", NULL, false},
	    {"A6", "r:petition_office", NULL, -1, NULL, NULL, false},
	};
	static const expected_step b[] = {
	    {"B1", "r:petition_office", NULL, 10, NULL, NULL, false},
	    {"B2", "r:dispatch", NULL, 15, NULL, "guards/vehicles", false},
	    {"B3.1", "r:petition_office", "control", 45, NULL, NULL, false},
	    {"B3.2", "r:petition_office", "control", -1, NULL, NULL, false},
	    {"B3.3", "r:petition_office", "guidance", 45, "主要诉求记录", NULL, false},
	    {"B3.4", "r:petition_office", "guidance", 90, "谈话记录", NULL, false},
	    {"B3.5", "r:petition_office", "liaison", 30, NULL, NULL, false},
	    {"B3.6", "h:unit_of_petitioners", "liaison", 120, NULL, NULL, false},
	    {"B4", "r:petition_office", NULL, 240, "答复记录", NULL, true},
	    {"B5", "h:unit_of_petitioners", NULL, 480, "包保责任表", NULL, false},
	    {"B6", "r:petition_office", NULL, -1, NULL, NULL, false},
	};
	static const expected_step c[] = {
	    {"C1", "r:petition_office", NULL, 1440, "谈话记录/摄像/照相/其它相关资料", NULL, false},
	    {"C2", "r:petition_office", NULL, 2880, NULL, NULL, false},
	    {"C3", "r:petition_office", NULL, 2880, NULL, NULL, false},
	    {"C4", "r:petition_office", NULL, 4320, NULL, NULL, false},
	    {"C5", "r:petition_office", NULL, 10080, NULL, NULL, false},
	};
	xf_plan *plan = load_source_file("plans/coal-mine.json");
	assert_int_equal(plan->n_procedures, 2);

	const xf_plan_procedure *pa = xf_plan_procedure_by_id(plan, "A");
	assert_non_null(pa);
	assert_string_equal(pa->name, "提前掌握信息的集体上访处置程序");
	assert_true(pa->advance_info);
	assert_int_equal(pa->n_steps, XF_ARRAY_LEN(a));
	for (size_t i = 0; i < XF_ARRAY_LEN(a); i++)
		check_step(&pa->steps[i], &a[i]);

	const xf_plan_procedure *pb = xf_plan_procedure_by_id(plan, "B");
	assert_non_null(pb);
	assert_string_equal(pb->name, "未掌握信息源的上访事件处置程序");
	assert_false(pb->advance_info);
	assert_int_equal(pb->n_steps, XF_ARRAY_LEN(b));
	for (size_t i = 0; i < XF_ARRAY_LEN(b); i++)
		check_step(&pb->steps[i], &b[i]);

	assert_int_equal(plan->n_closing, XF_ARRAY_LEN(c));
	for (size_t i = 0; i < XF_ARRAY_LEN(c); i++)
		check_step(&plan->closing[i], &c[i]);

	/* the plan's own wording is kept, the titles are short */
	assert_string_equal(step_by_id(plan, "A1")->text, "及时向分管领导和主要领导汇报");
	assert_string_equal(
	    step_by_id(plan, "B2")->text,
	    "通知矿长办公室、保卫科安排车辆和保卫干警以最短的时间赶到现场参与事件的处置");
	assert_string_equal(step_by_id(plan, "B4")->title,
	                    "视人数选择合适地点给予答复，一般选择工会会议室或退休支部会议室");
	assert_string_equal(step_by_id(plan, "C1")->title, "记录在案");
	assert_string_equal(step_by_id(plan, "C5")->title, "归档保存");
	assert_non_null(strstr(
	    json_string_value(json_object_get(json_object_get(plan->doc, "closing"), "text")),
	    "两种处置程序"));
	xf_plan_free(plan);
}

/* ---- whom to call (step contacts) ---- */

/* The contacts of a step as "r:role", "u:unit", "p:position" joined by '/'. */
static void contacts_text(const xf_plan_step *s, char *out, size_t size)
{
	static const char kind[] = {[XF_OWNER_ROLE] = 'r',
	                            [XF_OWNER_UNIT] = 'u',
	                            [XF_OWNER_POSITION] = 'p',
	                            [XF_OWNER_HEADS_OF] = 'h'};
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < s->n_contacts && used < size; i++)
		used += (size_t)snprintf(out + used, size - used, "%s%c:%s", i ? "/" : "",
		                         kind[s->contacts[i].kind], s->contacts[i].value);
}

static void test_shipped_plan_contacts(void **state)
{
	static const struct {
		const char *step, *contacts;
	} expected[] = {
	    {"A1", "p:组长/p:副组长"},
	    {"B1", "p:组长/p:副组长"},
	    {"B2", "u:矿长办公室/u:保卫科"},
	    {"B3.5", "h:unit_of_incident/h:unit_of_petitioners"},
	    {"A5", "u:保卫科"},
	    {"A2", ""},
	    {"B4", ""},
	    {"C1", ""},
	};
	xf_plan *plan = load_source_file("plans/coal-mine.json");
	for (size_t i = 0; i < XF_ARRAY_LEN(expected); i++) {
		const xf_plan_step *s = xf_plan_step_by_id(plan, expected[i].step);
		assert_non_null(s);
		assert_string_equal(s->id, expected[i].step);
		char text[200];
		contacts_text(s, text, sizeof text);
		if (strcmp(text, expected[i].contacts) != 0)
			fail_msg("step %s: contacts '%s', expected '%s'", s->id, text,
			         expected[i].contacts);
		assert_true(s->n_contacts == 0 ? s->contacts == NULL : s->contacts != NULL);
	}
	/* every step is found by its id, in procedures and in closing */
	for (size_t p = 0; p < plan->n_procedures; p++)
		for (size_t j = 0; j < plan->procedures[p].n_steps; j++)
			assert_ptr_equal(xf_plan_step_by_id(plan, plan->procedures[p].steps[j].id),
			                 &plan->procedures[p].steps[j]);
	assert_ptr_equal(xf_plan_step_by_id(plan, "C5"), &plan->closing[4]);
	assert_null(xf_plan_step_by_id(plan, "B7"));
	assert_null(xf_plan_step_by_id(plan, "b1"));
	assert_null(xf_plan_step_by_id(plan, NULL));
	assert_null(xf_plan_step_by_id(NULL, "A1"));
	xf_plan_free(plan);

	/* the several kinds load in their order */
	json_t *doc = minimal_doc();
	json_t *b1 = json_array_get(doc_steps(doc, 1), 0);
	json_object_set_new(b1, "contacts",
	                    json_pack("[{s:s}, {s:s}, {s:s}]", "position", "组长", "unit", "保卫科",
	                              "role", "unit_head"));
	json_object_set_new(json_array_get(doc_steps(doc, 0), 0), "contacts", json_array());
	xf_plan_errors errors;
	plan = load_doc(doc, &errors);
	if (!plan)
		print_errors("contacts", &errors);
	assert_non_null(plan);
	char joined[200];
	contacts_text(xf_plan_step_by_id(plan, "B1"), joined, sizeof joined);
	assert_string_equal(joined, "p:组长/u:保卫科/r:unit_head");
	/* an empty list is no contacts */
	assert_int_equal(xf_plan_step_by_id(plan, "A1")->n_contacts, 0);
	assert_null(xf_plan_step_by_id(plan, "A1")->contacts);
	xf_plan_free(plan);
}

/* ---- heads of the incident's units, English texts ---- */

static void test_heads_of_and_english(void **state)
{
	(void)state;
	xf_plan *plan = load_source_file("plans/coal-mine.json");
	/* every step of the shipped plan has its English title and text */
	for (size_t p = 0; p < plan->n_procedures; p++)
		for (size_t j = 0; j < plan->procedures[p].n_steps; j++) {
			const xf_plan_step *s = &plan->procedures[p].steps[j];
			if (!s->title_en || !s->text_en)
				fail_msg("step %s has no English", s->id);
		}
	for (size_t j = 0; j < plan->n_closing; j++)
		assert_non_null(plan->closing[j].title_en);
	const xf_plan_step *b35 = xf_plan_step_by_id(plan, "B3.5");
	assert_string_equal(b35->title_en, "Call the heads of the petitioners' units to the scene");
	assert_null(b35->owner.label_en);
	const xf_plan_step *b5 = xf_plan_step_by_id(plan, "B5");
	assert_int_equal(b5->owner.kind, XF_OWNER_HEADS_OF);
	assert_string_equal(b5->owner.label_en, "head of the petitioners' unit");
	assert_string_equal(xf_owner_kind_ids[XF_OWNER_HEADS_OF], "heads_of");
	/* the English of rules and principles stays in the document */
	json_t *rule =
	    json_array_get(json_object_get(json_object_get(plan->doc, "scope"), "rules"), 0);
	assert_string_equal(json_string_value(json_object_get(rule, "text_en")),
	                    "a collective visit of three or more people");
	xf_plan_free(plan);

	/* both heads_of values load, as owners and as contacts, and a label_en with them */
	json_t *doc = minimal_doc();
	json_t *b1 = json_array_get(doc_steps(doc, 1), 0);
	json_object_set_new(
	    b1, "owner",
	    json_pack("{s:s, s:s}", "heads_of", "unit_of_incident", "label_en", "unit head"));
	json_object_set_new(b1, "contacts",
	                    json_pack("[{s:s}, {s:s}]", "heads_of", "unit_of_incident", "heads_of",
	                              "unit_of_petitioners"));
	json_object_set_new(b1, "title_en", json_string("To the scene"));
	xf_plan_errors errors;
	plan = load_doc(doc, &errors);
	if (!plan)
		print_errors("heads_of", &errors);
	assert_non_null(plan);
	const xf_plan_step *s = xf_plan_step_by_id(plan, "B1");
	assert_int_equal(s->owner.kind, XF_OWNER_HEADS_OF);
	assert_string_equal(s->owner.value, "unit_of_incident");
	assert_string_equal(s->owner.label_en, "unit head");
	assert_string_equal(s->title_en, "To the scene");
	assert_null(s->text_en);
	char joined[200];
	contacts_text(s, joined, sizeof joined);
	assert_string_equal(joined, "h:unit_of_incident/h:unit_of_petitioners");
	/* without English, the fields are NULL */
	assert_null(xf_plan_step_by_id(plan, "A1")->title_en);
	xf_plan_free(plan);
}

/* ---- the version hash ---- */

static void test_hash_is_sha256_of_file_bytes(void **state)
{
	size_t len;
	char *bytes = read_source("plans/coal-mine.json", &len);
	xf_plan_errors errors;
	xf_plan *plan = xf_plan_load(bytes, len, &errors);
	assert_non_null(plan);

	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(digest, (const unsigned char *)bytes, len);
	xf_hex_encode(digest, sizeof digest, hex);
	assert_string_equal(plan->hash, hex);

	xf_plan *again = load_source_file("plans/coal-mine.json");
	assert_string_equal(again->hash, plan->hash);
	xf_plan_free(again);

	/* One byte changed, still a valid plan: a new version. */
	char *space = strchr(bytes, ' ');
	assert_non_null(space);
	*space = '\t';
	xf_plan *changed = xf_plan_load(bytes, len, &errors);
	assert_non_null(changed);
	assert_string_not_equal(changed->hash, plan->hash);
	assert_int_equal(strlen(changed->hash), 64);
	xf_plan_free(changed);
	xf_plan_free(plan);
	free(bytes);
}

static void test_hash_known_value(void **state)
{
	/* sha256sum tests/unit/plans/valid-minimal.json; update it when that file changes */
	xf_plan *plan = load_source_file("tests/unit/plans/valid-minimal.json");
	assert_string_equal(plan->hash,
	                    "03005547b4379a4a6ccad600123dc7b1ba82c45a5f64a98cc011fe3ceff9395b");
	xf_plan_free(plan);
}

/* ---- what a minimal plan reads as ---- */

static void test_minimal_plan_and_defaults(void **state)
{
	xf_plan *plan = load_source_file("tests/unit/plans/valid-minimal.json");
	/* a recurring step without due_minutes reads as 0; is_default absent is false */
	const xf_plan_step *b4 = step_by_id(plan, "B4");
	assert_true(b4->recurring);
	assert_int_equal(b4->due_minutes, 0);
	assert_false(b4->is_default);
	assert_int_equal(b4->n_evidence, 0);
	assert_null(b4->evidence);
	assert_true(step_by_id(plan, "C1")->is_default);
	assert_int_equal(step_by_id(plan, "B2")->owner.kind, XF_OWNER_POSITION);
	assert_string_equal(step_by_id(plan, "B2")->owner.value, "组长");
	assert_int_equal(step_by_id(plan, "B3")->owner.kind, XF_OWNER_UNIT);
	assert_string_equal(step_by_id(plan, "B3")->owner.value, "信访办");
	/* the last grade may leave conditions out; rule.id/text mirror the grade */
	const xf_plan_grade *last = xf_plan_grade_by_id(plan, "II");
	assert_non_null(last);
	assert_int_equal(last->rule.n_conditions, 0);
	assert_string_equal(last->rule.id, "II");
	assert_string_equal(last->rule.text, "二级");
	assert_false(last->is_default);
	/* venues have no text */
	assert_null(plan->venues[0].text);
	assert_int_equal(plan->venues[0].capacity, 50);
	assert_null(xf_plan_grade_by_id(plan, "III"));
	assert_null(xf_plan_grade_by_id(plan, NULL));
	assert_null(xf_plan_grade_by_id(NULL, "I"));
	assert_null(xf_plan_procedure_by_id(plan, "C"));
	assert_null(xf_plan_procedure_by_id(plan, "a"));
	assert_null(xf_plan_procedure_by_id(NULL, "A"));
	xf_plan_free(plan);
	xf_plan_free(NULL);
}

static void test_byte_order_mark_and_null_errors(void **state)
{
	size_t len;
	char *bytes = read_source("tests/unit/plans/valid-minimal.json", &len);
	char *with_bom = xf_malloc(len + 3);
	memcpy(with_bom, "\xEF\xBB\xBF", 3);
	memcpy(with_bom + 3, bytes, len);
	xf_plan *plan = xf_plan_load(with_bom, len + 3, NULL);
	assert_non_null(plan);
	xf_plan *plain = xf_plan_load(bytes, len, NULL);
	assert_non_null(plain);
	assert_string_not_equal(plan->hash, plain->hash); /* the hash covers the file as is */
	xf_plan_free(plan);
	xf_plan_free(plain);
	assert_null(xf_plan_load("{}", 2, NULL));
	free(with_bom);
	free(bytes);
}

/* ---- errors: one fixture per kind ---- */

static const struct {
	const char *file, *error;
} fixtures[] = {
    {"bad-json", "line 4 column 9: '}' expected near '\"title\"'"},
    {"duplicate-key", "line 4 column 9: duplicate object key near '\"title\"'"},
    {"not-object", "(top level): must be an object, not an array"},
    {"bad-format", "format: unsupported format 'xinfang-plan/2' (expected 'xinfang-plan/1')"},
    {"missing-title", "title: is required"},
    {"empty-string", "procedures[0].steps[0].text: must not be empty"},
    {"unknown-key", "grades[0].colour: unknown key"},
    {"wrong-type", "grades[0].due_percent: must be an integer, not a string"},
    {"bad-id", "procedures[0].steps[0].id: 'A 1' is not a valid id (1 to 32 of A-Z a-z 0-9 . _ -)"},
    {"unknown-role", "procedures[1].steps[0].owner: unknown role 'boss'"},
    {"unknown-position", "procedures[1].steps[1].owner: unknown position '主任' (not in "
                         "organisation.command.positions)"},
    {"owner-two-kinds",
     "procedures[1].steps[2].owner: must have exactly one of 'role', 'unit', 'position' or "
     "'heads_of'"},
    {"heads-of-unknown", "procedures[1].steps[2].owner.heads_of: unknown value 'unit_of_mine' "
                         "(one of unit_of_incident, unit_of_petitioners)"},
    {"title-en-not-a-string", "procedures[0].steps[0].title_en: must be a string, not an integer"},
    {"owner-label-en-not-a-string",
     "procedures[1].steps[1].owner.label_en: must be a string, not an array"},
    {"rule-text-en-empty", "scope.rules[0].text_en: must not be empty"},
    {"grade-name-en-not-a-string", "grades[1].name_en: must be a string, not a boolean"},
    {"unknown-workstream", "procedures[1].steps[1].workstream: unknown workstream 'ctrl'"},
    {"unknown-destination", "grades[0].conditions[0].destinations[0]: unknown destination "
                            "'beijing' (one of mine, group, city, province, national)"},
    {"unknown-dispatch",
     "procedures[1].steps[0].dispatch[1]: unknown resource 'tanks' (one of guards, vehicles)"},
    {"duplicate-step-id",
     "closing.steps[0].id: duplicate step id 'B2' (first at procedures[1].steps[1].id)"},
    {"duplicate-grade-id", "grades[1].id: duplicate grade id 'I' (first at grades[0].id)"},
    {"duplicate-evidence", "procedures[1].steps[2].evidence[1]: duplicate '答复记录'"},
    {"negative-due", "procedures[0].steps[0].due_minutes: must be at least 0, not -15"},
    {"due-percent-out-of-range", "grades[1].due_percent: must be at most 400, not 500"},
    {"progress-interval-too-short",
     "grades[0].progress_interval_minutes: must be at least 5, not 1"},
    {"missing-due", "procedures[0].steps[0].due_minutes: is required (the step is not recurring)"},
    {"title-too-long", "procedures[0].steps[0].title: must be at most 40 characters, not 42 "
                       "(the wording goes in 'text')"},
    {"last-grade-has-conditions",
     "grades[1].conditions: the last grade must have no conditions (it always fires)"},
    {"grade-without-conditions",
     "grades[0].conditions: must not be empty (only the last grade always fires)"},
    {"empty-condition",
     "scope.rules[0].conditions[0]: must have 'min_headcount' or 'destinations'"},
    {"rule-without-conditions", "scope.rules[0].conditions: must not be empty (a rule "
                                "without conditions never fires)"},
    {"no-steps", "procedures[0].steps: must not be empty"},
    {"no-procedure-for-advance-info", "procedures: no procedure has advance_info false (one "
                                      "must, for incidents without advance information)"},
    {"two-procedures-for-advance-info",
     "procedures[2].advance_info: procedures[0] already has advance_info true"},
    {"chooses-venue-without-venues",
     "procedures[1].steps[2].chooses_venue: the plan declares no venues to choose from"},
    {"contact-unknown-position", "procedures[1].steps[0].contacts[1]: unknown position '主任' "
                                 "(not in organisation.command.positions)"},
    {"contact-duplicate", "procedures[1].steps[0].contacts[2]: duplicate contact '保卫科' "
                          "(first at procedures[1].steps[0].contacts[0])"},
    {"contact-not-a-list", "procedures[1].steps[0].contacts: must be an array, not an object"},
    {"contact-two-kinds", "procedures[1].steps[0].contacts[0]: must have exactly one of 'role', "
                          "'unit', 'position' or 'heads_of'"},
};

static void test_error_fixtures(void **state)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(fixtures); i++) {
		char rel[128];
		snprintf(rel, sizeof rel, "tests/unit/plans/%s.json", fixtures[i].file);
		char *path = source_path(rel);
		xf_plan_errors errors;
		memset(&errors, 'x', sizeof errors); /* the loader must reset all of it */
		xf_plan *plan = xf_plan_load_file(path, &errors);
		free(path);
		if (plan || errors.n != 1 || strcmp(errors.items[0], fixtures[i].error) != 0) {
			print_errors(fixtures[i].file, &errors);
			xf_plan_free(plan);
			fail_msg("fixture '%s': expected exactly \"%s\"", fixtures[i].file,
			         fixtures[i].error);
		}
		assert_int_equal(errors.dropped, 0);
	}
}

static void test_several_errors_all_reported(void **state)
{
	static const char *const expected[] = {
	    "titel: unknown key",
	    "title: is required",
	    "grades[1].conditions: the last grade must have no conditions (it always fires)",
	    "procedures[0].steps[0].due_minutes: must be at least 0, not -15",
	    "procedures[1].steps[0].owner: unknown role 'boss'",
	    "closing.steps[0].id: duplicate step id 'A1' (first at procedures[0].steps[0].id)",
	};
	char *path = source_path("tests/unit/plans/several-errors.json");
	xf_plan_errors errors;
	assert_null(xf_plan_load_file(path, &errors));
	free(path);
	if (errors.n != XF_ARRAY_LEN(expected))
		print_errors("several-errors", &errors);
	assert_int_equal(errors.n, XF_ARRAY_LEN(expected));
	for (size_t i = 0; i < XF_ARRAY_LEN(expected); i++)
		assert_string_equal(errors.items[i], expected[i]);
	assert_int_equal(errors.dropped, 0);
}

static void test_errors_beyond_the_kept_are_counted(void **state)
{
	enum { N_BAD = 40 };
	json_t *doc = minimal_doc();
	json_t *steps = doc_steps(doc, 0);
	for (int i = 0; i < N_BAD; i++) {
		char id[16];
		snprintf(id, sizeof id, "X%d", i);
		json_array_append_new(steps, json_pack("{s:s, s:s, s:s, s:{s:s}, s:i}", "id", id,
		                                       "title", "t", "text", "t", "owner", "role",
		                                       "boss", "due_minutes", 5));
	}
	xf_plan_errors errors;
	assert_null(load_doc(doc, &errors));
	assert_int_equal(errors.n, XF_ARRAY_LEN(errors.items));
	assert_int_equal(errors.dropped, N_BAD - XF_ARRAY_LEN(errors.items));
	assert_string_equal(errors.items[0], "procedures[0].steps[1].owner: unknown role 'boss'");
	assert_string_equal(errors.items[31], "procedures[0].steps[32].owner: unknown role 'boss'");
}

static void test_malformed_bytes(void **state)
{
	xf_plan_errors errors;
	/* empty input */
	assert_null(xf_plan_load("", 0, &errors));
	assert_int_equal(errors.n, 1);
	assert_non_null(strstr(errors.items[0], "line 1 column 0: "));
	assert_null(xf_plan_load(NULL, 0, &errors));
	assert_int_equal(errors.n, 1);

	/* invalid UTF-8: the message names the place and stays printable UTF-8 */
	const char bad_utf8[] = "{\"title\": \"\xff\xfe\"}";
	assert_null(xf_plan_load(bad_utf8, strlen(bad_utf8), &errors));
	assert_int_equal(errors.n, 1);
	assert_true(strncmp(errors.items[0], "line 1 column ", 14) == 0);
	json_t *s = json_string(errors.items[0]);
	assert_non_null(s); /* jansson refuses invalid UTF-8 */
	json_decref(s);
	for (const char *p = errors.items[0]; *p; p++)
		assert_true((unsigned char)*p >= 0x20);

	/* a control character in a key stays out of the message */
	const char ctl_key[] = "{\"ti\\ntle\": 1}";
	assert_null(xf_plan_load(ctl_key, strlen(ctl_key), &errors));
	assert_string_equal(errors.items[0], "ti?tle: unknown key");

	/* a very long value is quoted cut short (40 bytes: 13 characters of 3 bytes), on a
	 * character boundary */
	const char long_format[] =
	    "{\"format\": \"格式格式格式格式格式格式格式格式格式格式格式格式格式格式\"}";
	assert_null(xf_plan_load(long_format, strlen(long_format), &errors));
	assert_string_equal(errors.items[0], "format: unsupported format "
	                                     "'格式格式格式格式格式格式格...' (expected "
	                                     "'xinfang-plan/1')");

	/* a real where an integer belongs */
	const char real[] = "{\"grades\": [{\"due_percent\": 50.0}]}";
	assert_null(xf_plan_load(real, strlen(real), &errors));
	bool found = false;
	for (size_t i = 0; i < errors.n; i++)
		found =
		    found || strcmp(errors.items[i], "grades[0].due_percent: must be an "
		                                     "integer, not a number with a fraction") == 0;
	assert_true(found);
}

static void test_load_file_failure(void **state)
{
	xf_plan_errors errors;
	assert_null(xf_plan_load_file("/nonexistent/plan.json", &errors));
	assert_int_equal(errors.n, 1);
	assert_string_equal(errors.items[0],
	                    "cannot read plan '/nonexistent/plan.json': No such file or directory");
	char *dir = source_path("plans");
	assert_null(xf_plan_load_file(dir, &errors));
	assert_int_equal(errors.n, 1);
	assert_non_null(strstr(errors.items[0], "cannot read plan '"));
	free(dir);
}

/* ---- 综合评价 (evaluation): dimensions and scale from the plan ---- */

static void test_shipped_plan_evaluation(void **state)
{
	static const char *const ids[] = {"speed", "measures", "stability", "resolution",
	                                  "coordination"};
	static const char *const titles[] = {"反应速度", "处置措施", "稳控效果", "化解结果",
	                                     "协同配合"};
	xf_plan *plan = load_source_file("plans/coal-mine.json");
	assert_int_equal(plan->n_evaluation_dimensions, XF_ARRAY_LEN(ids));
	for (size_t i = 0; i < XF_ARRAY_LEN(ids); i++) {
		assert_string_equal(plan->evaluation_dimensions[i].id, ids[i]);
		assert_string_equal(plan->evaluation_dimensions[i].name, titles[i]);
		json_t *d = json_array_get(
		    json_object_get(json_object_get(plan->doc, "evaluation"), "dimensions"), i);
		assert_non_null(json_string_value(json_object_get(d, "title_en")));
	}
	assert_int_equal(plan->score_min, 1);
	assert_int_equal(plan->score_max, 5);
	xf_plan_free(plan);

	/* a plan without the section has no dimensions and the default scale */
	plan = load_source_file("tests/unit/plans/valid-minimal.json");
	assert_int_equal(plan->n_evaluation_dimensions, 0);
	assert_null(plan->evaluation_dimensions);
	assert_int_equal(plan->score_min, 1);
	assert_int_equal(plan->score_max, 5);
	xf_plan_free(plan);
}

static void expect_evaluation_error(const char *section, const char *error)
{
	expect_section_error("evaluation", section, error);
}

static void test_evaluation_errors(void **state)
{
	static const char dim[] = "{\"id\": \"speed\", \"title\": \"反应速度\"}";
	char buf[512];
	snprintf(buf, sizeof buf, "{\"scale\": {\"min\": 1, \"max\": 5}, \"dimensions\": [%s]}",
	         dim);
	/* the good one loads */
	xf_plan_errors errors;
	xf_plan *plan = plan_with_section("evaluation", buf, &errors);
	assert_non_null(plan);
	assert_int_equal(plan->n_evaluation_dimensions, 1);
	assert_string_equal(plan->evaluation_dimensions[0].name, "反应速度");
	xf_plan_free(plan);

	expect_evaluation_error("[]", "evaluation: must be an object, not an array");
	expect_evaluation_error("{\"dimensions\": [{\"id\": \"a\", \"title\": \"甲\"}]}",
	                        "evaluation.scale: is required");
	expect_evaluation_error("{\"scale\": {\"min\": 1, \"max\": 5}}",
	                        "evaluation.dimensions: is required");
	expect_evaluation_error("{\"scale\": {\"min\": 1, \"max\": 5}, \"dimensions\": []}",
	                        "evaluation.dimensions: must not be empty");
	expect_evaluation_error("{\"scale\": {\"min\": 5, \"max\": 1}, \"dimensions\": "
	                        "[{\"id\": \"a\", \"title\": \"甲\"}]}",
	                        "evaluation.scale.max: must be greater than min (5), not 1");
	expect_evaluation_error(
	    "{\"scale\": {\"min\": 1, \"max\": 5}, \"dimensions\": "
	    "[{\"id\": \"a\", \"title\": \"甲\"}, {\"id\": \"a\", \"title\": \"乙\"}]}",
	    "evaluation.dimensions[1].id: duplicate dimension id 'a' (first at "
	    "evaluation.dimensions[0].id)");
	expect_evaluation_error("{\"scale\": {\"min\": 1, \"max\": 5}, \"dimensions\": "
	                        "[{\"id\": \"a\"}]}",
	                        "evaluation.dimensions[0].title: is required");
	expect_evaluation_error(
	    "{\"scale\": {\"min\": 1, \"max\": 5}, \"dimensions\": "
	    "[{\"id\": \"a\", \"title\": \"甲\", \"title_en\": 3}]}",
	    "evaluation.dimensions[0].title_en: must be a string, not an integer");
	expect_evaluation_error("{\"scale\": {\"min\": 1, \"max\": 5}, \"dimensions\": "
	                        "[{\"id\": \"a\", \"title\": \"甲\", \"weight\": 2}]}",
	                        "evaluation.dimensions[0].weight: unknown key");
	expect_evaluation_error("{\"scale\": {\"min\": 1, \"max\": \"5\"}, \"dimensions\": "
	                        "[{\"id\": \"a\", \"title\": \"甲\"}]}",
	                        "evaluation.scale.max: must be an integer, not a string");
}

/* ---- 保存期限 (retention): days per record kind (issue 9 item 8) ---- */

static xf_plan *plan_with_retention(const char *section, xf_plan_errors *errors)
{
	return plan_with_section("retention", section, errors);
}

static void expect_retention_error(const char *section, const char *error)
{
	expect_section_error("retention", section, error);
}

static void test_retention(void **state)
{
	/* the shipped plan: interviews 10 years, photos 5, video and audio 3; documents are
	 * not named, so kept for good (0) */
	xf_plan *plan = load_source_file("plans/coal-mine.json");
	assert_string_equal(xf_record_kind_ids[1], "photo");
	assert_int_equal(plan->retention_days[0], 3650);
	assert_int_equal(plan->retention_days[1], 1825);
	assert_int_equal(plan->retention_days[2], 1095);
	assert_int_equal(plan->retention_days[3], 1095);
	assert_int_equal(plan->retention_days[4], 0);
	xf_plan_free(plan);
	/* without the section everything is kept */
	plan = load_source_file("tests/unit/plans/valid-minimal.json");
	for (int k = 0; k < XF_RECORD_KIND_COUNT; k++)
		assert_int_equal(plan->retention_days[k], 0);
	xf_plan_free(plan);
	xf_plan_errors errors;
	plan = plan_with_retention("{\"photo_days\": 30, \"other_days\": 1, \"note\": \"n\"}",
	                           &errors);
	assert_non_null(plan);
	assert_int_equal(plan->retention_days[1], 30);
	assert_int_equal(plan->retention_days[5], 1);
	assert_int_equal(plan->retention_days[0], 0);
	xf_plan_free(plan);

	expect_retention_error("[]", "retention: must be an object, not an array");
	expect_retention_error("{\"photo_days\": 0}",
	                       "retention.photo_days: must be at least 1, not 0");
	expect_retention_error("{\"photo_days\": 40000}",
	                       "retention.photo_days: must be at most 36500, not 40000");
	expect_retention_error("{\"photo_days\": \"5\"}",
	                       "retention.photo_days: must be an integer, not a string");
	expect_retention_error("{\"photos_days\": 5}", "retention.photos_days: unknown key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_destination_ids),
	    cmocka_unit_test(test_shipped_plan_outline),
	    cmocka_unit_test(test_shipped_plan_procedures),
	    cmocka_unit_test(test_shipped_plan_contacts),
	    cmocka_unit_test(test_heads_of_and_english),
	    cmocka_unit_test(test_hash_is_sha256_of_file_bytes),
	    cmocka_unit_test(test_hash_known_value),
	    cmocka_unit_test(test_minimal_plan_and_defaults),
	    cmocka_unit_test(test_byte_order_mark_and_null_errors),
	    cmocka_unit_test(test_error_fixtures),
	    cmocka_unit_test(test_several_errors_all_reported),
	    cmocka_unit_test(test_errors_beyond_the_kept_are_counted),
	    cmocka_unit_test(test_malformed_bytes),
	    cmocka_unit_test(test_load_file_failure),
	    cmocka_unit_test(test_shipped_plan_evaluation),
	    cmocka_unit_test(test_evaluation_errors),
	    cmocka_unit_test(test_retention),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
