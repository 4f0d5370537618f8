/* A database in a fresh temporary directory for unit tests: see xf_test_store.h. */
#include "xf_test_store.h"

#include <stdio.h>
#include <stdlib.h>

#include "store/xf_store.h"

int xf_test_store_open(char dir[64], const char *name)
{
	char path[128], error[256];
	snprintf(dir, 64, "/tmp/xf-%s-XXXXXX", name);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(path, sizeof path, "%s/x.db", dir);
	if (xf_store_open(path, error, sizeof error) != XF_OK) {
		fprintf(stderr, "xf_store_open: %s\n", error);
		return -1;
	}
	return 0;
}

int xf_test_store_remove(const char *dir)
{
	char cmd[128];
	xf_store_close();
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}
