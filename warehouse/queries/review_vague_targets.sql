-- Vague qualitative targets such as 提高 with no measure (模糊定性目标); rule R303.
SELECT year, unit_name, project_code, project_name, source_file, source_line, value, evidence,
       message
FROM v_review_findings
WHERE rule_id = 'R303'
ORDER BY year, project_code, source_line;
