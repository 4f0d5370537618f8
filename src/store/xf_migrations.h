/* The compiled-in schema migrations (see xf_migrations.c). */
#ifndef XF_MIGRATIONS_H
#define XF_MIGRATIONS_H

extern const char *const xf_migrations[];
/* Migrations 3 and on, each defined beside the code that owns its tables. */
extern const char xf_migration_people[], xf_migration_roster[], xf_migration_meetings[],
    xf_migration_search[];
extern const int xf_migration_count;

#endif
