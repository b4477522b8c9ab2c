-- G205: every fact row joins its year, unit, project and indicator dimensions.
-- Guarded here, on the rows of this load's versions, instead of by REFERENCES constraints:
-- DuckDB checks a foreign key on every inserted row against an index, at several times the
-- cost of this one anti-join over what is new.
SELECT 'fact_project_budget' AS fact, f.source_file, f.source_line,
       f.year, f.unit_key, f.project_key, NULL::INTEGER AS indicator_key
FROM fact_project_budget AS f
WHERE f.source_sha256 IN (SELECT source_sha256 FROM loaded_version)
  AND (f.year NOT IN (SELECT year FROM dim_year)
       OR f.unit_key NOT IN (SELECT unit_key FROM dim_unit)
       OR f.project_key NOT IN (SELECT project_key FROM dim_project))
UNION ALL
SELECT 'fact_indicator_target', f.source_file, f.source_line,
       f.year, f.unit_key, f.project_key, f.indicator_key
FROM fact_indicator_target AS f
WHERE f.source_sha256 IN (SELECT source_sha256 FROM loaded_version)
  AND (f.year NOT IN (SELECT year FROM dim_year)
       OR f.unit_key NOT IN (SELECT unit_key FROM dim_unit)
       OR f.project_key NOT IN (SELECT project_key FROM dim_project)
       OR f.indicator_key NOT IN (SELECT indicator_key FROM dim_indicator))
