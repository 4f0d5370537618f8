/* Unit tests of petitioner rules (core/xf_person.h), among them the table of who may
 * see a 检举控告 accusation (《信访工作条例》 Art. 30 and 46), and of the people store's
 * duplicate detection, accusation confidentiality, file filtering and list of matters
 * due (store/xf_store_people.h, asking core/xf_matter.h) on a real database file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/xf_password.h"
#include "core/xf_person.h"
#include "store/xf_store_matters.h"
#include "store/xf_store_people.h"
#include "xf_test_store.h"

static void test_masking(void **state)
{
	char out[64];
	xf_mask_id_number("320102198001011234", out, sizeof out);
	assert_string_equal(out, "3201**********1234");
	xf_mask_id_number("32010219800101123X", out, sizeof out);
	assert_string_equal(out, "3201**********123X");
	xf_mask_id_number("12345678", out, sizeof out);
	assert_string_equal(out, "********");
	xf_mask_id_number("", out, sizeof out);
	assert_string_equal(out, "");
	char small[6];
	xf_mask_id_number("320102198001011234", small, sizeof small);
	assert_int_equal(strlen(small), 5);
	assert_null(strstr(small, "1980"));
}

/* ---- 《信访工作条例》 Art. 30 (检举、揭发、控告材料不得透露或者转送给被检举、揭发、
 * 控告的人员和单位) and Art. 46 (违反者依规依纪依法追责): who may see an accusation ---- */

/* The unit tree of the table: 本矿 > 信访办, 本矿 > 机电科, 本矿 > 综采一队 > 一班. */
enum { BENKUANG = 1, XINFANGBAN = 2, JIDIANKE = 3, ZONGCAI = 4, YIBAN = 5 };

static bool at_or_below(int64_t unit, int64_t accused)
{
	static const int64_t parent[] = {[BENKUANG] = 0,
	                                 [XINFANGBAN] = BENKUANG,
	                                 [JIDIANKE] = BENKUANG,
	                                 [ZONGCAI] = BENKUANG,
	                                 [YIBAN] = ZONGCAI};
	for (; unit > 0; unit = parent[unit])
		if (unit == accused)
			return true;
	return false;
}

#define ROLE(r) (1u << XF_ROLE_##r)

