/* Unit tests of who gets what in core: the escalation decision (core/xf_escalation.h)
 * with made-up times (wait, climb, acknowledged, resolved, exhausted, shortened
 * minutes), quiet hours in Beijing time (inside, outside, spanning midnight, none), and
 * the plan's "notifications" section (core/xf_plan_notify.h): the coal-mine plan's
 * rules load; a bad wait, an unknown role, position, relation, grade, kind or
 * placeholder, a template too long for an SMS are each an error naming its path; and
 * templates render with their values cut short. XF_SOURCE_DIR is the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/xf_escalation.h"
#include "core/xf_plan.h"
#include "core/xf_plan_notify.h"
#include "util/xf_util.h"

#define MIN 60000LL

static const int waits[] = {15, 15};

static xf_escalation_state chain(int level, int64_t level_ms)
{
	return (xf_escalation_state){.level = level,
	                             .n_levels = 2,
	                             .wait_minutes = waits,
	                             .level_ms = level_ms,
	                             .open = true,
	                             .minute_ms = MIN};
}

static void test_waits_then_climbs(void **state)
{
	(void)state;
	xf_escalation_state s = chain(0, 1000000);
	int64_t next;
	assert_int_equal(xf_escalation_decide(&s, 1000000 + 15 * MIN - 1, &next),
	                 XF_ESCALATION_WAIT);
	assert_int_equal(next, 1000000 + 15 * MIN);
	assert_int_equal(xf_escalation_decide(&s, 1000000 + 15 * MIN, &next), XF_ESCALATION_CLIMB);
	s = chain(1, 5000000);
	assert_int_equal(xf_escalation_decide(&s, 5000000 + 14 * MIN, &next), XF_ESCALATION_WAIT);
	assert_int_equal(xf_escalation_decide(&s, 5000000 + 16 * MIN, &next), XF_ESCALATION_CLIMB);
}

static void test_stops(void **state)
{
	(void)state;
	int64_t next;
	xf_escalation_state s = chain(1, 0);
	s.acknowledged = true;
	assert_int_equal(xf_escalation_decide(&s, 99 * MIN, &next), XF_ESCALATION_ACKNOWLEDGED);
	s = chain(0, 0);
	s.open = false;
	assert_int_equal(xf_escalation_decide(&s, 99 * MIN, &next), XF_ESCALATION_RESOLVED);
	s = chain(2, 0);
	assert_int_equal(xf_escalation_decide(&s, 99 * MIN, &next), XF_ESCALATION_EXHAUSTED);
	/* Acknowledged wins over resolved and exhausted. */
	s.acknowledged = true;
	s.open = false;
	assert_int_equal(xf_escalation_decide(&s, 0, &next), XF_ESCALATION_ACKNOWLEDGED);
}

static void test_short_minutes(void **state)
{
	(void)state;
	xf_escalation_state s = chain(0, 0);
	s.minute_ms = 40; /* tests: 15 minutes are 600 ms */
	int64_t next;
	assert_int_equal(xf_escalation_decide(&s, 599, &next), XF_ESCALATION_WAIT);
	assert_int_equal(next, 600);
	assert_int_equal(xf_escalation_decide(&s, 600, &next), XF_ESCALATION_CLIMB);
	s.minute_ms = 0; /* unset: a real minute */
	assert_int_equal(xf_escalation_decide(&s, 600, &next), XF_ESCALATION_WAIT);
	assert_int_equal(next, 15 * MIN);
}

/* 2026-12-06T00:00:00Z is 08:00 in Beijing. */
#define DAY0 1796515200000LL

