/* Placeholder until the roster tables exist: migration kept empty. */
#include "store/xf_migrations.h"

const char xf_migration_roster[] = "SELECT 1;";
