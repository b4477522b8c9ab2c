-- Required level-1 dimensions missing, per the table's framework (缺少一级指标); rule R301.
SELECT year, unit_name, project_code, project_name, source_file, source_line, value, evidence,
       message
FROM v_review_findings
WHERE rule_id = 'R301'
ORDER BY year, project_code, source_line;
