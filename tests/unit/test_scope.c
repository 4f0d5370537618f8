/* Unit tests of who sees which incidents (core/xf_scope.h): the scope each role gets,
 * written out by hand, that roles combine part by part, and a mine's users' "all". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_scope.h"

#define R(x) (1u << XF_ROLE_##x)

static void test_each_role(void **state)
{
	static const struct {
		xf_roles roles;
		bool all, unit, user;
	} cases[] = {
	    {0, false, false, false},          {R(PETITION_OFFICE), true, false, false},
	    {R(LEADER), true, false, false},   {R(UNIT_HEAD), false, true, true},
	    {R(DISPATCH), true, false, false}, {R(OFFICIAL), false, false, true},
	    {R(COMPANY), true, false, false},  {R(AUDITOR), true, false, false},
	    {R(ADMIN), false, false, false},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xf_user u = {.id = 7, .unit_id = 3, .roles = cases[i].roles};
		xf_scope s = xf_scope_of(&u);
		assert_int_equal(s.all, cases[i].all);
		assert_int_equal(s.unit_id, cases[i].unit ? 3 : 0);
		assert_int_equal(s.user_id, cases[i].user ? 7 : 0);
	}
}

static void test_roles_combine(void **state)
{
	xf_user u = {.id = 9, .unit_id = 4, .roles = R(LEADER) | R(OFFICIAL)};
	xf_scope s = xf_scope_of(&u);
	assert_true(s.all);
	assert_int_equal(s.unit_id, 0);
	assert_int_equal(s.user_id, 9);
	u.roles = R(UNIT_HEAD) | R(OFFICIAL);
	s = xf_scope_of(&u);
	assert_false(s.all);
	assert_int_equal(s.unit_id, 4);
	assert_int_equal(s.user_id, 9);
}

/* Many mines (issue 11 item 4): "all" is all of the user's mine when a group is above
 * it, except for the company role; a mine without a group (one-mine database) and a
 * user in no mine keep all. */
static void test_mines(void **state)
{
	xf_user u = {.id = 5,
	             .unit_id = 8,
	             .mine_id = 2,
	             .mine_in_group = true,
	             .roles = R(PETITION_OFFICE)};
	xf_scope s = xf_scope_of(&u);
	assert_false(s.all);
	assert_int_equal(s.mine_id, 2);
	u.roles = R(UNIT_HEAD);
	s = xf_scope_of(&u);
	assert_int_equal(s.mine_id, 0);
	assert_int_equal(s.unit_id, 8);
	u.roles = R(COMPANY);
	s = xf_scope_of(&u);
	assert_true(s.all);
	assert_int_equal(s.mine_id, 0);
	u.roles = R(AUDITOR);
	u.mine_in_group = false; /* the root mine of a one-mine database */
	s = xf_scope_of(&u);
	assert_true(s.all);
	assert_int_equal(s.mine_id, 0);
	u.mine_id = 0; /* a unit of the group itself */
	u.mine_in_group = false;
	u.roles = R(LEADER);
	assert_true(xf_scope_of(&u).all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_role),
	    cmocka_unit_test(test_roles_combine),
	    cmocka_unit_test(test_mines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
