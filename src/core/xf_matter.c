/* Statutory clocks of a matter: see xf_matter.h. */
#include "core/xf_matter.h"

#include <stddef.h>

bool xf_matter_acceptance_due(const xf_matter_clock *c, int64_t *due_ms)
{
	if (c->accepted)
		return false;
	*due_ms = c->received_ms + XF_ACCEPTANCE_DAYS * XF_DAY_MS;
	return true;
}

bool xf_matter_conclusion_due(const xf_matter_clock *c, int64_t *due_ms)
{
	if (!c->accepted || c->concluded)
		return false;
	*due_ms = c->accepted_ms + XF_CONCLUSION_DAYS * XF_DAY_MS;
	return true;
}

xf_due_kind xf_matter_next_due(const xf_matter_clock *c, int64_t *due_ms)
{
	*due_ms = 0;
	/* A matter concluded without a recorded acceptance runs no clock either. */
	if (c->concluded)
		return XF_DUE_NONE;
	if (xf_matter_acceptance_due(c, due_ms))
		return XF_DUE_ACCEPTANCE;
	if (xf_matter_conclusion_due(c, due_ms))
		return XF_DUE_CONCLUSION;
	return XF_DUE_NONE;
}

const char *xf_due_kind_id(xf_due_kind kind)
{
	switch (kind) {
	case XF_DUE_ACCEPTANCE:
		return "acceptance";
	case XF_DUE_CONCLUSION:
		return "conclusion";
	case XF_DUE_NONE:
		break;
	}
	return NULL;
}

bool xf_matter_overdue(int64_t due_ms, int64_t now_ms)
{
	return due_ms < now_ms;
}

int64_t xf_matter_due_until(int64_t now_ms, bool soon, int within_days)
{
	return soon ? now_ms + within_days * XF_DAY_MS : now_ms - 1;
}
