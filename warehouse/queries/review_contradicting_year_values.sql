-- This year's values that miss their own target (本年值与目标矛盾); rule R309.
SELECT year, unit_name, project_code, project_name, source_file, source_line, value, evidence,
       message
FROM v_review_findings
WHERE rule_id = 'R309'
ORDER BY year, project_code, source_line;
