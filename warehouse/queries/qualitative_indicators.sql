-- Indicators that are still only qualitative: no number to measure them by (仅定性指标).
SELECT year, project_code, project_name, level1_name, level2_name, level3_name,
       coalesce(year_target_text, target_text) AS target, source_line
FROM v_targets
WHERE operator = 'qualitative'
  AND target_value IS NULL AND year_target_value IS NULL
ORDER BY year, project_code, source_line;
