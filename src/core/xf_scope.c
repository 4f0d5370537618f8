/* Who sees which incidents: see xf_scope.h. */
#include "core/xf_scope.h"

xf_scope xf_scope_of(const xf_user *user)
{
	xf_roles roles = user->roles;
	bool sees_all = xf_perm_sees_all_incidents(roles);
	int64_t mine = user->mine_in_group && !(roles & 1u << XF_ROLE_COMPANY) ? user->mine_id : 0;
	return (xf_scope){
	    .all = sees_all && !mine,
	    .mine_id = sees_all ? mine : 0,
	    .unit_id = roles & (1u << XF_ROLE_UNIT_HEAD) ? user->unit_id : 0,
	    .user_id = roles & (1u << XF_ROLE_OFFICIAL | 1u << XF_ROLE_UNIT_HEAD) ? user->id : 0,
	};
}
