-- Durations longer than a year (时长超过一年); rule R306.
SELECT year, unit_name, project_code, project_name, source_file, source_line, value, evidence,
       message
FROM v_review_findings
WHERE rule_id = 'R306'
ORDER BY year, project_code, source_line;
