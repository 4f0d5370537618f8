/* The compiled-in schema migrations (see xf_migrations.c). */
#ifndef XF_MIGRATIONS_H
#define XF_MIGRATIONS_H

extern const char *const xf_migrations[];
extern const int xf_migration_count;

#endif
