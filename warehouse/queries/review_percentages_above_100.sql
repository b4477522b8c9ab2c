-- Percentages above 100 to reach (比率超过100%); rule R307.
SELECT year, unit_name, project_code, project_name, source_file, source_line, value, evidence,
       message
FROM v_review_findings
WHERE rule_id = 'R307'
ORDER BY year, project_code, source_line;
