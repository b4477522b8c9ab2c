-- Indicators of the previous year missing this year (指标删除); rule R311.
SELECT year, unit_name, project_code, project_name, source_file, source_line, value, evidence,
       message
FROM v_review_findings
WHERE rule_id = 'R311'
ORDER BY year, project_code, source_line;
