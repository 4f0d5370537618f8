/* What the subcommands of the command line share: see xf_cli_common.h. */
#include "cli/xf_cli_common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *xf_cli_env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	return v && *v ? v : fallback;
}

int xf_cli_usage(const char *text, int status)
{
	fputs(text, status ? stderr : stdout);
	return status;
}

int xf_cli_read_input(const char *path, xf_buf *out, const char *advice)
{
	FILE *f = !path || strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "xinfang: cannot open '%s': %s\n", path, strerror(errno));
		return XF_ERR;
	}
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if (xf_buf_append(out, chunk, n) != XF_OK)
			break;
	int failed = ferror(f) ? errno : 0;
	if (f != stdin)
		fclose(f);
	const char *name = path ? path : "-";
	if (out->overflow) {
		fprintf(stderr, "xinfang: '%s' is larger than %u MiB%s\n", name,
		        (unsigned)(out->max >> 20), advice);
		return XF_ERR;
	}
	if (failed) {
		fprintf(stderr, "xinfang: cannot read '%s': %s\n", name, strerror(failed));
		return XF_ERR;
	}
	return XF_OK;
}
