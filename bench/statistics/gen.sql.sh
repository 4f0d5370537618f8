#!/usr/bin/env bash
# bench/statistics/gen.sql.sh ROOT_UNIT PLAN_ID INCIDENTS MATTERS PERSONS — prints the SQL
# that loads a statistics benchmark database in one transaction, portable to SQLite and
# PostgreSQL (WITH RECURSIVE counters, values spread deterministically from the row
# number): 20 departments with 10 teams each below ROOT_UNIT, PERSONS petitioners, and
# INCIDENTS incidents and MATTERS matters spread evenly over 2022-2026 (Beijing years),
# in time order as a real history is, with drills (1 in 17), withdrawn registrations
# (1 in 23) and matters of incidents (1 in 10). Used by bench/statistics/run.
set -euo pipefail
root=$1 plan=$2 n_inc=$3 n_mat=$4 n_per=$5
t0=1640966400000   # 2022-01-01 00:00 Beijing
span=157680000000  # five years of 365 days
cat <<SQL
BEGIN;
INSERT INTO units (id, parent_id, name, kind, created_at)
  WITH RECURSIVE g(n) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT n + 1 FROM g WHERE n < 20)
  SELECT 1000 + n, $root, '科室' || n, 'department', '2022-01-01T00:00:00.000Z' FROM g;
INSERT INTO units (id, parent_id, name, kind, created_at)
  WITH RECURSIVE g(n) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT n + 1 FROM g WHERE n < 199)
  SELECT 2000 + n, 1001 + n / 10, '班组' || n, 'team', '2022-01-01T00:00:00.000Z' FROM g;
INSERT INTO persons (id, name, unit_id, created_ms, updated_ms)
  WITH RECURSIVE g(n) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT n + 1 FROM g WHERE n < $n_per)
  SELECT 100000 + n, '信访人' || n, 2000 + (n * 7919) % 200, 0, 0 FROM g;
INSERT INTO incidents (id, number, year, year_seq, headcount, destination, advance_info, place,
  category, demands, drill, status, in_scope, grade, grade_name, grade_computed, procedure,
  procedure_name, reasons, plan_id, registered_ms, activated_ms, updated_ms, occurred_ms,
  resolved_ms, mine_id, number_series, series_seq)
  WITH RECURSIVE g(n) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT n + 1 FROM g WHERE n < $n_inc),
  r AS (SELECT n, $t0 + (n - 1) * ($span / $n_inc) + (n * 7919) % 3600000 AS at,
    CASE WHEN n % 23 = 0 THEN 'withdrawn' ELSE CASE (n * 13) % 9 WHEN 0 THEN 'registered'
      WHEN 1 THEN 'activated' WHEN 2 THEN 'on_site' WHEN 3 THEN 'replying' WHEN 4 THEN 'resolving'
      WHEN 5 THEN 'evaluating' WHEN 6 THEN 'reported' WHEN 7 THEN 'archived'
      ELSE 'not_activated' END END AS st FROM g)
  SELECT 1000000 + n, 'B-' || n, 2022 + (n - 1) * 5 / $n_inc, 1000000 + n, 1 + n % 50,
    CASE (n * 7) % 8 WHEN 0 THEN 'group' WHEN 1 THEN 'city' WHEN 2 THEN 'province'
      WHEN 3 THEN 'national' ELSE 'mine' END, n % 2, '某地',
    CASE n % 5 WHEN 0 THEN '工资待遇' WHEN 1 THEN '劳动关系' WHEN 2 THEN '工伤赔偿'
      WHEN 3 THEN '退休待遇' ELSE '拆迁补偿' END, '诉求', CASE WHEN n % 17 = 0 THEN 1 ELSE 0 END,
    st, 1, CASE (n * 3) % 4 WHEN 0 THEN 'I' WHEN 1 THEN 'II' ELSE 'III' END,
    CASE (n * 3) % 4 WHEN 0 THEN '一级' WHEN 1 THEN '二级' ELSE '三级' END,
    CASE (n * 3) % 4 WHEN 0 THEN 'I' WHEN 1 THEN 'II' ELSE 'III' END,
    CASE n % 2 WHEN 1 THEN 'A' ELSE 'B' END,
    CASE n % 2 WHEN 1 THEN '提前掌握信息' ELSE '未掌握信息源' END, '[]', $plan, at + 600000,
    CASE WHEN st IN ('registered', 'not_activated', 'withdrawn') THEN NULL
      ELSE at + 600000 + (n * 7919) % 10800000 END, at + 600000, at,
    CASE WHEN st IN ('evaluating', 'reported', 'archived')
      THEN at + 86400000 + (n * 104729) % 1728000000 ELSE NULL END,
    $root, 'B', n FROM r;
INSERT INTO incident_units (incident_id, unit_id)
  WITH RECURSIVE g(n) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT n + 1 FROM g WHERE n < $n_inc)
  SELECT 1000000 + n, 2000 + (n * 31) % 200 FROM g;
INSERT INTO incident_units (incident_id, unit_id)
  WITH RECURSIVE g(n) AS (SELECT CAST(4 AS BIGINT) UNION ALL SELECT n + 4 FROM g WHERE n + 4 <= $n_inc)
  SELECT 1000000 + n, 1001 + (n * 17) % 20 FROM g;
INSERT INTO matters (id, person_id, incident_id, category, content, outcome, satisfaction,
  received_ms, accepted_ms, concluded_ms, extension_days, channel, unit_id)
  WITH RECURSIVE g(n) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT n + 1 FROM g WHERE n < $n_mat),
  r AS (SELECT n, $t0 + (n - 1) * ($span / $n_mat) + (n * 7919) % 3600000 AS at FROM g)
  SELECT 2000000 + n, 100001 + (n * 7919) % $n_per,
    CASE WHEN n % 10 = 0 THEN 1000001 + (n * 13) % $n_inc ELSE NULL END,
    CASE n % 4 WHEN 0 THEN 'suggestion' WHEN 1 THEN 'accusation' ELSE 'appeal' END, '内容',
    CASE WHEN n % 10 < 7 THEN CASE n % 3 WHEN 0 THEN 'supported' WHEN 1 THEN 'explained'
      ELSE 'not_supported' END ELSE NULL END,
    CASE WHEN n % 10 < 7 THEN CASE n % 4 WHEN 0 THEN 'satisfied' WHEN 1 THEN 'basically_satisfied'
      WHEN 2 THEN 'unsatisfied' ELSE NULL END ELSE NULL END,
    at, CASE WHEN n % 10 < 8 THEN at + (n * 7919) % 1728000000 ELSE NULL END,
    CASE WHEN n % 10 < 7 THEN at + 1728000000 + (n * 104729) % 6912000000 ELSE NULL END,
    CASE WHEN n % 13 = 0 THEN 30 ELSE NULL END,
    CASE n % 5 WHEN 0 THEN 'letter' WHEN 1 THEN 'visit' WHEN 2 THEN 'phone' WHEN 3 THEN 'online'
      ELSE NULL END,
    CASE WHEN n % 2 = 0 THEN 2000 + (n * 37) % 200 ELSE NULL END FROM r;
COMMIT;
ANALYZE;
SQL
