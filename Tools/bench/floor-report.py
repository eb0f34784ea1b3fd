#!/usr/bin/env python3
"""Writes the SQL floor for `report --year Y`: the heaviest metrics of SPEC §6 (certificate_rate,
training_360_rate, county_training_3yr_rate, backbone_total) for Y and each earlier plan year,
as plain aggregate SQL over the same database file. Usage: floor-report.py YEAR > floor.sql"""
import sys
from datetime import date, timedelta

year = int(sys.argv[1]) if len(sys.argv) > 1 else 2025
cycle_start, cycle_days = "2021-01-01", 1826
years = list(range(2021, year + 1))

def minus_years(d, n):
    try:
        return d.replace(year=d.year - n)
    except ValueError:
        return d.replace(year=d.year - n, day=28)

print("PRAGMA cache_size = -65536;")
for y in years:
    d = date(y, 12, 31)
    window = (minus_years(d, 3) + timedelta(days=1)).isoformat()
    D = d.isoformat()
    print(f"""
WITH a AS (
  SELECT staff_no, post, stage FROM (
    SELECT staff_no, post, stage, to_date, LEAD(from_date) OVER (PARTITION BY staff_no ORDER BY from_date) AS next_from
    FROM assignments WHERE from_date <= '{D}')
  WHERE next_from IS NULL AND (to_date IS NULL OR to_date >= '{D}')
),
ft AS (
  SELECT t.staff_no, t.hired_on, a.stage FROM teachers t JOIN a ON a.staff_no = t.staff_no
  WHERE a.post = 'teacher' AND t.hired_on <= '{D}' AND (t.left_on IS NULL OR t.left_on >= '{D}')
),
live AS (
  SELECT staff_no, end_date, hours_tenths, kind, level FROM training tr
  WHERE status = 'approved' AND NOT EXISTS (SELECT 1 FROM training_voids v WHERE v.training_id = tr.id)
),
hours AS (SELECT staff_no, SUM(hours_tenths) AS h FROM live WHERE kind <> 'induction' AND end_date BETWEEN '{cycle_start}' AND '{D}' GROUP BY staff_no),
county AS (SELECT DISTINCT staff_no FROM live WHERE level IN ('national','municipal','prefecture','county') AND end_date BETWEEN '{window}' AND '{D}'),
cert AS (
  SELECT DISTINCT c.staff_no FROM certificates c JOIN ft ON ft.staff_no = c.staff_no
  WHERE c.issued_on <= '{D}' AND (c.revoked_on IS NULL OR c.revoked_on > '{D}') AND (
    (c.kind = 'vocational_practice' AND ft.stage = 'vocational_practice') OR
    (c.kind <> 'vocational_practice' AND CASE WHEN ft.stage = 'vocational_practice'
       THEN (CASE c.kind WHEN 'kindergarten' THEN 1 WHEN 'primary' THEN 2 WHEN 'junior' THEN 3 WHEN 'higher' THEN 5 ELSE 4 END) >= 4
       ELSE (CASE ft.stage WHEN 'kindergarten' THEN 1 WHEN 'primary' THEN 2 WHEN 'special' THEN 2 WHEN 'junior' THEN 3 ELSE 4 END)
         <= (CASE c.kind WHEN 'kindergarten' THEN 1 WHEN 'primary' THEN 2 WHEN 'junior' THEN 3 WHEN 'higher' THEN 5 ELSE 4 END) END))
),
backbone AS (
  SELECT DISTINCT g.staff_no FROM designations g JOIN teachers t ON t.staff_no = g.staff_no
  WHERE g.kind IN ('backbone','subject_leader','famous_teacher','special_grade') AND g.level <> 'school'
    AND g.awarded_on <= '{D}' AND (g.expires_on IS NULL OR g.expires_on >= '{D}') AND (g.revoked_on IS NULL OR g.revoked_on > '{D}')
    AND t.hired_on <= '{D}' AND (t.left_on IS NULL OR t.left_on >= '{D}')
)
SELECT {y} AS year, COUNT(*) AS full_time,
  SUM(ft.staff_no IN (SELECT staff_no FROM cert)) AS certificate,
  SUM(COALESCE(h.h, 0) * {cycle_days} >= 3600 * (julianday('{D}') - julianday(MAX(ft.hired_on, '{cycle_start}')) + 1)) AS on_track,
  SUM(ft.staff_no IN (SELECT staff_no FROM county) OR ft.hired_on >= '{window}') AS county_3yr,
  (SELECT COUNT(*) FROM backbone) AS backbone_total
FROM ft LEFT JOIN hours h ON h.staff_no = ft.staff_no;""")
