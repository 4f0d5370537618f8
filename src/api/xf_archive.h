/* The sealed archive of an incident (src/api/archive.c): its download as a ZIP and its
 * seal. Archiving itself seals (incident_transitions.c, store/xf_store_seal.h). */
#ifndef XF_ARCHIVE_H
#define XF_ARCHIVE_H

#include "api/xf_api.h"

extern const xf_route_list xf_routes_archive;

#endif
