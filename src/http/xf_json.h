/* Request bodies as JSON: parsing with a message a person can act on, and typed field
 * readers that name the field at fault.
 *
 * Readers return XF_OK when the field is present and valid, XF_NOTFOUND when it is
 * absent and not required, and XF_ERR with `err` filled otherwise. */
#ifndef XF_JSON_H
#define XF_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/xf_util.h"

typedef struct xf_field_error {
	char code[24];  /* "malformed_json" or "invalid_field" */
	char field[64]; /* empty when the whole body is at fault */
	char message[200];
} xf_field_error;

/* Parses a body that must be one JSON object. On error returns NULL and fills err. */
json_t *xf_json_parse_object(const char *text, size_t len, xf_field_error *err);

/* Refuses keys not in `allowed` (NULL-terminated). */
int xf_json_only(json_t *obj, const char *const *allowed, xf_field_error *err);

/* A string of min_chars..max_chars code points, trimmed of surrounding white space. */
int xf_json_string(json_t *obj, const char *key, bool required, size_t min_chars, size_t max_chars,
                   const char **out, xf_field_error *err);
int xf_json_int(json_t *obj, const char *key, bool required, int64_t min, int64_t max, int64_t *out,
                xf_field_error *err);
/* An id (>= 1) or null; null is reported as *out = 0. */
int xf_json_id_or_null(json_t *obj, const char *key, bool required, int64_t *out,
                       xf_field_error *err);
int xf_json_bool(json_t *obj, const char *key, bool required, bool *out, xf_field_error *err);
/* A string that is one of `choices` (NULL-terminated). */
int xf_json_choice(json_t *obj, const char *key, bool required, const char *const *choices,
                   const char **out, xf_field_error *err);
/* An array of strings, each one of `choices` (NULL-terminated); *out is a bit mask of
 * the chosen indexes. Duplicates are refused. */
int xf_json_choice_set(json_t *obj, const char *key, bool required, const char *const *choices,
                       uint32_t *out, xf_field_error *err);

void xf_field_error_set(xf_field_error *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
