/* Unit tests of the assessment (考核, core/xf_assessment.h): the shipped plan's default
 * rules, veto and 三无 items load; a unit's facts are scored with points computed by
 * hand (first matching rule per fact, duplicates once, findings by decision); the 三无
 * items and the veto; periods (month, quarter, year in Beijing time); and the loader's
 * errors with their JSON paths. XF_SOURCE_DIR (set by ctest) is the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_assessment.h"
#include "util/xf_util.h"

static xf_plan *load_shipped(void)
{
	const char *root = getenv("XF_SOURCE_DIR");
	char path[1024];
	snprintf(path, sizeof path, "%s/plans/coal-mine.json", root ? root : ".");
	xf_plan_errors errors;
	xf_plan *plan = xf_plan_load_file(path, &errors);
	for (size_t i = 0; i < errors.n; i++)
		print_message("%s\n", errors.items[i]);
	assert_non_null(plan);
	return plan;
}

static void test_shipped_definitions(void **state)
{
	(void)state;
	xf_plan *plan = load_shipped();
	const xf_plan_assessment *a = plan->assessment;
	assert_int_equal(a->base, 100);
	assert_int_equal(a->n_three_no, 3);
	assert_string_equal(a->three_no[0].text, "无越级上访");
	assert_string_equal(a->three_no[1].text, "无集体上访");
	assert_string_equal(a->three_no[2].text, "无重复上访");
	assert_int_equal(a->n_decisions, 4);
	assert_string_equal(xf_assess_decision_by_id(a, "notice")->name, "通报批评");
	assert_null(xf_assess_decision_by_id(a, "fine"));
	assert_int_equal(a->n_vetoes, 2);
	assert_true(a->n_rules >= 10);
	xf_plan_free(plan);
}

static xf_assess_fact incident(int64_t id, int headcount, xf_destination dest)
{
	return (xf_assess_fact){.event = XF_AE_INCIDENT,
	                        .headcount = headcount,
	                        .destination = dest,
	                        .source_type = "incident",
	                        .source_id = id,
	                        .date = "2026-10-01",
	                        .unit_id = 2};
}

static xf_assess_fact other(xf_assess_event e, const char *type, int64_t id)
{
	return (xf_assess_fact){
	    .event = e, .source_type = type, .source_id = id, .date = "2026-10-02", .unit_id = 2};
}

static void test_score_by_hand(void **state)
{
	(void)state;
	xf_plan *plan = load_shipped();
	xf_assess_fact finding = other(XF_AE_FINDING, "finding", 1);
	finding.decision = "organisational";
	xf_assess_fact talk = other(XF_AE_FINDING, "finding", 2);
	talk.decision = "talk";
	xf_assess_fact late_a = other(XF_AE_SCREENING_MISSED, "screening", 7);
	late_a.part = 2;
	xf_assess_fact late_b = late_a;
	late_b.part = 3; /* another unit's report of the same campaign: counted too */
	xf_assess_fact facts[] = {
	    incident(1, 5, XF_DEST_GROUP),    /* collective_group -10 (not skip_level) */
	    incident(2, 1, XF_DEST_CITY),     /* skip_level -5 */
	    incident(3, 60, XF_DEST_MINE),    /* collective_mine -3; the veto */
	    incident(4, 2, XF_DEST_MINE),     /* no rule */
	    incident(1, 5, XF_DEST_GROUP),    /* the same incident again (a second unit): once */
	    incident(5, 3, XF_DEST_NATIONAL), /* national_visit -30; the veto */
	    other(XF_AE_MATTER_SATISFIED, "matter", 1),           /* +2 */
	    other(XF_AE_MATTER_BASICALLY_SATISFIED, "matter", 2), /* +1 */
	    other(XF_AE_MATTER_UNSATISFIED, "matter", 3),         /* no rule */
	    other(XF_AE_REPEAT_MATTER, "matter", 4),              /* -3 */
	    other(XF_AE_TASK_OVERDUE, "task", 1),                 /* -1 */
	    other(XF_AE_REPORT_UP_OVERDUE, "task", 2),            /* -5 */
	    late_a,                                               /* -2 */
	    late_b,                                               /* -2 */
	    finding,                                              /* -10 */
	    talk,                                                 /* -5 */
	};
	xf_assess_result r;
	xf_assess_score(plan->assessment, facts, XF_ARRAY_LEN(facts), &r);
	assert_int_equal(r.facts_counted, XF_ARRAY_LEN(facts) - 1);
	static const struct {
		const char *rule;
		int points;
	} want[] = {{"collective_group", -10},
	            {"skip_level", -5},
	            {"collective_mine", -3},
	            {"national_visit", -30},
	            {"matter_satisfied", 2},
	            {"matter_basically_satisfied", 1},
	            {"repeat_matter", -3},
	            {"task_overdue", -1},
	            {"report_up_overdue", -5},
	            {"screening_missed", -2},
	            {"screening_missed", -2},
	            {"finding_organisational", -10},
	            {"finding", -5}};
	assert_int_equal(r.n_lines, XF_ARRAY_LEN(want));
	int sum = 100;
	for (size_t i = 0; i < r.n_lines; i++) {
		assert_string_equal(r.lines[i].rule->id, want[i].rule);
		assert_int_equal(r.lines[i].rule->points, want[i].points);
		sum += want[i].points;
	}
	assert_int_equal(sum, 27);
	assert_int_equal(r.score, 27);
	/* 三无: skip level broken by incidents 1, 2 and 5; collective by 1, 3 and 5;
	 * repeat by the repeat matter. */
	assert_false(r.three_no_held[0]);
	assert_int_equal(r.three_no_breaks[0], 3);
	assert_int_equal(r.three_no_broken_by[0]->source_id, 1);
	assert_int_equal(r.three_no_breaks[1], 3);
	assert_int_equal(r.three_no_breaks[2], 1);
	assert_false(r.three_no_all);
	assert_int_equal(r.veto_counts[0], 1); /* national */
	assert_int_equal(r.veto_counts[1], 1); /* 50 or more */
	assert_true(r.veto);
	xf_assess_result_free(&r);
	xf_plan_free(plan);
}

