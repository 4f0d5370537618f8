/* Unit tests of passwords, secrets and account names (core/xf_password.h,
 * core/xf_account.h): the password rule counts characters not bytes, argon2id hashes
 * verify the right password only, one-time passwords and tokens have the promised
 * length, alphabet and randomness, token digests are SHA-256 in hex, and usernames
 * follow their rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/xf_account.h"
#include "core/xf_password.h"
#include "util/xf_util.h"

static void assert_rule_refuses(const char *password, const char *old, const char *username,
                                const char *message_part)
{
	const char *msg = xf_password_rule(password, old, username);
	if (!msg)
		fail_msg("password '%s' accepted", password);
	if (!strstr(msg, message_part))
		fail_msg("password '%s' refused with '%s', expected '%s'", password, msg,
		         message_part);
}

static void test_rule_length_in_characters(void **state)
{
	assert_rule_refuses("", NULL, NULL, "10");
	assert_rule_refuses("123456789", NULL, NULL, "at least 10 characters");
	assert_null(xf_password_rule("1234567890", NULL, NULL));
	/* 10 Chinese characters are 30 bytes; they pass because they are 10 characters */
	assert_null(xf_password_rule("信访应急指挥平台密码", NULL, NULL));
	/* 9 Chinese characters are 27 bytes, more than 10, but still too short */
	assert_rule_refuses("信访应急指挥平台密", NULL, NULL, "at least 10 characters");
	/* mixed */
	assert_null(xf_password_rule("煤矿abcdefgh", NULL, NULL));
	assert_rule_refuses("煤矿abcdefg", NULL, NULL, "at least 10");
}

static void test_rule_upper_limit(void **state)
{
	char p[300];
	memset(p, 'x', 256);
	p[256] = '\0';
	assert_null(xf_password_rule(p, NULL, NULL));
	p[256] = 'x';
	p[257] = '\0';
	assert_rule_refuses(p, NULL, NULL, "256");
}

static void test_rule_old_and_username(void **state)
{
	assert_rule_refuses("correct horse battery", "correct horse battery", NULL, "old");
	assert_null(xf_password_rule("correct horse battery", "correct horse batterY", NULL));
	assert_rule_refuses("zhangsan.mine", NULL, "zhangsan.mine", "username");
	assert_null(xf_password_rule("zhangsan.mine1", "old password", "zhangsan.mine"));
	/* the rule about length comes first */
	assert_rule_refuses("short", "short", "short", "at least 10");
}

static void test_hash_and_verify(void **state)
{
	char h1[XF_PASSWORD_HASH_LEN], h2[XF_PASSWORD_HASH_LEN];
	xf_password_hash("信访办 password 1", h1);
	assert_true(strncmp(h1, "$argon2id$", 10) == 0);
	assert_true(strlen(h1) < XF_PASSWORD_HASH_LEN);
	assert_true(xf_password_verify(h1, "信访办 password 1"));
	assert_false(xf_password_verify(h1, "信访办 password 2"));
	assert_false(xf_password_verify(h1, "信访办 password 1 "));
	assert_false(xf_password_verify(h1, ""));

	/* salted: the same password hashes differently, and both verify */
	xf_password_hash("信访办 password 1", h2);
	assert_string_not_equal(h1, h2);
	assert_true(xf_password_verify(h2, "信访办 password 1"));

	/* a damaged stored hash verifies nothing */
	assert_false(xf_password_verify("", "x"));
	assert_false(xf_password_verify("not a hash", "not a hash"));
	h1[strlen(h1) - 2] = h1[strlen(h1) - 2] == 'A' ? 'B' : 'A';
	assert_false(xf_password_verify(h1, "信访办 password 1"));

	/* the dummy verification is safe to call, repeatedly */
	xf_password_verify_dummy("whatever");
	xf_password_verify_dummy("");
}

