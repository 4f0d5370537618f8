/* The compiled-in schema migrations (see xf_migrations.c). */
#ifndef XF_MIGRATIONS_H
#define XF_MIGRATIONS_H

extern const char *const xf_migrations[];
/* Migrations 3 and on, each defined beside the code that owns its tables. */
extern const char xf_migration_people[], xf_migration_roster[], xf_migration_meetings[],
    xf_migration_search[];
extern const int xf_migration_count;

/* SQL text of migration 25 (the statistics' roll-ups), shared by both engines' files;
 * one clause a line, as the SQL reads (the formatter would pile them up). */
/* clang-format off */

/* The clocks of 《信访工作条例》 Art. 22 (acceptance: 15 days from receipt, stopped by the
 * decision or a notice) and Art. 34 (conclusion: 60 days from acceptance plus an
 * extension, stopped by the answer or the conclusion) as the statistics count them,
 * in SQL on a matter m: while open, and the instant each falls due. */
#define XF_MATTER_ACCEPTANCE_OPEN "m.accepted_ms IS NULL AND m.acceptance_notice_ms IS NULL"
#define XF_MATTER_CONCLUSION_OPEN                                                                  \
	"m.accepted_ms IS NOT NULL AND m.answered_ms IS NULL AND m.concluded_ms IS NULL"
#define XF_MATTER_ACCEPTANCE_DUE "(m.received_ms + 1296000000)"
#define XF_MATTER_CONCLUSION_DUE                                                                   \
	"(m.accepted_ms + (60 + coalesce(m.extension_days, 0)) * 86400000)"

/* Migration 25's view of what each matter adds to the statistics' monthly roll-up, the
 * same on both engines but for MONTH(ms), the engine's expression of the Beijing month
 * (YYYYMM) of an instant: one row per (scope, dimension) of every matter counted (not
 * one of a drill or a withdrawn registration), scope 0 for every unit and the matter's
 * unit (its unit concerned, else its petitioner's) when it has one. The keys: the value
 * of category, channel, outcome, satisfaction ('' when unrecorded); total ''; acceptance
 * met|missed, or open:YYYYMM with the month the clock falls due (whether it is past is
 * a matter of when the statistics are read); conclusion none (not accepted)|met|missed|
 * open:YYYYMM likewise. Part of a released migration: never edit; a change is a new
 * view in a new migration. */
#define XF_MATTER_STATISTICS_VIEW(MONTH)                                                           \
	"CREATE VIEW matter_statistics_rows AS SELECT m.id AS matter_id,"                          \
	" m.person_id AS person_id, m.unit_id AS own_unit_id, m.incident_id AS incident_id,"       \
	" CASE s.column1 WHEN 0 THEN 0 ELSE coalesce(m.unit_id, p.unit_id) END AS unit_id,"        \
	" " MONTH("m.received_ms") " AS month, d.column1 AS dim,"                                 \
	" CASE d.column1 WHEN 'total' THEN ''"                                                     \
	" WHEN 'category' THEN coalesce(m.category, '')"                                           \
	" WHEN 'channel' THEN coalesce(m.channel, '')"                                             \
	" WHEN 'outcome' THEN coalesce(m.outcome, '')"                                             \
	" WHEN 'satisfaction' THEN coalesce(m.satisfaction, '')"                                   \
	" WHEN 'acceptance' THEN CASE WHEN " XF_MATTER_ACCEPTANCE_OPEN                             \
	"  THEN 'open:' || CAST(" MONTH(XF_MATTER_ACCEPTANCE_DUE) " AS TEXT)"                      \
	"  WHEN coalesce(m.accepted_ms, m.acceptance_notice_ms) - m.received_ms <= 1296000000"     \
	"  THEN 'met' ELSE 'missed' END"                                                           \
	" ELSE CASE WHEN m.accepted_ms IS NULL THEN 'none'"                                        \
	"  WHEN " XF_MATTER_CONCLUSION_OPEN                                                        \
	"  THEN 'open:' || CAST(" MONTH(XF_MATTER_CONCLUSION_DUE) " AS TEXT)"                      \
	"  WHEN coalesce(m.answered_ms, m.concluded_ms) - m.accepted_ms"                           \
	"  <= (60 + coalesce(m.extension_days, 0)) * 86400000 THEN 'met' ELSE 'missed' END"         \
	" END AS key"                                                                              \
	" FROM matters m LEFT JOIN persons p ON p.id = m.person_id"                                \
	" CROSS JOIN (VALUES (0), (1)) s"                                                          \
	" CROSS JOIN (VALUES ('total'), ('category'), ('channel'), ('outcome'), ('satisfaction'),"  \
	" ('acceptance'), ('conclusion')) d"                                                       \
	" WHERE (s.column1 = 0 OR coalesce(m.unit_id, p.unit_id) IS NOT NULL)"                     \
	" AND NOT EXISTS (SELECT 1 FROM incidents x WHERE x.id = m.incident_id"                    \
	" AND (x.drill <> 0 OR x.status = 'withdrawn'));"

