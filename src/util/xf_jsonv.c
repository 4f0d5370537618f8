/* Small jansson values for serialisers: see xf_jsonv.h. */
#include "util/xf_jsonv.h"

#include "util/xf_util.h"

json_t *xf_jsonv_time(int64_t ms)
{
	if (!ms)
		return json_null();
	char text[XF_TIME_LEN];
	xf_time_format(ms, text);
	return json_string(text);
}

json_t *xf_jsonv_text(const char *text)
{
	return text ? json_string(text) : json_null();
}

json_t *xf_jsonv_parse(const char *text)
{
	json_t *v = text ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	return v ? v : json_null();
}
