/* `xinfang retention [--apply] [--as-of TIME] [--db FILE] [--data-dir DIR] [--plan FILE]`:
 * the records past the retention the plan gives their kind (docs/audit.md, "Retention"). */
#ifndef XF_CLI_RETENTION_H
#define XF_CLI_RETENTION_H

/* argv[0] is "retention"; returns the exit status: 0 listed (or applied), 1 when the
 * plan or the store fails, 2 on a usage error. */
int xf_cli_retention(int argc, char **argv);

#endif
