-- R309: this year's value misses the target's own operator: below a ≥ target, not above a >
-- target, above a ≤ target, not below a < target, different from an = target.
SELECT
    year, project_key, project_code, source_file, source_line,
    'year_target_value' AS column_name,
    format('{}{}', review_number(year_target_value), coalesce(' ' || measure_unit, '')) AS value,
    level3_name AS evidence,
    format('{}: the target is {} {} but this year''s value is {}', level3_name, operator,
           review_number(target_value), review_number(year_target_value)) AS message
FROM review_targets
WHERE target_value IS NOT NULL AND year_target_value IS NOT NULL
  AND CASE operator
      WHEN '>=' THEN year_target_value < target_value
      WHEN '>' THEN year_target_value <= target_value
      WHEN '<=' THEN year_target_value > target_value
      WHEN '<' THEN year_target_value >= target_value
      WHEN '=' THEN year_target_value <> target_value
      ELSE false
  END
