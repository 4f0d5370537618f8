/* Rules of 包保: see xf_assignment.h. */
#include "core/xf_assignment.h"

#include <string.h>

bool xf_assignment_status_ends(const char *status)
{
	return status && strcmp(status, "resolved") == 0;
}

bool xf_person_needs_official(int active_assignments, int resolved_assignments)
{
	return active_assignments == 0 && resolved_assignments == 0;
}