static void test_art30_art46_accusation_hidden_from_accused_unit(void **state)
{
	(void)state;
	static const struct {
		const char *category;
		int64_t accused, viewer_unit;
		xf_roles roles;
		bool visible;
		const char *why;
	} rows[] = {
	    /* an accusation against 本矿, the root unit */
	    {"accusation", BENKUANG, XINFANGBAN, ROLE(PETITION_OFFICE), true,
	     "the 信访办 under 本矿 handles an accusation against 本矿"},
	    {"accusation", BENKUANG, BENKUANG, ROLE(LEADER), false, "本矿's leaders sit in 本矿"},
	    {"accusation", BENKUANG, BENKUANG, ROLE(PETITION_OFFICE), false,
	     "a petition-office user sitting in the accused unit itself"},
	    {"accusation", BENKUANG, BENKUANG, ROLE(AUDITOR), false,
	     "an auditor in the accused unit"},
	    {"accusation", BENKUANG, BENKUANG, ROLE(COMPANY), false,
	     "a company user in the accused unit"},
	    {"accusation", BENKUANG, XINFANGBAN, ROLE(LEADER), false,
	     "a leader below the accused unit"},
	    {"accusation", BENKUANG, JIDIANKE, ROLE(AUDITOR), true, "an auditor below 本矿"},
	    {"accusation", BENKUANG, JIDIANKE, ROLE(COMPANY), true, "the company below 本矿"},
	    {"accusation", BENKUANG, JIDIANKE, ROLE(UNIT_HEAD), false, "a unit head below 本矿"},
	    {"accusation", BENKUANG, YIBAN, ROLE(OFFICIAL), false, "an official two levels below"},
	    {"accusation", BENKUANG, YIBAN, ROLE(PETITION_OFFICE), true,
	     "a petition-office user two levels below"},
	    {"accusation", BENKUANG, XINFANGBAN, ROLE(ADMIN), false,
	     "an administrator is no exception"},
	    {"accusation", BENKUANG, XINFANGBAN, ROLE(DISPATCH), false, "dispatch is no exception"},
	    /* an accusation against 机电科 */
	    {"accusation", JIDIANKE, JIDIANKE, ROLE(PETITION_OFFICE), false,
	     "a petition-office user sitting in the accused 机电科"},
	    {"accusation", JIDIANKE, JIDIANKE,
	     ROLE(PETITION_OFFICE) | ROLE(AUDITOR) | ROLE(COMPANY), false,
	     "no role opens it to the accused unit itself"},
	    {"accusation", JIDIANKE, JIDIANKE, ROLE(UNIT_HEAD), false, "the head of 机电科"},
	    {"accusation", JIDIANKE, BENKUANG, ROLE(LEADER), true, "a leader above 机电科"},
	    {"accusation", JIDIANKE, XINFANGBAN, ROLE(PETITION_OFFICE), true,
	     "the 信访办 beside 机电科"},
	    {"accusation", JIDIANKE, ZONGCAI, ROLE(UNIT_HEAD), true, "the head of a sibling unit"},
	    {"accusation", JIDIANKE, YIBAN, ROLE(OFFICIAL), true, "an official of another branch"},
	    /* an accusation against 综采一队, seen from 一班 below it */
	    {"accusation", ZONGCAI, YIBAN, ROLE(UNIT_HEAD), false, "the head of 一班 below"},
	    {"accusation", ZONGCAI, YIBAN, ROLE(OFFICIAL), false, "an official of 一班"},
	    {"accusation", ZONGCAI, YIBAN, ROLE(OFFICIAL) | ROLE(PETITION_OFFICE), true,
	     "a petition-office user of 一班 (not the accused unit itself)"},
	    {"accusation", ZONGCAI, ZONGCAI, ROLE(OFFICIAL) | ROLE(AUDITOR), false,
	     "an auditor of 综采一队"},
	    {"accusation", ZONGCAI, 0, 0, true, "a user without a unit"},
	    /* nothing else is restricted by this rule */
	    {"accusation", 0, YIBAN, ROLE(UNIT_HEAD), true, "an accusation naming no unit"},
	    {"suggestion", ZONGCAI, ZONGCAI, ROLE(UNIT_HEAD), true, "a suggestion"},
	    {"appeal", ZONGCAI, YIBAN, ROLE(UNIT_HEAD), true, "an appeal"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		bool below =
		    rows[i].viewer_unit && at_or_below(rows[i].viewer_unit, rows[i].accused);
		bool got = xf_matter_visible_to(rows[i].category, rows[i].accused,
		                                rows[i].viewer_unit, below, rows[i].roles);
		if (got != rows[i].visible)
			fail_msg("row %zu (%s): %s, expected %s", i, rows[i].why,
			         got ? "visible" : "hidden",
			         rows[i].visible ? "visible" : "hidden");
	}
	/* The viewer's own unit decides even if the caller's tree flag is wrong. */
	assert_false(
	    xf_matter_visible_to("accusation", JIDIANKE, JIDIANKE, false, ROLE(PETITION_OFFICE)));
}

static void test_quick_entry(void **state)
{
	xf_quick_entry e;
	const char *problem;
	assert_true(xf_quick_entry_parse("张三 13800000000 综采一队 代表", &e, &problem));
	assert_string_equal(e.name, "张三");
	assert_string_equal(e.phone, "13800000000");
	assert_string_equal(e.unit, "综采一队");
	assert_true(e.representative);

	assert_true(xf_quick_entry_parse("李四，综采一队，参与", &e, &problem));
	assert_string_equal(e.name, "李四");
	assert_string_equal(e.unit, "综采一队");
	assert_false(e.representative);
	assert_string_equal(e.phone, "");

	assert_true(xf_quick_entry_parse("\t王五\u3000+86-138-0000-0000\r", &e, &problem));
	assert_string_equal(e.name, "王五");
	assert_string_equal(e.phone, "+86-138-0000-0000");

	assert_false(xf_quick_entry_parse("   ", &e, &problem));
	assert_null(problem);
	assert_false(xf_quick_entry_parse("13800000000 张三", &e, &problem));
	assert_non_null(strstr(problem, "name"));
	assert_false(xf_quick_entry_parse("赵六 13800000000 13900000000", &e, &problem));
	assert_non_null(strstr(problem, "phone"));
	assert_false(xf_quick_entry_parse("赵六 综采一队 机电科", &e, &problem));
	assert_non_null(strstr(problem, "unit"));

	/* the employment column: a word of its own, or left to the unit */
	assert_true(xf_quick_entry_parse("孙七 13800000000 退休 综采一队", &e, &problem));
	assert_string_equal(e.employment, "retired");
	assert_string_equal(e.unit, "综采一队");
	assert_true(xf_quick_entry_parse("周八，家属", &e, &problem));
	assert_string_equal(e.employment, "family");
	assert_string_equal(e.unit, "");
	assert_true(xf_quick_entry_parse("吴九 外部", &e, &problem));
	assert_string_equal(e.employment, "external");
	assert_true(xf_quick_entry_parse("郑十 在职 代表", &e, &problem));
	assert_string_equal(e.employment, "employed");
	assert_true(e.representative);
	assert_true(xf_quick_entry_parse("王五 综采一队", &e, &problem));
	assert_null(e.employment);
	assert_false(xf_quick_entry_parse("冯一 退休 在职", &e, &problem));
	assert_non_null(strstr(problem, "employment"));
	assert_string_equal(xf_employment_default("退休支部"), "retired");
	assert_string_equal(xf_employment_default("综采一队"), "employed");
	assert_string_equal(xf_employment_default(NULL), "employed");
}

static void test_followup_due_after_interval(void **state)
{
	assert_int_equal(xf_followup_due(1000, 7), 1000 + 7 * 24 * 3600 * 1000LL);
	assert_int_equal(xf_followup_due(1000, 0), 1000);
	/* The task of the follow-up is due the same interval later, in minutes. */
	assert_int_equal(xf_followup_minutes(7), 7 * 24 * 60);
	assert_int_equal(xf_followup_minutes(1), 1440);
	assert_int_equal(xf_followup_due(0, 3), xf_followup_minutes(3) * 60 * 1000LL);
}

static void test_zh_names(void **state)
{
	assert_string_equal(xf_category_zh("accusation"), "检举控告");
	assert_string_equal(xf_category_zh("appeal"), "申诉求决");
	assert_string_equal(xf_followup_kind_zh("visit"), "走访");
}

static char dir[64];

static int open_db(void **state)
{
	xf_crypto_init();
	return xf_test_store_open(dir, "person");
}

static int close_db(void **state)
{
	return xf_test_store_remove(dir);
}

static int64_t person(xf_db *db, const char *name, int64_t unit, const char *id_number)
{
	xf_person_in in = {.name = name, .unit_id = unit, .id_number = id_number};
	int64_t id;
	assert_int_equal(xf_store_person_insert(db, &in, 0, 1000, &id), XF_OK);
	return id;
}

static void test_duplicates_and_confidentiality(void **state)
{
	xf_db *db = xf_db_get();
	int64_t mine, team, sub, matter;
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	assert_int_equal(xf_store_unit_insert(db, 0, "本矿", "mine", &mine), XF_OK);
	assert_int_equal(xf_store_unit_insert(db, mine, "综采一队", "team", &team), XF_OK);
	assert_int_equal(xf_store_unit_insert(db, team, "一班", "team", &sub), XF_OK);
	int64_t a = person(db, "张三", team, "320102198001011234");
	person(db, "张三", team, "");
	person(db, "张三", mine, "");
	int64_t d = person(db, "李四", mine, "320102198001011234");
	json_t *dups;
	assert_int_equal(
	    xf_store_person_duplicates(db, a, "张三", team, "320102198001011234", &dups), XF_OK);
	assert_int_equal(json_array_size(dups), 2); /* same name and unit; same ID number */
	assert_string_equal(json_string_value(json_object_get(json_array_get(dups, 0), "reason")),
	                    "same_name_unit");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(dups, 1), "id")), d);
	assert_string_equal(json_string_value(json_object_get(json_array_get(dups, 1), "reason")),
	                    "same_id_number");
	json_decref(dups);

	assert_int_equal(
	    xf_store_matter_insert(db, a, 0, "accusation", "检举内容", team, 0, 1000, &matter),
	    XF_OK);
	assert_int_equal(xf_tx_commit(db), XF_OK);

	xf_viewer office = {.scope = {.all = true}, .user_id = 1, .unit_id = mine};
	xf_viewer accused = {.scope = {.all = true}, .user_id = 2, .unit_id = team};
	xf_viewer below = {.scope = {.all = true}, .user_id = 3, .unit_id = sub};
	assert_int_equal(xf_store_matter_visible(db, &office, matter), XF_OK);
	assert_int_equal(xf_store_matter_visible(db, &accused, matter), XF_NOTFOUND);
	assert_int_equal(xf_store_matter_visible(db, &below, matter), XF_NOTFOUND);

	json_t *file;
	assert_int_equal(xf_store_person_json(db, &accused, a, false, &file), XF_OK);
	assert_int_equal(json_array_size(json_object_get(file, "matters")), 0);
	assert_string_equal(json_string_value(json_object_get(file, "id_number")),
	                    "3201**********1234");
	json_decref(file);
	assert_int_equal(xf_store_person_json(db, &office, a, true, &file), XF_OK);
	assert_int_equal(json_array_size(json_object_get(file, "matters")), 1);
	assert_string_equal(json_string_value(json_object_get(file, "id_number")),
	                    "320102198001011234");
	json_decref(file);

	/* A unit head sees the persons of their subtree only; an official none unassigned. */
	xf_viewer head = {.scope = {.unit_id = team}, .user_id = 4, .unit_id = team};
	xf_viewer official = {.scope = {.user_id = 5}, .user_id = 5, .unit_id = mine};
	assert_int_equal(xf_store_person_visible(db, &head, a), XF_OK);
	assert_int_equal(xf_store_person_visible(db, &head, d), XF_NOTFOUND);
	assert_int_equal(xf_store_person_visible(db, &official, a), XF_NOTFOUND);

	/* The unit head's view of the file names only the duplicate they may open: 李四 of
	 * 本矿 shares the ID number but lies outside 综采一队. */
	assert_int_equal(xf_store_person_json(db, &head, a, false, &file), XF_OK);
	dups = json_object_get(file, "duplicates");
	assert_int_equal(json_array_size(dups), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(dups, 0), "reason")),
	                    "same_name_unit");
	json_decref(file);

	/* An accusation against 本矿 (the root): the 信访办 under 本矿 handles it, a leader
	 * sitting in 本矿 does not see it (Art. 30). */
	int64_t office_unit, against_root;
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	assert_int_equal(xf_store_unit_insert(db, mine, "信访办", "department", &office_unit),
	                 XF_OK);
	assert_int_equal(xf_store_matter_insert(db, a, 0, "accusation", "检举本矿", mine, 0, 1000,
	                                        &against_root),
	                 XF_OK);
	assert_int_equal(xf_tx_commit(db), XF_OK);
	xf_viewer clerk = {.scope = {.all = true},
	                   .user_id = 6,
	                   .unit_id = office_unit,
	                   .roles = 1u << XF_ROLE_PETITION_OFFICE};
	xf_viewer leader = {
	    .scope = {.all = true}, .user_id = 7, .unit_id = mine, .roles = 1u << XF_ROLE_LEADER};
	assert_int_equal(xf_store_matter_visible(db, &clerk, against_root), XF_OK);
	assert_int_equal(xf_store_matter_visible(db, &leader, against_root), XF_NOTFOUND);
	assert_int_equal(xf_store_person_json(db, &leader, a, false, &file), XF_OK);
	assert_int_equal(json_array_size(json_object_get(file, "matters")), 1); /* 综采一队's */
	json_decref(file);
	assert_int_equal(xf_store_person_json(db, &clerk, a, false, &file), XF_OK);
	assert_int_equal(json_array_size(json_object_get(file, "matters")), 2);
	json_decref(file);
}

