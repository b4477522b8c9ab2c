-- G204: no table with an error-severity finding reached the fact tables.
-- The fact rows of this load's versions (`loaded_version`) whose table, or whole file, has an
-- error finding in dq_issue.
SELECT 'fact_project_budget' AS fact, f.source_file, f.source_line, q.rule_id
FROM fact_project_budget AS f
JOIN dq_issue AS q
  ON q.source_sha256 = f.source_sha256 AND q.severity = 'error'
 AND (q.source_table = f.source_table OR q.source_table IS NULL)
WHERE f.source_sha256 IN (SELECT source_sha256 FROM loaded_version)
UNION ALL
SELECT 'fact_indicator_target', f.source_file, f.source_line, q.rule_id
FROM fact_indicator_target AS f
JOIN dq_issue AS q
  ON q.source_sha256 = f.source_sha256 AND q.severity = 'error'
 AND (q.source_table = f.source_table OR q.source_table IS NULL)
WHERE f.source_sha256 IN (SELECT source_sha256 FROM loaded_version)
