/* `xinfang import units|staff FILE [--dry-run] [--db FILE]`: the CSV import of units
 * and of the staff roster from the command line (docs/roster.md). */
#ifndef XF_CLI_IMPORT_H
#define XF_CLI_IMPORT_H

/* argv[0] is "import"; returns the exit status: 0 imported (or a clean dry run), 1 when
 * the file has problems or cannot be read or stored, 2 on a usage error. */
int xf_cli_import(int argc, char **argv);

#endif
