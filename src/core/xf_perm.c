/* The role table and the permission matrix. Adding a permission means adding one row
 * to `grants`; anything missing from it is denied. */
#include "core/xf_perm.h"

#include <string.h>

static const struct {
	const char *zh, *en;
} roles[XF_ROLE_COUNT] = {
    [XF_ROLE_PETITION_OFFICE] = {"信访办", "petition office"},
    [XF_ROLE_LEADER] = {"领导小组", "leadership group"},
    [XF_ROLE_UNIT_HEAD] = {"单位负责人", "unit head"},
    [XF_ROLE_DISPATCH] = {"保卫科/矿长办公室", "security and director's office"},
    [XF_ROLE_OFFICIAL] = {"包保责任人", "responsible official"},
    [XF_ROLE_COMPANY] = {"公司信访办", "company petition office"},
    [XF_ROLE_AUDITOR] = {"审计", "auditor"},
    [XF_ROLE_ADMIN] = {"管理员", "administrator"},
};

const char *const xf_role_ids[XF_ROLE_COUNT + 1] = {
    "petition_office", "leader",  "unit_head", "dispatch", "official",
    "company",         "auditor", "admin",     NULL,
};

#define R(role) (1u << (role))

static const struct {
	const char *name;
	xf_roles roles;
} grants[XF_PERM_COUNT] = {
    [XF_PERM_PUBLIC] = {"public", 0},
    [XF_PERM_SIGNED_IN] = {"signed_in", 0},
    [XF_PERM_AUDIT_READ] = {"audit.read", R(XF_ROLE_AUDITOR) | R(XF_ROLE_ADMIN)},
    [XF_PERM_UNIT_WRITE] = {"unit.write", R(XF_ROLE_ADMIN)},
    [XF_PERM_USER_READ] = {"user.read", R(XF_ROLE_AUDITOR) | R(XF_ROLE_ADMIN)},
    [XF_PERM_USER_WRITE] = {"user.write", R(XF_ROLE_ADMIN)},
    [XF_PERM_INCIDENT_READ] = {"incident.read", R(XF_ROLE_PETITION_OFFICE) | R(XF_ROLE_LEADER) |
                                                    R(XF_ROLE_UNIT_HEAD) | R(XF_ROLE_DISPATCH) |
                                                    R(XF_ROLE_OFFICIAL) | R(XF_ROLE_COMPANY) |
                                                    R(XF_ROLE_AUDITOR)},
    [XF_PERM_INCIDENT_REGISTER] = {"incident.register",
                                   R(XF_ROLE_PETITION_OFFICE) | R(XF_ROLE_LEADER)},
    [XF_PERM_INCIDENT_MANAGE] = {"incident.manage", R(XF_ROLE_PETITION_OFFICE) | R(XF_ROLE_LEADER)},
    [XF_PERM_TASK_ACT] = {"task.act", R(XF_ROLE_PETITION_OFFICE) | R(XF_ROLE_LEADER) |
                                          R(XF_ROLE_UNIT_HEAD) | R(XF_ROLE_DISPATCH) |
                                          R(XF_ROLE_OFFICIAL)},
    [XF_PERM_DISPATCH_UPDATE] = {"dispatch.update", R(XF_ROLE_DISPATCH) |
                                                        R(XF_ROLE_PETITION_OFFICE) |
                                                        R(XF_ROLE_LEADER)},
    [XF_PERM_PERSON_READ] = {"person.read", R(XF_ROLE_PETITION_OFFICE) | R(XF_ROLE_LEADER) |
                                                R(XF_ROLE_UNIT_HEAD) | R(XF_ROLE_OFFICIAL) |
                                                R(XF_ROLE_AUDITOR)},
    [XF_PERM_PERSON_WRITE] = {"person.write", R(XF_ROLE_PETITION_OFFICE)},
    [XF_PERM_PERSON_REVEAL] = {"person.reveal", R(XF_ROLE_PETITION_OFFICE)},
    [XF_PERM_ASSIGNMENT_WRITE] = {"assignment.write", R(XF_ROLE_PETITION_OFFICE) |
                                                          R(XF_ROLE_LEADER) | R(XF_ROLE_UNIT_HEAD)},
    [XF_PERM_FOLLOWUP_WRITE] = {"followup.write", R(XF_ROLE_PETITION_OFFICE) |
                                                      R(XF_ROLE_UNIT_HEAD) | R(XF_ROLE_OFFICIAL)},
    [XF_PERM_MEETING_WRITE] = {"meeting.write", R(XF_ROLE_PETITION_OFFICE) | R(XF_ROLE_LEADER)},
    [XF_PERM_VENUE_WRITE] = {"venue.write", R(XF_ROLE_PETITION_OFFICE) | R(XF_ROLE_ADMIN)},
    [XF_PERM_ROSTER_READ] = {"roster.read", R(XF_ROLE_PETITION_OFFICE) | R(XF_ROLE_LEADER) |
                                                R(XF_ROLE_UNIT_HEAD) | R(XF_ROLE_DISPATCH) |
                                                R(XF_ROLE_OFFICIAL) | R(XF_ROLE_AUDITOR) |
                                                R(XF_ROLE_ADMIN)},
    [XF_PERM_ROSTER_WRITE] = {"roster.write", R(XF_ROLE_PETITION_OFFICE) | R(XF_ROLE_ADMIN)},
    /* Whoever assigns tasks or 包保, schedules meetings or links rosters. */
    [XF_PERM_DIRECTORY_READ] = {"directory.read", R(XF_ROLE_PETITION_OFFICE) | R(XF_ROLE_LEADER) |
                                                      R(XF_ROLE_UNIT_HEAD) | R(XF_ROLE_DISPATCH) |
                                                      R(XF_ROLE_OFFICIAL) | R(XF_ROLE_ADMIN)},
};

bool xf_perm_sees_all_incidents(xf_roles held)
{
	return (held & (R(XF_ROLE_PETITION_OFFICE) | R(XF_ROLE_LEADER) | R(XF_ROLE_DISPATCH) |
	                R(XF_ROLE_COMPANY) | R(XF_ROLE_AUDITOR))) != 0;
}

const char *xf_role_id(xf_role role)
{
	return role < XF_ROLE_COUNT ? xf_role_ids[role] : "?";
}

const char *xf_role_zh(xf_role role)
{
	return role < XF_ROLE_COUNT ? roles[role].zh : "?";
}

const char *xf_role_en(xf_role role)
{
	return role < XF_ROLE_COUNT ? roles[role].en : "?";
}

int xf_role_parse(const char *id)
{
	for (int r = 0; r < XF_ROLE_COUNT; r++)
		if (strcmp(xf_role_ids[r], id) == 0)
			return r;
	return -1;
}

const char *xf_perm_name(xf_perm perm)
{
	return perm < XF_PERM_COUNT ? grants[perm].name : "?";
}

bool xf_perm_allows(xf_roles held, xf_perm perm)
{
	if (perm >= XF_PERM_COUNT)
		return false;
	if (perm == XF_PERM_PUBLIC || perm == XF_PERM_SIGNED_IN)
		return true;
	return (held & grants[perm].roles) != 0;
}
