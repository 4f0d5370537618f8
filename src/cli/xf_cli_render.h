/* `xinfang render [--pdf FILE] [--docx FILE] [JSON_FILE]`: turns a document in its
 * JSON form (doc/xf_document.h) into PDF and DOCX files, to try the document engine
 * without a database. */
#ifndef XF_CLI_RENDER_H
#define XF_CLI_RENDER_H

/* argv[0] is "render"; returns the exit status: 0 written, 1 when the document is
 * invalid or a file cannot be written, 2 on a usage error. */
int xf_cli_render(int argc, char **argv);

#endif
