-- Projects with quality warnings, with the rules that fired (存在质量警告的项目).
SELECT q.year, q.project_code, p.project_name, count(*) AS warnings,
       string_agg(DISTINCT q.rule_id, ', ' ORDER BY q.rule_id) AS rules
FROM dq_issue AS q
LEFT JOIN dim_project AS p USING (project_code)
WHERE q.severity = 'warning'
GROUP BY ALL
ORDER BY warnings DESC, q.project_code;
