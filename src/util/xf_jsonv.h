/* Small jansson values that serialisers of rows share: a time as ISO text, a string
 * and JSON text kept in a column, each null when there is none. */
#ifndef XF_JSONV_H
#define XF_JSONV_H

#include <jansson.h>
#include <stdint.h>

/* ms as "2026-11-28T23:10:29.123Z"; null for 0. */
json_t *xf_jsonv_time(int64_t ms);
/* text as a string; null for NULL. */
json_t *xf_jsonv_text(const char *text);
/* JSON text (any value) as a value; null for NULL or text that does not parse. */
json_t *xf_jsonv_parse(const char *text);

#endif
