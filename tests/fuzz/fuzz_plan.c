/* libFuzzer harness for the plan loader (core/xf_plan.h): any bytes go through
 * xf_plan_load and the result is freed, so ASan/UBSan/LeakSanitizer watch the whole
 * validation walk, including the half-built plans freed on error. It also checks what
 * the loader promises: a plan comes with no errors and a 64-digit hash and its ids look
 * up to themselves; a refusal comes with at least one "PATH: problem" that is valid
 * UTF-8 (error texts end up in JSON answers). Seeds: tests/fuzz/seeds/fuzz_plan/. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/xf_plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xf_plan_errors errors;
	xf_plan *plan = xf_plan_load((const char *)data, size, &errors);
	if (plan) {
		if (errors.n != 0 || errors.dropped != 0 || strlen(plan->hash) != 64)
			abort();
		for (size_t i = 0; i < plan->n_grades; i++)
			if (xf_plan_grade_by_id(plan, plan->grades[i].id) != &plan->grades[i])
				abort();
		for (size_t i = 0; i < plan->n_procedures; i++)
			if (xf_plan_procedure_by_id(plan, plan->procedures[i].id) !=
			    &plan->procedures[i])
				abort();
		if (plan->n_grades == 0 || plan->grades[plan->n_grades - 1].rule.n_conditions != 0)
			abort();
		xf_plan_free(plan);
		return 0;
	}
	if (errors.n == 0)
		abort();
	for (size_t i = 0; i < errors.n; i++) {
		json_t *s = json_string(errors.items[i]); /* NULL unless valid UTF-8 */
		if (!s || !strstr(errors.items[i], ": "))
			abort();
		json_decref(s);
	}
	return 0;
}