static void test_clean_unit(void **state)
{
	(void)state;
	xf_plan *plan = load_shipped();
	xf_assess_fact facts[] = {incident(1, 2, XF_DEST_MINE),
	                          other(XF_AE_MATTER_SATISFIED, "matter", 1)};
	xf_assess_result r;
	xf_assess_score(plan->assessment, facts, XF_ARRAY_LEN(facts), &r);
	assert_int_equal(r.score, 102);
	assert_true(r.three_no_all);
	assert_false(r.veto);
	xf_assess_result_free(&r);
	xf_assess_score(plan->assessment, NULL, 0, &r);
	assert_int_equal(r.score, 100);
	assert_int_equal(r.n_lines, 0);
	assert_true(r.three_no_all);
	xf_assess_result_free(&r);
	xf_plan_free(plan);
}

static void test_periods(void **state)
{
	(void)state;
	xf_assess_period p;
	assert_true(xf_assess_period_parse("2026-10", &p));
	assert_string_equal(p.from, "2026-10-01");
	assert_string_equal(p.to, "2026-11-01");
	/* 2026-10-01 00:00 Beijing is 2026-09-30 16:00 UTC. */
	assert_int_equal(p.from_ms, 1790784000000LL);
	assert_true(xf_assess_period_parse("2026-12", &p));
	assert_string_equal(p.to, "2027-01-01");
	assert_true(xf_assess_period_parse("2026-Q4", &p));
	assert_string_equal(p.from, "2026-10-01");
	assert_string_equal(p.to, "2027-01-01");
	assert_true(xf_assess_period_parse("2026", &p));
	assert_string_equal(p.from, "2026-01-01");
	assert_string_equal(p.to, "2027-01-01");
	assert_int_equal(p.to_ms - p.from_ms, 365LL * 86400000);
	const char *bad[] = {"2026-13", "2026-00",    "2026-Q0", "2026-Q5", "26",
	                     "2026-1",  "2026-10-01", "",        "abcd",    "2026-q4"};
	for (size_t i = 0; i < XF_ARRAY_LEN(bad); i++)
		assert_false(xf_assess_period_parse(bad[i], &p));
	char d[11];
	xf_assess_date(1790784000000LL, d);
	assert_string_equal(d, "2026-10-01");
	xf_assess_date(1790784000000LL - 1, d);
	assert_string_equal(d, "2026-09-30");
}

