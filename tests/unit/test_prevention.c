/* Unit tests of prevention's rules (core/xf_plan_prevention.h): the risk level the plan
 * suggests from headcount, visits and deadlines with its basis in words, the early-warning
 * rules (rising to high, related matters in a window, a planned visit coming near), the
 * dates people pick, the shipped plan's "prevention" section read over the defaults, and
 * the loader's problems with a bad section. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_plan_prevention.h"

static void test_suggest(void **state)
{
	(void)state;
	xf_prevention p;
	xf_prevention_defaults(&p);
	char basis[256];
	xf_risk_facts f = {.headcount = 30, .visits = 0, .deadline_days = -1};
	assert_string_equal(xf_risk_suggest(&p, &f, basis, sizeof basis), "high");
	assert_string_equal(basis, "涉及人数 30 ≥ 30");
	f.headcount = 29;
	assert_string_equal(xf_risk_suggest(&p, &f, basis, sizeof basis), "medium");
	assert_string_equal(basis, "涉及人数 29 ≥ 5");
	f.headcount = 4;
	assert_string_equal(xf_risk_suggest(&p, &f, basis, sizeof basis), "low");
	assert_string_equal(basis, "");
	f.visits = 3;
	assert_string_equal(xf_risk_suggest(&p, &f, basis, sizeof basis), "high");
	assert_string_equal(basis, "相关人员近一年信访 3 次 ≥ 3");
	f.visits = 1;
	assert_string_equal(xf_risk_suggest(&p, &f, basis, sizeof basis), "medium");
	f.visits = 0;
	f.deadline_days = 7;
	assert_string_equal(xf_risk_suggest(&p, &f, basis, sizeof basis), "high");
	assert_string_equal(basis, "距期限 7 天 ≤ 7 天");
	f.deadline_days = 8;
	assert_string_equal(xf_risk_suggest(&p, &f, basis, sizeof basis), "medium");
	f.deadline_days = 31;
	assert_string_equal(xf_risk_suggest(&p, &f, basis, sizeof basis), "low");
	/* every fact that fires is named */
	f = (xf_risk_facts){.headcount = 50, .visits = 4, .deadline_days = 0};
	assert_string_equal(xf_risk_suggest(&p, &f, basis, sizeof basis), "high");
	assert_string_equal(basis,
	                    "涉及人数 50 ≥ 30；相关人员近一年信访 4 次 ≥ 3；距期限 0 天 ≤ 7 天");
	/* a threshold of 0 leaves the fact out */
	p.high_headcount = 0;
	f = (xf_risk_facts){.headcount = 500, .deadline_days = -1};
	assert_string_equal(xf_risk_suggest(&p, &f, basis, sizeof basis), "medium");
	/* a short buffer is cut, never overrun */
	char small[8];
	f.headcount = 50;
	xf_risk_suggest(&p, &f, small, sizeof small);
	assert_true(strlen(small) < sizeof small);
}

static void test_warning_rules(void **state)
{
	(void)state;
	xf_prevention p;
	xf_prevention_defaults(&p);
	assert_true(xf_warning_risk_high(&p, "medium", "high"));
	assert_true(xf_warning_risk_high(&p, "low", "high"));
	assert_false(xf_warning_risk_high(&p, "high", "high"));
	assert_false(xf_warning_risk_high(&p, "low", "medium"));
	p.warn_risk_high = false;
	assert_false(xf_warning_risk_high(&p, "medium", "high"));
	assert_false(xf_warning_repeated(&p, 2));
	assert_true(xf_warning_repeated(&p, 3));
	p.repeated_count = 0;
	assert_false(xf_warning_repeated(&p, 10));
	long today = 20000;
	assert_true(xf_warning_planned_visit(&p, today, today));
	assert_true(xf_warning_planned_visit(&p, today, today + 7));
	assert_false(xf_warning_planned_visit(&p, today, today + 8));
	assert_false(xf_warning_planned_visit(&p, today, today - 1));
	p.planned_visit_days = 0;
	assert_false(xf_warning_planned_visit(&p, today, today));
}