/* The store's due list reads rows and leaves the rules to core: which clock runs
 * (Art. 22 acceptance, Art. 34 conclusion), the window, the order, and the accusation
 * hidden from the accused unit (Art. 30, 46). More rows than one allocation holds. */
static void test_art22_art34_art30_matters_due_from_core(void **state)
{
	const int64_t day = 24 * 3600 * 1000LL, t0 = 1795907429123LL;
	xf_db *db = xf_db_get();
	int64_t mine, team, zhang, accusation, accepted, concluded;
	int64_t appeals[20];
	assert_int_equal(xf_tx_begin(db, true), XF_OK);
	assert_int_equal(xf_store_unit_insert(db, 0, "本矿", "mine", &mine), XF_OK);
	assert_int_equal(xf_store_unit_insert(db, mine, "综采一队", "team", &team), XF_OK);
	zhang = person(db, "张建国", team, "");
	/* received on days 19, 18, ..., 0: acceptance due on days 34 down to 15 */
	for (int i = 0; i < 20; i++)
		assert_int_equal(xf_store_matter_insert(db, zhang, 0, "appeal", "诉求", 0, 0,
		                                        t0 + (19 - i) * day, &appeals[i]),
		                 XF_OK);
	/* received day 0 too, so it ties with the last appeal: the lower id first */
	assert_int_equal(
	    xf_store_matter_insert(db, zhang, 0, "accusation", "检举", team, 0, t0, &accusation),
	    XF_OK);
	/* accepted on day 1: Art. 34, conclusion due on day 61 */
	assert_int_equal(
	    xf_store_matter_insert(db, zhang, 0, "appeal", "已受理", 0, 0, t0, &accepted), XF_OK);
	assert_int_equal(xf_store_matter_update(db, accepted, true, NULL, NULL, false, t0 + day),
	                 XF_OK);
	/* issue 13: the acceptance clock stops when the acceptance notice is issued */
	assert_int_equal(xf_store_matter_notice_issued(db, accepted, "acceptance", t0 + day),
	                 XF_OK);
	assert_int_equal(
	    xf_store_matter_insert(db, zhang, 0, "appeal", "已办结", 0, 0, t0, &concluded), XF_OK);
	assert_int_equal(xf_store_matter_update(db, concluded, true, "supported", NULL, true, t0),
	                 XF_OK);
	assert_int_equal(xf_tx_commit(db), XF_OK);

	xf_viewer office = {.scope = {.all = true},
	                    .user_id = 1,
	                    .unit_id = mine,
	                    .roles = 1u << XF_ROLE_PETITION_OFFICE};
	xf_viewer head = {.scope = {.all = true},
	                  .user_id = 2,
	                  .unit_id = team,
	                  .roles = 1u << XF_ROLE_UNIT_HEAD};
	json_t *list;
	/* everything open up to day 62 (the conclusion ends at 24:00 of day 61 after day 1:
	 * days are counted as the Civil Code does, issue 13) */
	assert_int_equal(xf_store_matters_due(db, &office, t0 + 20 * day, t0 + 62 * day, &list),
	                 XF_OK);
	assert_int_equal(json_array_size(list), 22);
	int64_t want[22];
	want[0] = appeals[19];
	want[1] = accusation;
	for (int i = 0; i < 19; i++)
		want[2 + i] = appeals[18 - i];
	want[21] = accepted;
	for (size_t i = 0; i < 22; i++) {
		json_t *m = json_array_get(list, i);
		assert_int_equal(json_integer_value(json_object_get(m, "id")), want[i]);
	}
	json_t *first = json_array_get(list, 0), *last = json_array_get(list, 21);
	assert_string_equal(json_string_value(json_object_get(first, "due_kind")), "acceptance");
	assert_true(json_is_true(json_object_get(first, "overdue")));
	assert_string_equal(json_string_value(json_object_get(first, "due_at")),
	                    json_string_value(json_object_get(first, "acceptance_due")));
	assert_string_equal(json_string_value(json_object_get(last, "due_kind")), "conclusion");
	assert_true(json_is_false(json_object_get(last, "overdue")));
	assert_string_equal(json_string_value(json_object_get(last, "due_at")),
	                    json_string_value(json_object_get(last, "conclusion_due")));
	json_decref(list);

	/* the window ends at until: acceptance due at 24:00 of day 15 and 16 only */
	assert_int_equal(xf_store_matters_due(db, &office, t0, t0 + 17 * day, &list), XF_OK);
	assert_int_equal(json_array_size(list), 3);
	json_decref(list);
	/* the head of the accused unit does not see the accusation */
	assert_int_equal(xf_store_matters_due(db, &head, t0, t0 + 17 * day, &list), XF_OK);
	assert_int_equal(json_array_size(list), 2);
	for (size_t i = 0; i < 2; i++)
		assert_int_not_equal(
		    json_integer_value(json_object_get(json_array_get(list, i), "id")), accusation);
	json_decref(list);
}

int main(void)
{
	/* the due list counts days by a calendar without rest days (issue 13), so that each
	 * day's deadline is plain */
	char calendar[4096];
	snprintf(calendar, sizeof calendar, "%s/tests/api/fixtures/calendar-no-rest.json",
	         getenv("XF_SOURCE_DIR") ? getenv("XF_SOURCE_DIR") : ".");
	setenv("XINFANG_CALENDAR", calendar, 1);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_masking),
	    cmocka_unit_test(test_quick_entry),
	    cmocka_unit_test(test_zh_names),
	    cmocka_unit_test(test_followup_due_after_interval),
	    cmocka_unit_test(test_art30_art46_accusation_hidden_from_accused_unit),
	    cmocka_unit_test_setup_teardown(test_duplicates_and_confidentiality, open_db, close_db),
	    cmocka_unit_test_setup_teardown(test_art22_art34_art30_matters_due_from_core, open_db,
	                                    close_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
