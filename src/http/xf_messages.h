/* Error messages in the user's language.
 *
 * Every message a person may read in an API error is written in the code as an English
 * printf format, and that format is its id, as in gettext: the catalog (xf_messages.c)
 * pairs each English format with a Chinese one holding the same conversions in the same
 * order. xf_reply_error() picks the language from the request's Accept-Language
 * (Chinese unless English is preferred) and formats with xf_message_format().
 *
 * Arguments are put into words too: a field name or path given as a %s argument becomes
 * its label ("pairs[0].official_id" -> "包保责任人（第1行）", in English "official (row
 * 1)"), a status its Chinese name, and an argument that is itself a message of the
 * catalog (a validator's "why", a field error's text) is translated the same way, found
 * by matching it against the catalog's formats. The JSON "field" member of an error stays
 * the machine name; only the message is for people.
 *
 * Error objects built by hand take their message from xf_req_message().
 *
 * To add a message: write the English format in the call, then add one line
 * {"english format", "中文格式"} to the catalog; tests/unit/test_messages.c fails while a
 * format passed to xf_reply_error(), xf_req_message() or xf_field_error_set() has no
 * entry, or when an entry's two formats differ in their conversions. */
#ifndef XF_MESSAGES_H
#define XF_MESSAGES_H

#include <stdarg.h>
#include <stddef.h>

typedef enum xf_lang { XF_LANG_ZH, XF_LANG_EN } xf_lang;

typedef struct xf_message {
	const char *en; /* the id: the English format as written in the code */
	const char *zh;
} xf_message;

typedef struct xf_label {
	const char
	    *field; /* a field name, or a path with [] for each index: "pairs[].official_id" */
	const char *zh;
	const char *en; /* NULL: the field name itself */
} xf_label;

extern const xf_message xf_messages[];
extern const size_t xf_messages_count;
extern const xf_label xf_labels[];
extern const size_t xf_labels_count;

/* The language an Accept-Language header asks for: English when some "en" range has a
 * higher q-value than every "zh" range (ties go to the one listed first); Chinese
 * otherwise, also when the header is absent or names neither. */
xf_lang xf_lang_from_header(const char *accept_language);

/* The catalog entry of an English format, or NULL. */
const xf_message *xf_message_find(const char *en_format);

/* Formats fmt (an English format of the catalog) in lang into out (always terminated,
 * cut at a character boundary). A format missing from the catalog is formatted in
 * English with its arguments still put into words. */
void xf_message_vformat(char *out, size_t size, xf_lang lang, const char *fmt, va_list ap);
void xf_message_format(char *out, size_t size, xf_lang lang, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A finished English text (a field error's message) in lang, found by matching the
 * catalog's formats; the text itself when nothing matches. */
void xf_message_translate(char *out, size_t size, xf_lang lang, const char *text);

/* The conversions of a format, in order, as one string ("%s%lld"); for the catalog's
 * tests. */
void xf_message_conversions(const char *fmt, char *out, size_t size);

#endif
