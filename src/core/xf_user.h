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
	xf_roles roles;
	bool must_change_password;
	bool disabled;
	/* Present when the user came from a session cookie. */
	int64_t session_id;
	char csrf[XF_TOKEN_LEN];
} xf_user;

#endif
