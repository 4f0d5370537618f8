/* Unit tests of roles and permissions (core/xf_perm.h). The expected matrix is written
 * out here by hand from the tables in docs/api.md, independently of the grants table in
 * xf_perm.c, so that a change of anyone's rights shows up as a failing test that has
 * to be changed on purpose. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_perm.h"
#include "util/xf_util.h"

/* The API identifiers of the roles, in xf_role order (docs/api.md). */
static const char *const role_ids[] = {
    "petition_office", "leader", "unit_head", "dispatch", "official", "company", "auditor", "admin",
};

/* Who holds each permission: its name and the roles, "*" for everyone (even a user
 * without roles). A permission missing here fails the test: add its line. */
static const struct {
	xf_perm perm;
	const char *name;
	const char *roles;
} expected[] = {
    {XF_PERM_PUBLIC, "public", "*"},
    {XF_PERM_SIGNED_IN, "signed_in", "*"},
    {XF_PERM_AUDIT_READ, "audit.read", "auditor admin"},
    {XF_PERM_UNIT_WRITE, "unit.write", "admin"},
    {XF_PERM_USER_READ, "user.read", "auditor admin"},
    {XF_PERM_USER_WRITE, "user.write", "admin"},
    {XF_PERM_INCIDENT_READ, "incident.read",
     "petition_office leader unit_head dispatch official company auditor"},
    {XF_PERM_INCIDENT_REGISTER, "incident.register", "petition_office leader"},
    {XF_PERM_INCIDENT_MANAGE, "incident.manage", "petition_office leader"},
    {XF_PERM_TASK_ACT, "task.act", "petition_office leader unit_head dispatch official"},
    {XF_PERM_DISPATCH_UPDATE, "dispatch.update", "dispatch petition_office leader"},
    {XF_PERM_PERSON_READ, "person.read", "petition_office leader unit_head official auditor"},
    {XF_PERM_PERSON_WRITE, "person.write", "petition_office"},
    {XF_PERM_PERSON_REVEAL, "person.reveal", "petition_office"},
    {XF_PERM_ASSIGNMENT_WRITE, "assignment.write", "petition_office leader unit_head"},
    {XF_PERM_FOLLOWUP_WRITE, "followup.write", "petition_office unit_head official"},
    {XF_PERM_MEETING_WRITE, "meeting.write", "petition_office leader"},
    {XF_PERM_VENUE_WRITE, "venue.write", "petition_office admin"},
    {XF_PERM_ROSTER_READ, "roster.read",
     "petition_office leader unit_head dispatch official auditor admin"},
    {XF_PERM_ROSTER_WRITE, "roster.write", "petition_office admin"},
    {XF_PERM_DIRECTORY_READ, "directory.read",
     "petition_office leader unit_head dispatch official admin"},
};

/* The roles listed for perm as a bit mask; everyone is all bits. */
static xf_roles holders(int perm, bool *everyone)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(expected); i++) {
		if ((int)expected[i].perm != perm)
			continue;
		*everyone = strcmp(expected[i].roles, "*") == 0;
		xf_roles set = 0;
		for (const char *r = expected[i].roles; *r && !*everyone;) {
			size_t n = strcspn(r, " ");
			int found = -1;
			for (int k = 0; k < (int)XF_ARRAY_LEN(role_ids); k++)
				if (strlen(role_ids[k]) == n && strncmp(role_ids[k], r, n) == 0)
					found = k;
			if (found < 0)
				fail_msg("the test table names an unknown role '%.*s'", (int)n, r);
			set |= 1u << found;
			r += n + (r[n] == ' ');
		}
		return set;
	}
	fail_msg("permission %d (%s) is missing from the test table", perm,
	         xf_perm_name((xf_perm)perm));
	return 0;
}

static void test_table_covers_every_permission(void **state)
{
	assert_int_equal(XF_ROLE_COUNT, XF_ARRAY_LEN(role_ids));
	assert_int_equal(XF_PERM_COUNT, XF_ARRAY_LEN(expected));
	for (int p = 0; p < XF_PERM_COUNT; p++) {
		bool everyone;
		(void)holders(p, &everyone);
	}
}

static void test_matrix_single_roles(void **state)
{
	for (int p = 0; p < XF_PERM_COUNT; p++) {
		bool everyone;
		xf_roles want = holders(p, &everyone);
		for (int r = 0; r < XF_ROLE_COUNT; r++) {
			bool allowed = everyone || (want & (1u << r));
			bool got = xf_perm_allows(1u << r, (xf_perm)p);
			if (got != allowed)
				fail_msg("role %s, permission %s: expected %s, got %s", role_ids[r],
				         xf_perm_name((xf_perm)p), allowed ? "allow" : "deny",
				         got ? "allow" : "deny");
		}
	}
}

static void test_matrix_role_sets(void **state)
{
	/* A set of roles may do what any one of them may do: check all 256 sets. */
	for (int p = 0; p < XF_PERM_COUNT; p++) {
		bool everyone;
		xf_roles want = holders(p, &everyone);
		for (xf_roles set = 0; set < (1u << XF_ROLE_COUNT); set++) {
			bool allowed = everyone || (set & want) != 0;
			if (xf_perm_allows(set, (xf_perm)p) != allowed)
				fail_msg("roles 0x%x, permission %s: expected %s", set,
				         xf_perm_name((xf_perm)p), allowed ? "allow" : "deny");
		}
	}
}

