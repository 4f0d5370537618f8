/* Placeholder until the meetings tables exist: migration kept empty. */
#include "store/xf_migrations.h"

const char xf_migration_meetings[] = "SELECT 1;";
