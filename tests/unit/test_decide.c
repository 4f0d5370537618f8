/* Unit tests of scope, grade and procedure decisions (core/xf_plan_rules.c) over a
 * table of cases, against the shipped coal-mine plan: 2 and 3 people, each
 * destination level, the headcount thresholds of each grade, and the reasons given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_plan.h"

static xf_plan *plan;

static int load_plan(void **state)
{
	char path[1024];
	xf_plan_errors errors;
	snprintf(path, sizeof path, "%s/plans/coal-mine.json", getenv("XF_SOURCE_DIR"));
	plan = xf_plan_load_file(path, &errors);
	if (!plan)
		fprintf(stderr, "cannot load %s: %s\n", path, errors.n ? errors.items[0] : "?");
	return plan ? 0 : -1;
}

static int free_plan(void **state)
{
	xf_plan_free(plan);
	return 0;
}

static const struct {
	int headcount;
	const char *destination;
	bool advance_info;
	bool in_scope;
	const char *grade; /* decided whether in scope or not */
	const char *procedure;
} cases[] = {
    /* scope: fewer than 3 at the mine is out; any visit to the group or higher is in */
    {1, "mine", true, false, "IV", "A"},
    {2, "mine", false, false, "IV", "B"},
    {3, "mine", true, true, "IV", "A"},
    {3, "mine", false, true, "IV", "B"},
    {1, "group", true, true, "III", "A"},
    {2, "city", false, true, "III", "B"},
    {2, "province", false, true, "II", "B"},
    {1, "national", true, true, "I", "A"},
    /* grade from headcount at the mine: 10, 30, 50 are the thresholds */
    {9, "mine", true, true, "IV", "A"},
    {10, "mine", true, true, "III", "A"},
    {29, "mine", false, true, "III", "B"},
    {30, "mine", false, true, "II", "B"},
    {49, "mine", true, true, "II", "A"},
    {50, "mine", true, true, "I", "A"},
    /* the more severe of destination and headcount wins */
    {60, "group", false, true, "I", "B"},
    {12, "province", false, true, "II", "B"},
    {5, "national", false, true, "I", "B"},
};

static void test_table(void **state)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xf_plan_facts f = {cases[i].headcount,
		                   (xf_destination)xf_destination_parse(cases[i].destination),
		                   cases[i].advance_info};
		xf_plan_decision d;
		xf_plan_decide(plan, &f, &d);
		if (d.in_scope != cases[i].in_scope || strcmp(d.grade->id, cases[i].grade) != 0 ||
		    strcmp(d.procedure->id, cases[i].procedure) != 0)
			fail_msg("case %zu (%d to %s): got in_scope=%d grade=%s procedure=%s", i,
			         cases[i].headcount, cases[i].destination, d.in_scope, d.grade->id,
			         d.procedure->id);
		assert_true(d.n_reasons >= 1);
	}
}

static bool has_reason(const xf_plan_decision *d, const char *fragment)
{
	for (size_t i = 0; i < d->n_reasons; i++)
		if (strstr(d->reasons[i], fragment))
			return true;
	return false;
}

static void test_reasons_name_the_rules(void **state)
{
	xf_plan_facts f = {12, XF_DEST_PROVINCE, false};
	xf_plan_decision d;
	xf_plan_decide(plan, &f, &d);
	assert_true(has_reason(&d, "三人以上的集体访"));
	assert_true(has_reason(&d, "人数 12 ≥ 3"));
	assert_true(has_reason(&d, "到集团公司以上机关的各类上访"));
	assert_true(has_reason(&d, "二级"));
	assert_true(has_reason(&d, "默认分级"));
	assert_true(has_reason(&d, "未掌握信息源"));

	f = (xf_plan_facts){2, XF_DEST_MINE, true};
	xf_plan_decide(plan, &f, &d);
	assert_false(d.in_scope);
	assert_int_equal(d.n_reasons, 1);
	assert_true(has_reason(&d, "不启动"));
	assert_true(has_reason(&d, "人数 2"));
	assert_true(has_reason(&d, "本矿"));
}

static void test_grades_carry_time_limits(void **state)
{
	const xf_plan_grade *top = xf_plan_grade_by_id(plan, "I");
	assert_non_null(top);
	assert_int_equal(top->report_oral_minutes, 30);
	assert_int_equal(top->report_written_minutes, 60);
	assert_true(top->is_default);
	assert_null(xf_plan_grade_by_id(plan, "V"));
	assert_int_equal(plan->followup_interval_days, 7);
	assert_non_null(xf_plan_procedure_by_id(plan, "A"));
	assert_null(xf_plan_procedure_by_id(plan, "C"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_reasons_name_the_rules),
	    cmocka_unit_test(test_grades_carry_time_limits),
	};
	return cmocka_run_group_tests(tests, load_plan, free_plan);
}
