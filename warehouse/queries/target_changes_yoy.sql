-- Year-over-year change of a project's numeric targets (目标值同比变化), once two years are loaded.
WITH targets AS (
    SELECT project_code, project_name, level1_name, level2_name, level3_name, year,
           year_target_value, measure_unit
    FROM v_targets
    WHERE year_target_value IS NOT NULL
)
SELECT cur.project_code, cur.project_name, cur.level3_name, prev.year AS previous_year,
       prev.year_target_value AS previous_target, cur.year, cur.year_target_value AS target,
       cur.year_target_value - prev.year_target_value AS change, cur.measure_unit
FROM targets AS cur
JOIN targets AS prev
  ON prev.project_code = cur.project_code AND prev.level1_name = cur.level1_name
 AND prev.level2_name = cur.level2_name AND prev.level3_name = cur.level3_name
 AND prev.year = cur.year - 1
ORDER BY cur.project_code, cur.level3_name, cur.year;