/* The indexes of the clocks open: those falling due in the month the statistics are
 * read in are counted from the matters (each term as the statements write it). */
#define XF_MATTER_OPEN_INDEXES                                                                     \
	"CREATE INDEX matters_acceptance_open ON matters (received_ms, unit_id, person_id,"        \
	" incident_id, accepted_ms, acceptance_notice_ms)"                                         \
	" WHERE accepted_ms IS NULL AND acceptance_notice_ms IS NULL;"                             \
	"CREATE INDEX matters_conclusion_open ON matters ((accepted_ms + (60 +"                    \
	" coalesce(extension_days, 0)) * 86400000), received_ms, unit_id, person_id, incident_id," \
	" accepted_ms, extension_days, answered_ms, concluded_ms)"                                 \
	" WHERE accepted_ms IS NOT NULL AND answered_ms IS NULL AND concluded_ms IS NULL;"

/* Migration 25's view of what each incident adds to the statistics' monthly roll-up of
 * incidents (every unit's only: a subtree's are read from the incidents, an incident of
 * two of its units counting once): per real incident (not a drill, not withdrawn; with
 * the time it happened, as every incident since migration 11 has) its Beijing month
 * (MONTH as above, of occurred_ms) and one row per dimension: total, status, category,
 * destination, grade and procedure (with their names as label), and one per unit of
 * the incident (dimension unit, unit_id). Never edit, as above. */
#define XF_INCIDENT_STATISTICS_VIEW(MONTH)                                                         \
	"CREATE VIEW incident_statistics_rows AS"                                                  \
	" SELECT i.id AS incident_id, " MONTH("i.occurred_ms") " AS month, d.column1 AS dim,"     \
	" CASE d.column1 WHEN 'total' THEN '' WHEN 'status' THEN i.status"                         \
	" WHEN 'category' THEN coalesce(i.category, '')"                                           \
	" WHEN 'destination' THEN coalesce(i.destination, '')"                                     \
	" WHEN 'grade' THEN coalesce(i.grade, '') ELSE coalesce(i.procedure, '') END AS key,"      \
	" CASE d.column1 WHEN 'grade' THEN coalesce(i.grade_name, '')"                             \
	" WHEN 'procedure' THEN coalesce(i.procedure_name, '') ELSE '' END AS label,"              \
	" 0 AS unit_id FROM incidents i"                                                           \
	" CROSS JOIN (VALUES ('total'), ('status'), ('category'), ('destination'), ('grade'),"     \
	" ('procedure')) d WHERE i.drill = 0 AND i.status <> 'withdrawn'"                          \
	" AND i.occurred_ms IS NOT NULL"                                                           \
	" UNION ALL SELECT i.id, " MONTH("i.occurred_ms") ", 'unit', '', '', iu.unit_id"          \
	" FROM incidents i JOIN incident_units iu ON iu.incident_id = i.id"                        \
	" WHERE i.drill = 0 AND i.status <> 'withdrawn' AND i.occurred_ms IS NOT NULL;"

/* The columns that the roll-ups read: of a matter, of an incident. */
#define XF_MATTER_STATISTICS_COLUMNS                                                               \
	"received_ms, person_id, unit_id, incident_id, category, channel, outcome, satisfaction,"  \
	" accepted_ms, acceptance_notice_ms, answered_ms, concluded_ms, extension_days"
#define XF_INCIDENT_STATISTICS_COLUMNS                                                             \
	"occurred_ms, status, category, destination, grade, grade_name, procedure, procedure_name," \
	" drill"
/* An incident whose matters are not counted. */
#define XF_MATTER_STATISTICS_LEFT_OUT(r) "(" r ".drill <> 0 OR " r ".status = 'withdrawn')"

/* clang-format on */

#endif
