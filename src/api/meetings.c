/* Placeholder: the meetings resource has no routes yet. */
#include "api/xf_api.h"

const xf_route_list xf_routes_meetings = {NULL, 0};