static void test_quiet_hours(void **state)
{
	(void)state;
	assert_int_equal(xf_beijing_minute(DAY0), 8 * 60);
	/* 22:00-07:00 spans midnight: 23:30 Beijing (15:30Z) ends at 07:00 next day. */
	int64_t t = DAY0 + (15 * 60 + 30) * MIN;
	assert_int_equal(xf_beijing_minute(t), 23 * 60 + 30);
	assert_int_equal(xf_quiet_hours_end(t, 22 * 60, 7 * 60), DAY0 + 23 * 60 * MIN);
	/* 06:00 Beijing (22:00Z the day before): ends at 07:00 the same Beijing day. */
	t = DAY0 - 2 * 60 * MIN;
	assert_int_equal(xf_quiet_hours_end(t, 22 * 60, 7 * 60), DAY0 - 60 * MIN);
	/* 08:00 is outside; so is the end minute itself. */
	assert_int_equal(xf_quiet_hours_end(DAY0, 22 * 60, 7 * 60), 0);
	assert_int_equal(xf_quiet_hours_end(DAY0 - 60 * MIN, 22 * 60, 7 * 60), 0);
	/* 12:00-14:00, within a day. */
	assert_int_equal(xf_quiet_hours_end(DAY0 + 5 * 60 * MIN, 12 * 60, 14 * 60),
	                 DAY0 + 6 * 60 * MIN);
	assert_int_equal(xf_quiet_hours_end(DAY0 + 6 * 60 * MIN, 12 * 60, 14 * 60), 0);
	/* None. */
	assert_int_equal(xf_quiet_hours_end(DAY0, 8 * 60, 8 * 60), 0);
	assert_int_equal(xf_quiet_hours_end(DAY0, -1, -1), 0);
}

/* ---- the plan section ---- */

static json_t *coal_mine(void)
{
	const char *root = getenv("XF_SOURCE_DIR");
	char path[1024];
	snprintf(path, sizeof path, "%s/plans/coal-mine.json", root ? root : ".");
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je);
	assert_non_null(doc);
	return doc;
}

static xf_plan *load(json_t *doc, xf_plan_errors *errors)
{
	char *text = json_dumps(doc, 0);
	json_decref(doc);
	xf_plan *plan = xf_plan_load(text, strlen(text), errors);
	free(text);
	return plan;
}

static bool has_error(const xf_plan_errors *e, const char *text)
{
	for (size_t i = 0; i < e->n; i++)
		if (strstr(e->items[i], text))
			return true;
	for (size_t i = 0; i < e->n; i++)
		print_message("error: %s\n", e->items[i]);
	return false;
}

static void test_coal_mine_rules(void **state)
{
	(void)state;
	xf_plan_errors e;
	xf_plan *plan = load(coal_mine(), &e);
	for (size_t i = 0; !plan && i < e.n; i++)
		print_message("%s\n", e.items[i]);
	assert_non_null(plan);
	const xf_plan_notify *n = plan->notify;
	assert_non_null(n);
	assert_int_equal(n->n_recipients[XF_NOTIFY_INCIDENT_REGISTER], 3);
	assert_int_equal(n->recipients[XF_NOTIFY_INCIDENT_REGISTER][0].kind, XF_RECIPIENT_POSITION);
	assert_string_equal(n->recipients[XF_NOTIFY_INCIDENT_REGISTER][0].value, "组长");
	assert_string_equal(n->recipients[XF_NOTIFY_INCIDENT_REGISTER][2].value, "duty_officer");
	assert_int_equal(n->recipients[XF_NOTIFY_REPORT_UP_DUE][0].kind, XF_RECIPIENT_ROLE);
	const int expected[] = {5, 15, 30, 60};
	const char *grades[] = {"I", "II", "III", "IV"};
	for (int g = 0; g < 4; g++) {
		const xf_plan_escalation *c = xf_plan_notify_chain(n, grades[g]);
		assert_non_null(c);
		assert_int_equal(c->n_levels, 2);
		assert_string_equal(c->levels[0].value, "superior");
		assert_string_equal(c->levels[1].value, "组长");
		assert_int_equal(c->levels[0].wait_minutes, expected[g]);
	}
	assert_true(xf_plan_notify_quiet_exempt(n, "I"));
	assert_true(xf_plan_notify_quiet_exempt(n, "II"));
	assert_false(xf_plan_notify_quiet_exempt(n, "III"));
	for (int k = 0; k < XF_NOTIFY_KIND_COUNT; k++)
		assert_non_null(n->templates[k]);
	xf_plan_free(plan);
}

