/* Unit tests of the task rules and API shape (core/xf_task.h: when an open task is
 * overdue, the owner's label, the one JSON writer of a task) and of the 包保 rules
 * (core/xf_assignment.h: who still needs an official, which status ends an
 * assignment). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_assignment.h"
#include "core/xf_task.h"
#include "util/xf_util.h"

static void test_overdue_only_when_open_and_past_due(void **state)
{
	(void)state;
	assert_true(xf_task_overdue("pending", 1000, 1001));
	assert_true(xf_task_overdue("in_progress", 1000, 1001));
	assert_false(xf_task_overdue("pending", 1000, 1000));
	assert_false(xf_task_overdue("pending", 0, 5000)); /* no due time */
	assert_false(xf_task_overdue("done", 1000, 5000));
	assert_false(xf_task_overdue("skipped", 1000, 5000));
}

static void test_owner_label(void **state)
{
	(void)state;
	assert_string_equal(xf_task_owner_label("role", "petition_office"), "信访办");
	assert_string_equal(xf_task_owner_label("role", "no_such_role"), "no_such_role");
	assert_string_equal(xf_task_owner_label("heads_of", "unit_of_incident"), "单位负责人");
	assert_string_equal(xf_task_owner_label("text", "保卫科"), "保卫科");
}

static void test_json_shape(void **state)
{
	(void)state;
	xf_task_view t = {
	    .id = 7,
	    .incident_id = 3,
	    .position = 2,
	    .round = 1,
	    .due_ms = 1000,
	    .started_ms = 500,
	    .report_id = 0,
	    .assignee_id = 4,
	    .chooses_venue = true,
	    .step_id = xf_strdup("A-1"),
	    .kind = xf_strdup("step"),
	    .title = xf_strdup("到场"),
	    .text = xf_strdup(""),
	    .workstream = NULL,
	    .owner_kind = xf_strdup("role"),
	    .owner_value = xf_strdup("petition_office"),
	    .assignee_name = xf_strdup("张三"),
	    .status = xf_strdup("in_progress"),
	    .evidence = xf_strdup("[\"photo\"]"),
	    .dispatch = NULL,
	    .note = xf_strdup(""),
	    .skip_reason = xf_strdup(""),
	};
	json_t *o = xf_task_json(&t, 2000);
	char *text = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(
	    text,
	    "{\"assignee\":{\"id\":4,\"name\":\"张三\"},\"chooses_venue\":true,\"dispatch\":null,"
	    "\"done_at\":null,\"due_at\":\"1970-01-01T00:00:01.000Z\",\"evidence\":[\"photo\"],"
	    "\"id\":7,\"incident_id\":3,\"kind\":\"step\",\"note\":\"\",\"overdue\":true,"
	    "\"owner\":{\"kind\":\"role\",\"label\":\"信访办\",\"value\":\"petition_office\"},"
	    "\"position\":2,\"report_id\":null,\"round\":1,\"skip_reason\":\"\","
	    "\"started_at\":\"1970-01-01T00:00:00.500Z\",\"status\":\"in_progress\","
	    "\"step_id\":\"A-1\",\"text\":\"\",\"title\":\"到场\",\"workstream\":null}");
	free(text);
	json_decref(o);
	t.assignee_id = 0;
	o = xf_task_json(&t, 500);
	assert_true(json_is_null(json_object_get(o, "assignee")));
	assert_true(json_is_false(json_object_get(o, "overdue")));
	json_decref(o);
	xf_task_view_free(&t);
	assert_null(t.title);
}

static void test_who_needs_an_official(void **state)
{
	(void)state;
	assert_true(xf_person_needs_official(0, 0));
	assert_false(xf_person_needs_official(1, 0)); /* followed now */
	assert_false(xf_person_needs_official(0, 1)); /* resolved: no more follow-up */
	assert_false(xf_person_needs_official(1, 2));
}

static void test_resolved_ends_the_assignment(void **state)
{
	(void)state;
	assert_true(xf_assignment_status_ends("resolved"));
	assert_false(xf_assignment_status_ends("stable"));
	assert_false(xf_assignment_status_ends("relapsed"));
	assert_false(xf_assignment_status_ends(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_overdue_only_when_open_and_past_due),
	    cmocka_unit_test(test_owner_label),
	    cmocka_unit_test(test_json_shape),
	    cmocka_unit_test(test_who_needs_an_official),
	    cmocka_unit_test(test_resolved_ends_the_assignment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
