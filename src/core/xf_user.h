/* The signed-in user as the rest of the program sees it during a request. */
#ifndef XF_USER_H
#define XF_USER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/xf_password.h"
#include "core/xf_perm.h"

typedef struct xf_user {
	int64_t id;
	char username[64];
	char name[128];
	int64_t unit_id;
	/* The mine of the user's unit: the nearest unit of kind 'mine' at or above it (0
	 * when none, as for the group's own units), and whether a group is above that mine
	 * (a deployment of many mines; a one-mine database has none). */
	int64_t mine_id;
	bool mine_in_group;
	xf_roles roles;
	bool must_change_password;
	bool disabled;
	/* Present when the user came from a session cookie. */
	int64_t session_id;
	char csrf[XF_TOKEN_LEN];
} xf_user;

#endif
