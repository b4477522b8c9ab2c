-- Satisfaction targets per project (满意度指标目标).
SELECT year, project_code, project_name, level3_name, operator,
       year_target_value, measure_unit
FROM v_targets
WHERE level1_en = 'satisfaction'
ORDER BY year, project_code, source_line;
