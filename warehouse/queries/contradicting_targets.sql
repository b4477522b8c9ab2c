-- Indicators whose target for this year contradicts the overall target (本年指标值与指标值不一致).
SELECT year, project_code, project_name, level3_name, target_value, year_target_value,
       measure_unit, source_file, source_line
FROM v_targets
WHERE target_value IS NOT NULL AND year_target_value IS NOT NULL
  AND target_value <> year_target_value
ORDER BY source_file, source_line;