static void test_dates(void **state)
{
	(void)state;
	long d;
	assert_true(xf_date_days("1970-01-01", &d));
	assert_int_equal(d, 0);
	assert_true(xf_date_days("2026-12-06", &d));
	assert_int_equal(d, 20793);
	assert_true(xf_date_days("2024-02-29", &d));
	assert_false(xf_date_days("2026-02-29", &d));
	assert_false(xf_date_days("2026-13-01", &d));
	assert_false(xf_date_days("2026-1-01", &d));
	assert_false(xf_date_days("2026-01-01x", &d));
	assert_false(xf_date_days("", &d));
	assert_false(xf_date_days(NULL, &d));
	assert_int_equal(xf_risk_level_rank("high"), 2);
	assert_int_equal(xf_risk_level_rank("severe"), -1);
}

static xf_plan *shipped(void)
{
	char path[1024];
	const char *dir = getenv("XF_SOURCE_DIR");
	snprintf(path, sizeof path, "%s/plans/coal-mine.json", dir ? dir : ".");
	xf_plan_errors errors;
	xf_plan *plan = xf_plan_load_file(path, &errors);
	if (!plan)
		for (size_t i = 0; i < errors.n; i++)
			fprintf(stderr, "%s\n", errors.items[i]);
	assert_non_null(plan);
	return plan;
}

static void test_shipped_plan(void **state)
{
	(void)state;
	xf_plan *plan = shipped();
	xf_prevention p;
	xf_prevention_of(plan, &p);
	assert_int_equal(p.n_checklist, 5);
	assert_string_equal(p.checklist[0], "分析员工思想动态");
	assert_int_equal(p.due_days, 7);
	assert_int_equal(p.high_headcount, 30);
	assert_int_equal(p.repeated_count, 3);
	assert_int_equal(p.repeated_days, 30);
	assert_string_equal(p.care_names[1], "离退休职工");
	assert_int_equal(p.care_interval_days[1], 90);
	xf_plan_free(plan);
	/* no plan: the defaults */
	xf_prevention_of(NULL, &p);
	assert_int_equal(p.n_checklist, 5);
	assert_int_equal(p.medium_headcount, 5);
}

/* The problems of a plan whose "prevention" section is text. */
static void check_section(const char *section, const char *expected)
{
	char text[2048];
	snprintf(text, sizeof text, "{\"prevention\": %s}", section);
	json_t *root = json_loads(text, 0, NULL);
	assert_non_null(root);
	xf_plan_errors errors = {0};
	xf_plan_prevention_check(root, &errors);
	json_decref(root);
	if (!expected) {
		assert_int_equal(errors.n, 0);
		return;
	}
	bool found = false;
	for (size_t i = 0; i < errors.n; i++) {
		found = found || strcmp(errors.items[i], expected) == 0;
		if (!found)
			fprintf(stderr, "got: %s\n", errors.items[i]);
	}
	assert_true(found);
}

static void test_validation(void **state)
{
	(void)state;
	check_section("{}", NULL);
	check_section("[]", "(top level).prevention: must be an object, not an array");
	check_section("{\"screenin\": {}}", "prevention.screenin: unknown key");
	check_section("{\"screening\": {\"due_days\": 0}}",
	              "prevention.screening.due_days: must be from 1 to 90, not 0");
	check_section("{\"screening\": {\"checklist\": [{\"id\": \"a\"}]}}",
	              "prevention.screening.checklist[0].text: is required");
	check_section("{\"screening\": {\"checklist\": [{\"id\": \"a\", \"text\": \"　\"}]}}",
	              "prevention.screening.checklist[0].text: must not be empty");
	check_section("{\"risk_rules\": {\"high_headcount\": \"30\"}}",
	              "prevention.risk_rules.high_headcount: must be an integer, not a string");
	check_section("{\"warning_rules\": {\"repeated_matters\": {\"count\": 3}}}",
	              "prevention.warning_rules.repeated_matters.days: is required");
	check_section("{\"warning_rules\": {\"risk_high\": 1}}",
	              "prevention.warning_rules.risk_high: must be a boolean, not an integer");
	check_section("{\"care\": {\"groups\": [{\"id\": \"poor\", \"name\": \"x\", "
	              "\"interval_days\": 30}]}}",
	              "prevention.care.groups[0].id: unknown group 'poor' (hardship, retiree, "
	              "injured_family)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_suggest),    cmocka_unit_test(test_warning_rules),
	    cmocka_unit_test(test_dates),      cmocka_unit_test(test_shipped_plan),
	    cmocka_unit_test(test_validation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