static void test_one_time_passwords(void **state)
{
	/* the header promises an alphabet without look-alikes */
	static const char look_alikes[] = "0O1lIoi";
	char seen[256] = {0};
	char first[XF_ONE_TIME_LEN], p[XF_ONE_TIME_LEN];
	xf_password_one_time(first);
	for (int n = 0; n < 200; n++) {
		memset(p, '#', sizeof p);
		xf_password_one_time(p);
		assert_int_equal(strlen(p), 16);
		for (int i = 0; i < 16; i++) {
			unsigned char c = (unsigned char)p[i];
			bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			             (c >= '0' && c <= '9');
			if (!alnum || strchr(look_alikes, c))
				fail_msg("one-time password '%s' has character '%c'", p, c);
			seen[c] = 1;
		}
		assert_string_not_equal(p, first);
		/* a one-time password must itself pass the rule */
		assert_null(xf_password_rule(p, NULL, NULL));
	}
	/* 3200 draws use most of the alphabet, not a few characters */
	int distinct = 0;
	for (int c = 0; c < 256; c++)
		distinct += seen[c];
	assert_true(distinct >= 40);
}

static void test_tokens(void **state)
{
	char a[XF_TOKEN_LEN], b[XF_TOKEN_LEN];
	xf_token_new(a);
	xf_token_new(b);
	assert_int_equal(strlen(a), XF_TOKEN_LEN - 1);
	assert_int_equal(strlen(a), 43);
	assert_string_not_equal(a, b);
	for (const char *c = a; *c; c++) {
		bool url_safe = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		                (*c >= '0' && *c <= '9') || *c == '-' || *c == '_';
		if (!url_safe)
			fail_msg("token '%s' has character '%c'", a, *c);
	}
}

static void test_token_digest(void **state)
{
	char d[XF_TOKEN_DIGEST_LEN], e[XF_TOKEN_DIGEST_LEN];
	/* SHA-256 of "abc", the FIPS 180-2 example */
	xf_token_digest("abc", d);
	assert_string_equal(d, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(strlen(d), XF_TOKEN_DIGEST_LEN - 1);

	char token[XF_TOKEN_LEN];
	xf_token_new(token);
	xf_token_digest(token, d);
	xf_token_digest(token, e);
	assert_string_equal(d, e);
	assert_int_equal(strlen(d), 64);
	for (const char *c = d; *c; c++)
		assert_true((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'));
	token[0] = token[0] == 'A' ? 'B' : 'A';
	xf_token_digest(token, e);
	assert_string_not_equal(d, e);
}

static void test_username_valid(void **state)
{
	static const char *const good[] = {
	    "ab",      "zhangsan", "li.si",
	    "wang_wu", "zhao-liu", "a1",
	    "a.",      "a-_.9",    "abcdefghijklmnopqrstuvwxyz012345", /* 32 */
	};
	static const char *const bad[] = {
	    "",
	    "a",
	    "1abc",
	    "_abc",
	    ".abc",
	    "-abc",
	    "Zhang",
	    "zhAng",
	    "zhang san",
	    "zhang@mine",
	    "zhang/x",
	    "张三",
	    "zhang\t",
	    "abcdefghijklmnopqrstuvwxyz0123456", /* 33 */
	    "a\xe4\xbf\xa1",
	};
	for (size_t i = 0; i < XF_ARRAY_LEN(good); i++)
		if (!xf_username_valid(good[i]))
			fail_msg("'%s' refused", good[i]);
	for (size_t i = 0; i < XF_ARRAY_LEN(bad); i++)
		if (xf_username_valid(bad[i]))
			fail_msg("'%s' accepted", bad[i]);
}

static int setup(void **state)
{
	xf_crypto_init();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rule_length_in_characters),
	    cmocka_unit_test(test_rule_upper_limit),
	    cmocka_unit_test(test_rule_old_and_username),
	    cmocka_unit_test(test_hash_and_verify),
	    cmocka_unit_test(test_one_time_passwords),
	    cmocka_unit_test(test_tokens),
	    cmocka_unit_test(test_token_digest),
	    cmocka_unit_test(test_username_valid),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
