/* Placeholder until the people tables exist: migration kept empty. */
#include "store/xf_migrations.h"

const char xf_migration_people[] = "SELECT 1;";
