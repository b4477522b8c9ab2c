-- The ten largest projects by budget, in 万元 (资金规模最大的项目).
SELECT year, project_code, project_name, total_wan_yuan, indicator_count, warning_count
FROM v_project_scorecard
ORDER BY total_wan_yuan DESC, project_code
LIMIT 10;