static void test_admin_and_auditor(void **state)
{
	/* spelled out, as the two roles whose limits matter most */
	xf_roles admin = 1u << XF_ROLE_ADMIN, auditor = 1u << XF_ROLE_AUDITOR;
	assert_true(xf_perm_allows(admin, XF_PERM_USER_WRITE));
	assert_true(xf_perm_allows(admin, XF_PERM_UNIT_WRITE));
	assert_true(xf_perm_allows(admin, XF_PERM_AUDIT_READ));
	assert_false(xf_perm_allows(admin, XF_PERM_INCIDENT_READ)); /* accounts, not cases */
	assert_true(xf_perm_allows(auditor, XF_PERM_AUDIT_READ));
	assert_true(xf_perm_allows(auditor, XF_PERM_USER_READ));
	assert_true(xf_perm_allows(auditor, XF_PERM_INCIDENT_READ));
	/* the auditor reads everything and changes nothing */
	static const xf_perm writes[] = {XF_PERM_UNIT_WRITE,        XF_PERM_USER_WRITE,
	                                 XF_PERM_INCIDENT_REGISTER, XF_PERM_INCIDENT_MANAGE,
	                                 XF_PERM_TASK_ACT,          XF_PERM_DISPATCH_UPDATE};
	for (size_t i = 0; i < XF_ARRAY_LEN(writes); i++)
		assert_false(xf_perm_allows(auditor, writes[i]));
	/* company petition office: read-only */
	xf_roles company = 1u << XF_ROLE_COMPANY;
	for (size_t i = 0; i < XF_ARRAY_LEN(writes); i++)
		assert_false(xf_perm_allows(company, writes[i]));
}

static void test_no_roles(void **state)
{
	assert_true(xf_perm_allows(0, XF_PERM_PUBLIC));
	assert_true(xf_perm_allows(0, XF_PERM_SIGNED_IN));
	for (int p = 0; p < XF_PERM_COUNT; p++)
		if (p != XF_PERM_PUBLIC && p != XF_PERM_SIGNED_IN && xf_perm_allows(0, (xf_perm)p))
			fail_msg("no roles, yet %s is allowed", xf_perm_name((xf_perm)p));
}

static void test_bits_beyond_the_roles_grant_nothing(void **state)
{
	xf_roles unknown = ~((1u << XF_ROLE_COUNT) - 1);
	for (int p = XF_PERM_AUDIT_READ; p < XF_PERM_COUNT; p++)
		assert_false(xf_perm_allows(unknown, (xf_perm)p));
	assert_true(xf_perm_allows(unknown, XF_PERM_PUBLIC));
}

static void test_out_of_range_permission_denied(void **state)
{
	xf_roles all = 0xffffffffu;
	assert_false(xf_perm_allows(all, XF_PERM_COUNT));
	assert_false(xf_perm_allows(all, (xf_perm)(XF_PERM_COUNT + 7)));
	assert_false(xf_perm_allows(all, (xf_perm)1000));
	assert_string_equal(xf_perm_name(XF_PERM_COUNT), "?");
}

static void test_permission_names(void **state)
{
	for (size_t i = 0; i < XF_ARRAY_LEN(expected); i++)
		assert_string_equal(xf_perm_name(expected[i].perm), expected[i].name);
}

static void test_role_ids_round_trip(void **state)
{
	for (int r = 0; r < XF_ROLE_COUNT; r++) {
		assert_string_equal(xf_role_id((xf_role)r), role_ids[r]);
		assert_string_equal(xf_role_ids[r], role_ids[r]);
		assert_int_equal(xf_role_parse(role_ids[r]), r);
		assert_int_equal(xf_role_parse(xf_role_id((xf_role)r)), r);
		/* every role has names a person can read */
		assert_true(strlen(xf_role_zh((xf_role)r)) > 0);
		assert_true(strlen(xf_role_en((xf_role)r)) > 0);
		assert_string_not_equal(xf_role_zh((xf_role)r), "?");
	}
	assert_null(xf_role_ids[XF_ROLE_COUNT]);
	assert_string_equal(xf_role_zh(XF_ROLE_AUDITOR), "审计");
	assert_string_equal(xf_role_zh(XF_ROLE_ADMIN), "管理员");
	assert_string_equal(xf_role_id(XF_ROLE_COUNT), "?");
}

static void test_unknown_role(void **state)
{
	static const char *const unknown[] = {"",     "Admin",         "ADMIN", "admin ", " admin",
	                                      "root", "administrator", "adm",   "审计",   "?"};
	for (size_t i = 0; i < XF_ARRAY_LEN(unknown); i++)
		assert_int_equal(xf_role_parse(unknown[i]), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_covers_every_permission),
	    cmocka_unit_test(test_matrix_single_roles),
	    cmocka_unit_test(test_matrix_role_sets),
	    cmocka_unit_test(test_admin_and_auditor),
	    cmocka_unit_test(test_no_roles),
	    cmocka_unit_test(test_bits_beyond_the_roles_grant_nothing),
	    cmocka_unit_test(test_out_of_range_permission_denied),
	    cmocka_unit_test(test_permission_names),
	    cmocka_unit_test(test_role_ids_round_trip),
	    cmocka_unit_test(test_unknown_role),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
