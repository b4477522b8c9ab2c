-- Amounts in the annual goal that differ from the table's money (目标金额与预算不一致); rule R304.
SELECT year, unit_name, project_code, project_name, source_file, source_line, value, evidence,
       message
FROM v_review_findings
WHERE rule_id = 'R304'
ORDER BY year, project_code, source_line;
