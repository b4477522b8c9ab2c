-- Tables with fewer than half quantitative indicators (定量指标不足一半); rule R313.
SELECT year, unit_name, project_code, project_name, source_file, source_line, value, evidence,
       message
FROM v_review_findings
WHERE rule_id = 'R313'
ORDER BY year, project_code, source_line;
