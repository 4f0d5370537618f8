/* Who sees which incidents: see xf_scope.h. */
#include "core/xf_scope.h"

xf_scope xf_scope_of(const xf_user *user)
{
	xf_roles roles = user->roles;
	return (xf_scope){
	    .all = xf_perm_sees_all_incidents(roles),
	    .unit_id = roles & (1u << XF_ROLE_UNIT_HEAD) ? user->unit_id : 0,
	    .user_id = roles & (1u << XF_ROLE_OFFICIAL | 1u << XF_ROLE_UNIT_HEAD) ? user->id : 0,
	};
}
