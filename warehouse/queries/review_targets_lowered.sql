-- Targets lowered from the previous year (目标下调); rule R310.
SELECT year, unit_name, project_code, project_name, source_file, source_line, value, evidence,
       message
FROM v_review_findings
WHERE rule_id = 'R310'
ORDER BY year, project_code, source_line;
