/* Writing JSON text straight into a buffer, for the answers served most often (lists):
 * no tree of objects is built. The caller writes the structure ({ , : [ ]) with
 * xf_buf_puts; these functions write keys and values, escaped as JSON requires. */
#ifndef XF_JSONW_H
#define XF_JSONW_H

#include <stdint.h>

#include "util/xf_buf.h"

/* "text" with quotes, backslashes and control characters escaped; NULL writes null. */
void xf_jw_string(xf_buf *b, const char *text);
/* "key": */
void xf_jw_key(xf_buf *b, const char *key);
void xf_jw_int(xf_buf *b, int64_t value);
/* An ISO time for ms since the epoch, or null when ms is 0. */
void xf_jw_time(xf_buf *b, int64_t ms);

#endif
