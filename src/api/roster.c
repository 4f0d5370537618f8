/* Placeholder: the roster resource has no routes yet. */
#include "api/xf_api.h"

const xf_route_list xf_routes_roster = {NULL, 0};
