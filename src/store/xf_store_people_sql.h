/* The visibility tests of petitioner files and matters as SQL text, shared by
 * xf_store_people.c and xf_store_matters.c. Internal to src/store/. Binds: ?1 all,
 * ?2 the scope's unit, ?3 user, ?4 the viewer's own unit, ?9 the mine. */
#ifndef XF_STORE_PEOPLE_SQL_H
#define XF_STORE_PEOPLE_SQL_H

/* The units of the mine ?9 (xf_scope.mine_id). */
#define MINE_UNITS                                                                                 \
	"(WITH RECURSIVE msub(id) AS (SELECT CAST(?9 AS BIGINT) UNION SELECT u.id FROM units u"    \
	"  JOIN msub ON u.parent_id = msub.id) SELECT id FROM msub)"

/* The visibility test for a persons row of alias P (a string literal); binds ?1 all,
 * ?2 unit, ?3 user, ?9 the mine whose files are all visible: those of its units, of
 * its incidents and those its users opened. */
#define PERSON_VISIBLE_AS(P)                                                                       \
	"(?1 = 1"                                                                                  \
	" OR (?9 > 0 AND (" P ".unit_id IN " MINE_UNITS " OR EXISTS (SELECT 1 FROM"                \
	"     incident_persons ip JOIN incidents mi ON mi.id = ip.incident_id"                     \
	"     WHERE ip.person_id = " P ".id AND mi.mine_id = ?9)"                                  \
	"   OR EXISTS (SELECT 1 FROM users cu"                                                     \
	"     WHERE cu.id = " P ".created_by AND cu.unit_id IN " MINE_UNITS ")))"                  \
	" OR (?2 > 0 AND (" P                                                                      \
	".unit_id IN (WITH RECURSIVE sub(id) AS (SELECT CAST(?2 AS BIGINT) UNION"                  \
	"     SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub)"      \
	"   OR EXISTS (SELECT 1 FROM incident_persons ip JOIN incident_units iu"                   \
	"     ON iu.incident_id = ip.incident_id WHERE ip.person_id = " P ".id AND iu.unit_id IN"  \
	"     (WITH RECURSIVE sub(id) AS (SELECT CAST(?2 AS BIGINT) UNION SELECT u.id FROM units " \
	"u"                                                                                        \
	"      JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub))))"                           \
	" OR (?3 > 0 AND EXISTS (SELECT 1 FROM assignments a WHERE a.person_id = " P ".id"         \
	"     AND a.official_id = ?3 AND a.ended_ms IS NULL)))"

/* The visibility test for "p" a persons row, and for "q", another one beside it. */
#define PERSON_VISIBLE       PERSON_VISIBLE_AS("p")
#define OTHER_PERSON_VISIBLE PERSON_VISIBLE_AS("q")

/* Whether the viewer's unit (?4) is the accused unit of "m", a matters row, or below
 * it: the accused unit is among the viewer's unit and the units above it. The rule
 * itself is xf_matter_visible_to(), asked of every matter row in C. */
#define VIEWER_AT_OR_BELOW_ACCUSED                                                                 \
	"(m.accused_unit_id IN (WITH RECURSIVE up(id) AS (SELECT CAST(?4 AS BIGINT) UNION SELECT " \
	"u.parent_id"                                                                              \
	" FROM units u JOIN up ON u.id = up.id WHERE u.parent_id IS NOT NULL) SELECT id FROM up))"

/* Units the scope's unit (?2) heads: itself and the units below it. */
#define SCOPE_UNITS                                                                                \
	"(WITH RECURSIVE sub(id) AS (SELECT CAST(?2 AS BIGINT) UNION SELECT u.id FROM units u"     \
	"  JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub)"

/* A matter "m" is visible through its units: the unit concerned or the handling unit
 * (交办) is in the scope's unit; or through any of its petitioners (matter_persons). The
 * accusation rule (xf_matter_visible_to) is asked in C after. */
#define MATTER_VISIBLE                                                                             \
	"(EXISTS (SELECT 1 FROM matter_persons mp JOIN persons p ON p.id = mp.person_id"           \
	"   WHERE mp.matter_id = m.id AND " PERSON_VISIBLE ")"                                     \
	" OR (?2 > 0 AND (m.unit_id IN " SCOPE_UNITS " OR m.handling_unit_id IN " SCOPE_UNITS      \
	")))"

#endif
