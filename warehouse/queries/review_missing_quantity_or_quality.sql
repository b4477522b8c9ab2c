-- Outputs without a 数量 or a 质量 indicator (缺少数量或质量指标); rule R302.
SELECT year, unit_name, project_code, project_name, source_file, source_line, value, evidence,
       message
FROM v_review_findings
WHERE rule_id = 'R302'
ORDER BY year, project_code, source_line;
