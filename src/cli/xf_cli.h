/* The `xinfang` command line: configuration from flags and XINFANG_* variables, and
 * the subcommands serve, init, user, unit, backup, check and version. */
#ifndef XF_CLI_H
#define XF_CLI_H

int xf_cli_main(int argc, char **argv);

#endif
