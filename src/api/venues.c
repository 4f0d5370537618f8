/* Placeholder: the venues resource has no routes yet. */
#include "api/xf_api.h"

const xf_route_list xf_routes_venues = {NULL, 0};
