/* Petitioner rules: see xf_person.h. */
#include "core/xf_person.h"

#include <stdio.h>
#include <string.h>

#include "util/xf_util.h"

const char *const xf_employment_ids[] = {"employed", "retired", "family", "external", NULL};
const char *const xf_category_ids[] = {"suggestion", "accusation", "appeal", NULL};
const char *const xf_outcome_ids[] = {"supported", "explained", "not_supported", NULL};
const char *const xf_satisfaction_ids[] = {"satisfied", "basically_satisfied", "unsatisfied", NULL};
const char *const xf_followup_kind_ids[] = {"visit", "talk", "phone", "help", NULL};
const char *const xf_assignment_status_ids[] = {"stable", "relapsed", "resolved", NULL};
const char *const xf_person_role_ids[] = {"representative", "participant", NULL};

static const char *zh_of(const char *const *ids, const char *const *zh, const char *id)
{
	for (int i = 0; id && ids[i]; i++)
		if (strcmp(ids[i], id) == 0)
			return zh[i];
	return id ? id : "";
}

bool xf_matter_visible_to(const char *category, int64_t accused_unit_id, int64_t viewer_unit_id,
                          bool viewer_at_or_below_accused, xf_roles viewer_roles)
{
	if (!category || strcmp(category, "accusation") != 0 || accused_unit_id <= 0)
		return true;
	bool in_accused_unit = viewer_unit_id > 0 && viewer_unit_id == accused_unit_id;
	if (!in_accused_unit && !viewer_at_or_below_accused)
		return true;
	if (in_accused_unit)
		return false;
	/* Below the accused unit: only those who handle or oversee petitions. */
	const xf_roles handlers =
	    (1u << XF_ROLE_PETITION_OFFICE) | (1u << XF_ROLE_AUDITOR) | (1u << XF_ROLE_COMPANY);
	return (viewer_roles & handlers) != 0;
}

int64_t xf_followup_due(int64_t from_ms, int interval_days)
{
	return from_ms + interval_days * XF_DAY_MS;
}

int xf_followup_minutes(int interval_days)
{
	return (int)(interval_days * XF_DAY_MS / XF_MINUTE_MS);
}

const char *xf_category_zh(const char *id)
{
	static const char *const zh[] = {"建议意见", "检举控告", "申诉求决"};
	return zh_of(xf_category_ids, zh, id);
}

const char *xf_followup_kind_zh(const char *id)
{
	static const char *const zh[] = {"走访", "谈话", "电话", "帮扶"};
	return zh_of(xf_followup_kind_ids, zh, id);
}

void xf_mask_id_number(const char *in, char *out, size_t size)
{
	size_t n = strlen(in);
	if (size == 0)
		return;
	if (n + 1 > size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		out[i] = n > 8 && (i < 4 || i >= n - 4) ? in[i] : '*';
	out[n] = '\0';
}

/* Length of the separator at s (0 when none): ASCII blanks, tabs, commas and
 * semicolons, the ideographic space and the fullwidth comma and semicolon. */
static size_t separator(const char *s)
{
	if (*s == ' ' || *s == '\t' || *s == ',' || *s == ';' || *s == '\r' || *s == '\n')
		return 1;
	static const char *const wide[] = {"\xe3\x80\x80", "\xef\xbc\x8c", "\xef\xbc\x9b",
	                                   "\xe3\x80\x81"}; /* 　 ， ； 、 */
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (strncmp(s, wide[i], 3) == 0)
			return 3;
	return 0;
}

static bool is_phone(const char *t, size_t n)
{
	size_t digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i] >= '0' && t[i] <= '9')
			digits++;
		else if (!(i == 0 && t[i] == '+') && t[i] != '-')
			return false;
	}
	return digits >= 7 && digits <= 15;
}

static void copy_token(char *out, size_t size, const char *t, size_t n)
{
	if (n >= size)
		n = size - 1;
	/* Never cut a UTF-8 sequence in half. */
	while (n > 0 && ((unsigned char)t[n] & 0xC0) == 0x80)
		n--;
	memcpy(out, t, n);
	out[n] = '\0';
}

/* The employment id a two-character word of a pasted list names, or NULL. */
static const char *employment_word(const char *t)
{
	static const struct {
		const char *word, *id;
	} words[] = {
	    {"在职", "employed"}, {"退休", "retired"}, {"家属", "family"}, {"外部", "external"}};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strncmp(t, words[i].word, 6) == 0)
			return words[i].id;
	return NULL;
}

const char *xf_employment_default(const char *unit_name)
{
	return unit_name && strstr(unit_name, "退休") ? "retired" : "employed";
}

bool xf_quick_entry_parse(const char *line, xf_quick_entry *out, const char **problem)
{
	memset(out, 0, sizeof *out);
	*problem = NULL;
	int tokens = 0;
	const char *s = line;
	while (*s) {
		size_t skip = separator(s);
		if (skip) {
			s += skip;
			continue;
		}
		const char *t = s;
		while (*s && !separator(s))
			s++;
		size_t n = (size_t)(s - t);
		if (tokens++ == 0) {
			if (n >= sizeof out->name) {
				*problem = "the name is too long";
				return false;
			}
			copy_token(out->name, sizeof out->name, t, n);
		} else if (is_phone(t, n)) {
			if (out->phone[0]) {
				*problem = "two phone numbers on one line";
				return false;
			}
			copy_token(out->phone, sizeof out->phone, t, n);
		} else if ((n == 6 && strncmp(t, "代表", 6) == 0)) {
			out->representative = true;
		} else if ((n == 6 && strncmp(t, "参与", 6) == 0)) {
			out->representative = false;
		} else if (n == 6 && employment_word(t)) {
			if (out->employment) {
				*problem =
				    "two employment words on one line (在职, 退休, 家属, 外部)";
				return false;
			}
			out->employment = employment_word(t);
		} else {
			if (out->unit[0]) {
				*problem = "more than one unit on one line";
				return false;
			}
			if (n >= sizeof out->unit) {
				*problem = "the unit name is too long";
				return false;
			}
			copy_token(out->unit, sizeof out->unit, t, n);
		}
	}
	if (tokens == 0)
		return false;
	if (is_phone(out->name, strlen(out->name))) {
		*problem = "the line must start with the name";
		return false;
	}
	return true;
}
