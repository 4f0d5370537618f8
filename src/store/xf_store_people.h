/* Petitioner files (信访人档案): persons, family members, matters (诉求), links to
 * incidents, and the 包保 assignments with their progress entries. Also who may see
 * what: a person is visible within the viewer's scope, and a 检举控告 matter is never
 * visible to users of the unit it accuses. */
#ifndef XF_STORE_PEOPLE_H
#define XF_STORE_PEOPLE_H

#include "store/xf_store.h"

/* Who is looking: the incident scope of their roles, plus their own unit for the
 * confidentiality of accusations. */
typedef struct xf_viewer {
	xf_scope scope;
	int64_t user_id;
	int64_t unit_id;
} xf_viewer;

/* XF_OK when the viewer may see the person, XF_NOTFOUND otherwise. */
int xf_store_person_visible(xf_db *db, const xf_viewer *viewer, int64_t person_id);
/* XF_OK when the viewer may see the matter (the person is visible and, for 检举控告,
 * the viewer's unit is not the accused unit or below it), XF_NOTFOUND otherwise. */
int xf_store_matter_visible(xf_db *db, const xf_viewer *viewer, int64_t matter_id);

#endif
