/* For the unit tests that need the store: a database in a fresh temporary directory,
 * opened before a group of tests and removed after it. Not a suite itself (CMake builds
 * tests/unit/test_*.c as suites and links this file into each). */
#ifndef XF_TEST_STORE_H
#define XF_TEST_STORE_H

/* Makes a directory /tmp/xf-NAME-XXXXXX into dir and opens the store at dir/x.db.
 * Returns 0, or -1 naming the problem on standard error (cmocka's setup convention). */
int xf_test_store_open(char dir[64], const char *name);

/* Closes the store and removes dir with everything in it; 0, or -1. */
int xf_test_store_remove(const char *dir);

#endif
