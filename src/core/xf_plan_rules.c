/* The rules a plan drives: does the plan apply to these facts, at what grade, under
 * which procedure, and why, in words the petition office reads. */
#include <stdio.h>
#include <string.h>

#include "core/xf_plan.h"

/* Describes the destinations of a mask with the plan's names: "集团公司、市、省". */
static void destination_list(const xf_plan *plan, uint32_t mask, char *out, size_t size)
{
	size_t used = 0;
	out[0] = '\0';
	for (int d = 0; d < XF_DEST_COUNT && used < size; d++)
		if (mask & (1u << d))
			used += (size_t)snprintf(out + used, size - used, "%s%s", used ? "、" : "",
			                         plan->destination_names[d]);
}

/* Whether the condition holds; if so, writes why into why. */
static bool condition_holds(const xf_plan *plan, const xf_plan_condition *c, const xf_plan_facts *f,
                            char *why, size_t size)
{
	if (c->min_headcount > 0 && f->headcount < c->min_headcount)
		return false;
	if (c->destinations && !(c->destinations & (1u << f->destination)))
		return false;
	char places[160];
	destination_list(plan, c->destinations, places, sizeof places);
	if (c->min_headcount > 0 && c->destinations)
		snprintf(why, size, "人数 %d ≥ %d，去向%s（属于%s）", f->headcount,
		         c->min_headcount, plan->destination_names[f->destination], places);
	else if (c->min_headcount > 0)
		snprintf(why, size, "人数 %d ≥ %d", f->headcount, c->min_headcount);
	else
		snprintf(why, size, "去向%s（属于%s）", plan->destination_names[f->destination],
		         places);
	return true;
}

/* Whether any condition of the rule holds; the first that holds explains it. A rule
 * without conditions always fires. */
static bool rule_fires(const xf_plan *plan, const xf_plan_rule *r, const xf_plan_facts *f,
                       char *why, size_t size)
{
	if (r->n_conditions == 0) {
		snprintf(why, size, "未达到更高等级的条件");
		return true;
	}
	for (size_t i = 0; i < r->n_conditions; i++)
		if (condition_holds(plan, &r->conditions[i], f, why, size))
			return true;
	return false;
}

static void add_reason(xf_plan_decision *d, const char *fmt, const char *a, const char *b,
                       const char *c)
{
	if (d->n_reasons == XF_PLAN_MAX_REASONS)
		return;
	snprintf(d->reasons[d->n_reasons++], sizeof d->reasons[0], fmt, a, b, c);
}

void xf_plan_decide(const xf_plan *plan, const xf_plan_facts *facts, xf_plan_decision *out)
{
	char why[200];
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < plan->n_scope; i++)
		if (rule_fires(plan, &plan->scope[i], facts, why, sizeof why)) {
			out->in_scope = true;
			add_reason(out, "适用范围「%s」：%s%s", plan->scope[i].text, why, "");
		}
	if (!out->in_scope) {
		char rules[200] = "";
		size_t used = 0;
		for (size_t i = 0; i < plan->n_scope && used < sizeof rules; i++)
			used += (size_t)snprintf(rules + used, sizeof rules - used, "%s「%s」",
			                         i ? "、" : "", plan->scope[i].text);
		char facts_text[120];
		snprintf(facts_text, sizeof facts_text, "人数 %d，去向%s", facts->headcount,
		         plan->destination_names[facts->destination]);
		add_reason(out, "不启动：%s，不属于预案适用范围%s%s", facts_text, rules, "");
	}
	/* Grade and procedure are decided out of scope too: an override that brings the
	 * incident into scope starts from them. Only in scope are they reasons. */
	for (size_t i = 0; i < plan->n_grades; i++) {
		const xf_plan_grade *g = &plan->grades[i];
		if (rule_fires(plan, &g->rule, facts, why, sizeof why)) {
			out->grade = g;
			if (out->in_scope)
				add_reason(out, "等级%s：%s%s", g->name, why,
				           g->is_default ? "（默认分级，可在预案中修改）" : "");
			break;
		}
	}
	for (size_t i = 0; i < plan->n_procedures; i++)
		if (plan->procedures[i].advance_info == facts->advance_info) {
			out->procedure = &plan->procedures[i];
			if (out->in_scope)
				add_reason(out, "处置程序%s「%s」：%s", out->procedure->id,
				           out->procedure->name,
				           facts->advance_info ? "已提前掌握信息" : "未掌握信息源");
			break;
		}
}
