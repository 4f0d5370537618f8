/* Unit tests of writing the audit chain's head file from several processes
 * (xf_audit_head_raise, store/xf_store.h): a missing file is written, a head at or
 * below the file's is not (the file's is reported back), a newer one replaces it; and
 * processes raising the same file at once in random order leave the highest head,
 * never a lower one, which is what servers of one PostgreSQL database sharing the
 * data directory rely on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/xf_audit.h"
#include "store/xf_store.h"
#include "util/xf_util.h"

static char dir[] = "/tmp/xf-head-test-XXXXXX";
static char path[256];

static int setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/xf-head-test-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof path, "%s/audit.head", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char command[300];
	snprintf(command, sizeof command, "rm -rf '%s'", dir);
	return system(command) == 0 ? 0 : -1;
}

static xf_audit_head head_at(int64_t seq)
{
	xf_audit_head h = {.seq = seq};
	memset(h.hash, (int)(seq & 0xff), sizeof h.hash);
	return h;
}

static int64_t file_seq(void)
{
	char error[512];
	xf_audit_head h = {0};
	assert_int_equal(xf_audit_head_read(path, &h, error, sizeof error), XF_OK);
	return h.seq;
}

static void test_raise_never_lowers(void **state)
{
	(void)state;
	char error[512];
	xf_audit_head now = {0}, h = head_at(5);
	assert_int_equal(xf_audit_head_raise(path, &h, &now, error, sizeof error), XF_OK);
	assert_int_equal(now.seq, 5);
	assert_int_equal(file_seq(), 5);

	h = head_at(3);
	assert_int_equal(xf_audit_head_raise(path, &h, &now, error, sizeof error), XF_OK);
	assert_int_equal(now.seq, 5); /* the file's, newer than the one offered */
	assert_memory_equal(now.hash, head_at(5).hash, XF_HASH_LEN);
	assert_int_equal(file_seq(), 5);

	h = head_at(9);
	assert_int_equal(xf_audit_head_raise(path, &h, &now, error, sizeof error), XF_OK);
	assert_int_equal(file_seq(), 9);

	/* A file that is not a head file is not overwritten: it is evidence. */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("nonsense\n", f);
	fclose(f);
	h = head_at(10);
	assert_int_equal(xf_audit_head_raise(path, &h, &now, error, sizeof error), XF_ERR);
	assert_non_null(strstr(error, "is not one line"));
}

enum { N_PROCESSES = 6, N_WRITES = 150 };

static void test_processes_racing_leave_the_highest(void **state)
{
	(void)state;
	pid_t children[N_PROCESSES];
	for (int p = 0; p < N_PROCESSES; p++) {
		children[p] = fork();
		assert_true(children[p] >= 0);
		if (children[p] == 0) {
			/* Each process offers its own rising heads, interleaved with the others'.
			 */
			srand((unsigned)getpid());
			char error[512];
			for (int i = 1; i <= N_WRITES; i++) {
				xf_audit_head h = head_at((int64_t)i * N_PROCESSES + p), now;
				if (xf_audit_head_raise(path, &h, &now, error, sizeof error) !=
				        XF_OK ||
				    now.seq < h.seq)
					_exit(1);
				if (rand() % 4 == 0)
					usleep((useconds_t)(rand() % 200));
			}
			_exit(0);
		}
	}
	for (int p = 0; p < N_PROCESSES; p++) {
		int status;
		assert_int_equal(waitpid(children[p], &status, 0), children[p]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	/* The highest offered: the last writes of the last process. */
	assert_int_equal(file_seq(), (int64_t)N_WRITES * N_PROCESSES + N_PROCESSES - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_raise_never_lowers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_processes_racing_leave_the_highest, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
