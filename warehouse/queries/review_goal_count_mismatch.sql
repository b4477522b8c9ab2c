-- Counts in the annual goal that differ from their indicator (目标数量与指标不一致); rule R305.
SELECT year, unit_name, project_code, project_name, source_file, source_line, value, evidence,
       message
FROM v_review_findings
WHERE rule_id = 'R305'
ORDER BY year, project_code, source_line;
