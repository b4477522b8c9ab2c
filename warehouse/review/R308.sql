-- R308: a satisfaction target with ≤ or <, or a satisfaction rate below 80 %.
SELECT
    year, project_key, project_code, source_file, source_line,
    'operator' AS column_name,
    format('{} {}{}', operator, review_number(target_value), coalesce(' ' || measure_unit, ''))
        AS value,
    level3_name AS evidence,
    CASE
        WHEN operator IN ('<=', '<')
            THEN format('{}: a satisfaction target with {} sets a ceiling, not a floor',
                        level3_name, operator)
        ELSE format('{}: a satisfaction target of {} % is below 80 %', level3_name,
                    review_number(target_value))
    END AS message
FROM review_targets
WHERE level1_en = 'satisfaction'
  AND (operator IN ('<=', '<') OR (measure_unit = '%' AND target_value < 80))
