/* Who sees which incidents: the rule, decided here from the user's roles. The store
 * only turns a decided scope into its query (the incident's units, tasks and
 * petitioners); api/ asks xf_scope_of() for the signed-in user. */
#ifndef XF_SCOPE_H
#define XF_SCOPE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/xf_user.h"

/* The parts of a scope; an incident is visible when any part admits it (0 disables
 * a part):
 *   all      every incident;
 *   mine_id  every incident of this mine (a user of one mine among many whose roles
 *            would see everything: "all" means all of the user's mine);
 *   unit_id  the incidents involving a unit of this unit's subtree;
 *   user_id  the incidents with a task assigned to this user, and those of the
 *            petitioners whose unit this user heads. */
typedef struct xf_scope {
	bool all;
	int64_t mine_id;
	int64_t unit_id;
	int64_t user_id;
} xf_scope;

/* The scope of a user: the roles that see everything see all (in a deployment of many
 * mines: all of the user's mine, except the company role, the group's 信访办, which
 * sees every mine; a user of the group's own units keeps all); a unit head sees the
 * incidents of the unit's subtree; officials and unit heads see what they are
 * assigned (a unit head owns steps for the petitioners' units) and the incidents of
 * the petitioners of the unit they head. Anyone else sees nothing. */
xf_scope xf_scope_of(const xf_user *user);

#endif
