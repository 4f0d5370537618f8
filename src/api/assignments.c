/* Placeholder: the assignments resource has no routes yet. */
#include "api/xf_api.h"

const xf_route_list xf_routes_assignments = {NULL, 0};
