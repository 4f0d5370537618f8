/* Rules about petitioners that hold wherever their files are handled: the values of
 * employment, matter categories, outcomes and follow-up kinds; masking of ID numbers;
 * who may see a 检举控告 accusation; and reading one line of a pasted list of people
 * (quick entry during an incident). The deadlines of a matter are in core/xf_matter.h.
 * Pure: no SQL, no HTTP. */
#ifndef XF_PERSON_H
#define XF_PERSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/xf_perm.h"

extern const char *const xf_employment_ids[];    /* employed, retired, family, external */
extern const char *const xf_category_ids[];      /* suggestion, accusation, appeal */
extern const char *const xf_outcome_ids[];       /* supported, explained, not_supported */
extern const char *const xf_satisfaction_ids[];  /* satisfied, basically_satisfied, unsatisfied */
extern const char *const xf_followup_kind_ids[]; /* visit, talk, phone, help */
extern const char *const xf_assignment_status_ids[]; /* stable, relapsed, resolved */
extern const char *const xf_person_role_ids[];       /* representative, participant */

const char *xf_category_zh(const char *id);
const char *xf_followup_kind_zh(const char *id);

/* Masks an ID number: the first 4 and last 4 characters stay, the rest become '*';
 * numbers of 8 characters or fewer are masked whole. out has room for len(in)+1. */
void xf_mask_id_number(const char *in, char *out, size_t size);

/* A 包保 official follows a person up every interval_days: the next follow-up is due
 * that many days (of 24 hours) after from_ms. */
int64_t xf_followup_due(int64_t from_ms, int interval_days);
/* The same interval in minutes: the due_minutes of the follow-up's task. */
int xf_followup_minutes(int interval_days);

/* Art. 20: a group visit elects at most 5 representatives. */
#define XF_MAX_REPRESENTATIVES 5

/* 《信访工作条例》 Art. 30 and 46: an accusation (检举控告) must not reach the unit it
 * accuses. Whether a viewer may see a matter of `category` (a xf_category_ids value)
 * that accuses `accused_unit_id` (0: none): a user whose unit is the accused unit or
 * below it may not, except a user holding petition_office, auditor or company whose
 * own unit is not the accused unit itself (the 信访办 under 本矿 handles an accusation
 * against 本矿; 本矿's leaders, in 本矿 itself, do not see it). Matters of other
 * categories are not restricted by this rule. viewer_unit_id is 0 for a user without a
 * unit; viewer_at_or_below_accused says whether the viewer's unit is the accused unit
 * or lies below it in the unit tree. Every path that shows a matter (file, search,
 * lists) asks this. */
bool xf_matter_visible_to(const char *category, int64_t accused_unit_id, int64_t viewer_unit_id,
                          bool viewer_at_or_below_accused, xf_roles viewer_roles);

/* One line of a pasted list: "张三 13800000000 综采一队 代表 退休". Tokens are separated by
 * white space (ASCII or ideographic), commas (, ，), semicolons or tabs. The first token
 * is the name; a token of 7 to 15 digits (a leading + allowed) is the phone; 代表 or
 * 参与 sets the role; 在职, 退休, 家属 or 外部 the employment; any other token is the
 * unit's name. */
typedef struct xf_quick_entry {
	char name[64];
	char phone[32];
	char unit[128];
	bool representative;
	const char *employment; /* an xf_employment_ids value, or NULL when not given */
} xf_quick_entry;

/* The employment a person gets when the list does not say: retired in a unit of
 * retirees (its name says 退休, as 退休支部 or 退休办 do), else employed. */
const char *xf_employment_default(const char *unit_name);

/* Returns true and fills out, or false with *problem set (a static message) when the
 * line cannot be read; a blank line gives false with *problem NULL. */
bool xf_quick_entry_parse(const char *line, xf_quick_entry *out, const char **problem);

#endif
