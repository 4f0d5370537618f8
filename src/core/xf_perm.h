/* Roles and permissions: which role may do what. Deny by default.
 *
 * A user holds a set of roles (a bit mask). Every route of the API names the one
 * permission it needs, and the HTTP dispatcher asks xf_perm_allows() before the
 * handler runs; a permission not listed for any of the user's roles is refused. */
#ifndef XF_PERM_H
#define XF_PERM_H

#include <stdbool.h>
#include <stdint.h>

typedef enum xf_role {
	XF_ROLE_PETITION_OFFICE, /* 信访办 */
	XF_ROLE_LEADER,          /* 领导小组 */
	XF_ROLE_UNIT_HEAD,       /* 单位负责人 */
	XF_ROLE_DISPATCH,        /* 保卫科 / 矿长办公室 */
	XF_ROLE_OFFICIAL,        /* 包保责任人 */
	XF_ROLE_COMPANY,         /* 公司信访办 */
	XF_ROLE_AUDITOR,         /* 审计 */
	XF_ROLE_ADMIN,           /* 管理员 */
	XF_ROLE_COUNT
} xf_role;

typedef uint32_t xf_roles; /* bit (1u << role) per role held */

typedef enum xf_perm {
	XF_PERM_PUBLIC,            /* no session needed */
	XF_PERM_SIGNED_IN,         /* any signed-in user */
	XF_PERM_AUDIT_READ,        /* read the audit chain */
	XF_PERM_UNIT_WRITE,        /* create and change units */
	XF_PERM_USER_READ,         /* list and read accounts */
	XF_PERM_USER_WRITE,        /* create, change, disable accounts; reset passwords */
	XF_PERM_INCIDENT_READ,     /* see incidents (within the user's scope) */
	XF_PERM_INCIDENT_REGISTER, /* register an incident */
	XF_PERM_INCIDENT_MANAGE,   /* activate, transition, override, add tasks, dispatch */
	XF_PERM_TASK_ACT,          /* claim, start, complete, skip, assign tasks; notes */
	XF_PERM_DISPATCH_UPDATE,   /* report ETA, arrival, release of dispatched resources */
	XF_PERM_PERSON_READ,       /* petitioner files (within scope), masked */
	XF_PERM_PERSON_WRITE,      /* create and change petitioner files and matters */
	XF_PERM_PERSON_REVEAL,     /* see ID numbers and health data, on request, audited */
	XF_PERM_ASSIGNMENT_WRITE,  /* assign responsible officials (包保) */
	XF_PERM_FOLLOWUP_WRITE,    /* record 包保 progress (officials on their own petitioners) */
	XF_PERM_MEETING_WRITE,     /* hold and minute meetings; decisions become tasks */
	XF_PERM_VENUE_WRITE,       /* manage reply venues and book them */
	XF_PERM_ROSTER_READ,       /* rosters, duty roster, contacts */
	XF_PERM_ROSTER_WRITE,      /* edit rosters and contacts; import staff and units */
	XF_PERM_DIRECTORY_READ,    /* find people by name to assign or schedule them */
	XF_PERM_COUNT
} xf_perm;

/* The API identifier ("petition_office"), Chinese and English names of a role. */
const char *xf_role_id(xf_role role);
const char *xf_role_zh(xf_role role);
const char *xf_role_en(xf_role role);
/* The identifiers of all roles in xf_role order, NULL-terminated. */
extern const char *const xf_role_ids[];
/* Parses an identifier; returns -1 when it names no role. */
int xf_role_parse(const char *id);

const char *xf_perm_name(xf_perm perm);
/* True when a user holding `roles` may do `perm`. XF_PERM_PUBLIC is always allowed;
 * XF_PERM_SIGNED_IN needs the caller to have established a session. */
bool xf_perm_allows(xf_roles roles, xf_perm perm);
/* True when the roles see every incident, not only their unit's or their tasks'. */
bool xf_perm_sees_all_incidents(xf_roles roles);

#endif
