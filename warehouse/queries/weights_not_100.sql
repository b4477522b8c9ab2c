-- Projects whose year weights plus the execution-rate weight do not add up to 100 (权重合计不为100).
SELECT year, project_code, project_name, execution_weight, weight_total
FROM v_project_scorecard
WHERE weight_total <> 100
ORDER BY year, project_code;
