-- Projects whose total changed by 20 % or more (总额大幅变动); rule R312.
SELECT year, unit_name, project_code, project_name, source_file, source_line, value, evidence,
       message
FROM v_review_findings
WHERE rule_id = 'R312'
ORDER BY year, project_code, source_line;
