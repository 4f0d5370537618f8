/* Rules of 包保 (each petitioner followed by an official): who still needs an official,
 * and which status of an assignment ends it. The store reads the assignments; these
 * decide. Pure: no SQL, no HTTP. */
#ifndef XF_ASSIGNMENT_H
#define XF_ASSIGNMENT_H

#include <stdbool.h>

/* Whether an assignment set to status ends (stamped ended, no next follow-up due):
 * a resolved petitioner needs no more follow-up. NULL (status kept) does not. */
bool xf_assignment_status_ends(const char *status);

/* Whether a petitioner of an incident still needs a 包保 official, from how many of
 * their assignments are active (not ended) and how many ended resolved: one that has
 * neither does. */
bool xf_person_needs_official(int active_assignments, int resolved_assignments);

#endif
