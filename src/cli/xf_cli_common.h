/* What the subcommands of the command line share: variables with a fallback, usage text,
 * and reading an input file (or standard input) under a size cap. */
#ifndef XF_CLI_COMMON_H
#define XF_CLI_COMMON_H

#include "util/xf_buf.h"

/* The variable `name` when set and not empty, else fallback. */
const char *xf_cli_env_or(const char *name, const char *fallback);

/* Prints text to standard output (status 0) or standard error; returns status. */
int xf_cli_usage(const char *text, int status);

/* Reads the file at path ("-" or NULL: standard input) into out, whose max caps it.
 * On failure names the problem on standard error, `advice` following the size message
 * (e.g. "; split it"), and returns XF_ERR. */
int xf_cli_read_input(const char *path, xf_buf *out, const char *advice);

#endif