static json_t *section(json_t *doc)
{
	return json_object_get(doc, "notifications");
}

static void test_errors_name_the_path(void **state)
{
	(void)state;
	xf_plan_errors e;
	json_t *doc = coal_mine();
	json_t *s = section(doc);
	json_object_set_new(
	    json_array_get(json_object_get(json_object_get(s, "escalation"), "II"), 0),
	    "wait_minutes", json_integer(0));
	json_object_set_new(json_object_get(s, "recipients"), "task.assign",
	                    json_pack("[{s:s}]", "role", "boss"));
	json_object_set_new(json_object_get(s, "recipients"), "task.overdue",
	                    json_pack("[{s:s}]", "relation", "cousin"));
	json_array_set_new(json_object_get(json_object_get(s, "recipients"), "incident.register"),
	                   0, json_pack("{s:s}", "position", "厂长"));
	json_object_set_new(json_object_get(s, "escalation"), "V",
	                    json_pack("[{s:s, s:i}]", "relation", "superior", "wait_minutes", 5));
	json_object_set_new(json_object_get(s, "templates"), "matter.due",
	                    json_string("{number}的身份证号{id_number}"));
	json_object_set_new(
	    json_object_get(s, "templates"), "task.assign",
	    json_string("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	                "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	                "一二三四五六七八九十一"));
	json_object_set_new(json_object_get(s, "recipients"), "task.done",
	                    json_pack("[{s:s}]", "role", "leader"));
	xf_plan *plan = load(doc, &e);
	assert_null(plan);
	assert_true(
	    has_error(&e, "notifications.escalation.II[0]: 'wait_minutes' must be an integer"));
	assert_true(has_error(&e, "notifications.recipients.task.assign[0]: unknown role 'boss'"));
	assert_true(
	    has_error(&e, "notifications.recipients.task.overdue[0]: unknown relation 'cousin'"));
	assert_true(has_error(
	    &e, "notifications.recipients.incident.register[0]: unknown position '厂长'"));
	assert_true(has_error(&e, "notifications.escalation.V: unknown grade 'V'"));
	assert_true(
	    has_error(&e, "notifications.templates.matter.due: unknown placeholder '{id_number}'"));
	assert_true(
	    has_error(&e, "notifications.templates.task.assign: longer than 70 characters"));
	assert_true(has_error(&e, "notifications.recipients.task.done: unknown kind"));
}

static void test_no_section_tells_nobody(void **state)
{
	(void)state;
	xf_plan_errors e;
	json_t *doc = coal_mine();
	json_object_del(doc, "notifications");
	xf_plan *plan = load(doc, &e);
	assert_non_null(plan);
	assert_null(plan->notify);
	xf_plan_free(plan);
}

static void test_render(void **state)
{
	(void)state;
	json_t *f = json_pack("{s:s, s:i, s:s}", "number", "XF-2026-0007", "headcount", 35, "place",
	                      "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十");
	char *text = xf_notify_render("【信访】{number}：{headcount}人，地点{place}{grade}。", f);
	assert_string_equal(text, "【信访】XF-2026-0007：35人，地点"
	                          "一二三四五六七八九十一二三四五六七八九十一二三四。");
	free(text);
	json_decref(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_waits_then_climbs),
	    cmocka_unit_test(test_stops),
	    cmocka_unit_test(test_short_minutes),
	    cmocka_unit_test(test_quiet_hours),
	    cmocka_unit_test(test_coal_mine_rules),
	    cmocka_unit_test(test_errors_name_the_path),
	    cmocka_unit_test(test_no_section_tells_nobody),
	    cmocka_unit_test(test_render),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
