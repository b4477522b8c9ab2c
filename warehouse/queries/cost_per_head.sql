-- Cost indicators per head (人均/每人 成本), in yuan per person where the unit says 万元 or 元.
SELECT year, project_code, project_name, level3_name, operator, year_target_value, measure_unit,
       CASE measure_unit WHEN '万元' THEN year_target_value * 10000
                         WHEN '元' THEN year_target_value
                         WHEN '元/人·次' THEN year_target_value END AS yuan_per_head
FROM v_targets
WHERE (level2_en IN ('cost', 'economic cost') OR level1_en = 'cost')
  AND (level3_name LIKE '%人均%' OR level3_name LIKE '%每人%')
ORDER BY year, project_code, source_line;
