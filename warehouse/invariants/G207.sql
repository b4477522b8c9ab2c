-- G207: the compound keys of the published tables are unique (one budget fact per
-- project-year, one indicator per hierarchy path, one record per file version and table).
-- Guarded here instead of by PRIMARY KEY / UNIQUE constraints, whose index upkeep on every
-- insert costs more than this check of the tables the load changed.
SELECT 'fact_project_budget' AS "table", format('{} / {}', year, project_key) AS "key",
       count(*) AS copies
FROM fact_project_budget GROUP BY year, project_key HAVING count(*) > 1
UNION ALL
SELECT 'dim_indicator', format('{} / {} / {}', level1_name, level2_name, level3_name), count(*)
FROM dim_indicator GROUP BY level1_name, level2_name, level3_name HAVING count(*) > 1
UNION ALL
SELECT 'dq_file', format('{} / {}', source_file, source_sha256), count(*)
FROM dq_file GROUP BY source_file, source_sha256 HAVING count(*) > 1
UNION ALL
SELECT 'dq_table', format('{} / {} / {}', source_file, source_sha256, source_table), count(*)
FROM dq_table GROUP BY source_file, source_sha256, source_table HAVING count(*) > 1