/* The plan bytes with "three_no" and "assessment" replaced. */
static xf_plan *load_with(const char *three_no, const char *assessment, xf_plan_errors *errors)
{
	const char *root = getenv("XF_SOURCE_DIR");
	char path[1024];
	snprintf(path, sizeof path, "%s/plans/coal-mine.json", root ? root : ".");
	json_t *doc = json_load_file(path, 0, NULL);
	assert_non_null(doc);
	json_object_set_new(doc, "three_no", json_loads(three_no, 0, NULL));
	json_object_set_new(doc, "assessment", json_loads(assessment, 0, NULL));
	char *text = json_dumps(doc, 0);
	json_decref(doc);
	xf_plan *plan = xf_plan_load(text, strlen(text), errors);
	free(text);
	return plan;
}

static void test_plan_errors(void **state)
{
	(void)state;
	xf_plan_errors e;
	xf_plan *plan = load_with(
	    "{\"text\":\"无越级上访\",\"items\":[{\"id\":\"a\",\"text\":\"x\",\"event\":\"visit\"}]"
	    "}",
	    "{\"rules\":[{\"id\":\"r\",\"name\":\"n\",\"event\":\"finding\",\"decision\":\"fine\","
	    "\"points\":5000}],\"veto\":[{\"id\":\"v\",\"text\":\"t\",\"event\":\"task_overdue\","
	    "\"condition\":{\"min_headcount\":3}}],\"decisions\":[{\"id\":\"talk\",\"name\":"
	    "\"谈话\"},"
	    "{\"id\":\"talk\",\"name\":\"again\"}],\"weights\":1}",
	    &e);
	assert_null(plan);
	const char *want[] = {
	    "assessment.weights: unknown key",
	    "assessment.decisions[1]: duplicate id 'talk'",
	    "assessment.rules[0]: unknown decision 'fine'",
	    "assessment.rules[0]: 'points' must be an integer from -1000 to 1000",
	    "assessment.veto[0]: 'condition' applies to the event 'incident' only",
	    "three_no.items[0]: unknown event 'visit'",
	};
	for (size_t i = 0; i < e.n; i++)
		print_message("%s\n", e.items[i]);
	assert_int_equal(e.n, XF_ARRAY_LEN(want));
	for (size_t i = 0; i < XF_ARRAY_LEN(want); i++)
		assert_string_equal(e.items[i], want[i]);
	/* A plan may redefine 三无 as it likes: two items here. */
	plan =
	    load_with("{\"text\":\"两无\",\"items\":[{\"id\":\"a\",\"text\":\"无进京\",\"event\":"
	              "\"incident\",\"condition\":{\"destinations\":[\"national\"]}},{\"id\":\"b\","
	              "\"text\":\"无迟报\",\"event\":\"report_up_overdue\"}]}",
	              "{\"base\":60}", &e);
	assert_non_null(plan);
	assert_int_equal(plan->assessment->n_three_no, 2);
	assert_int_equal(plan->assessment->base, 60);
	assert_int_equal(plan->assessment->n_rules, 0);
	xf_assess_fact f = incident(1, 1, XF_DEST_NATIONAL);
	xf_assess_result r;
	xf_assess_score(plan->assessment, &f, 1, &r);
	assert_int_equal(r.score, 60);
	assert_false(r.three_no_held[0]);
	assert_true(r.three_no_held[1]);
	xf_assess_result_free(&r);
	xf_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shipped_definitions), cmocka_unit_test(test_score_by_hand),
	    cmocka_unit_test(test_clean_unit),          cmocka_unit_test(test_periods),
	    cmocka_unit_test(test_plan_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
