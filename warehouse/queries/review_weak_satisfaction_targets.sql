-- Satisfaction targets with ≤ or below 80 % (满意度目标偏弱); rule R308.
SELECT year, unit_name, project_code, project_name, source_file, source_line, value, evidence,
       message
FROM v_review_findings
WHERE rule_id = 'R308'
ORDER BY year, project_code, source_line;
