-- R310: a target lowered from the project's previous year: the same indicator with the same
-- operator, a ≥ (or >) target decreased or a ≤ (or <) target increased.
SELECT
    t.year, t.project_key, t.project_code, t.source_file, t.source_line,
    'target_value' AS column_name,
    format('{} → {}', review_number(p.target_value), review_number(t.target_value)) AS value,
    t.level3_name AS evidence,
    format('{}: {} {} in {}, {} {} in {}', t.level3_name, p.operator,
           review_number(p.target_value), p.year, t.operator, review_number(t.target_value),
           t.year) AS message
FROM review_targets AS t
JOIN review_targets AS p
  ON p.project_key = t.project_key AND p.year = t.year - 1
 AND p.indicator_key = t.indicator_key AND p.operator = t.operator
WHERE CASE
    WHEN t.operator IN ('>=', '>') THEN t.target_value < p.target_value
    WHEN t.operator IN ('<=', '<') THEN t.target_value > p.target_value
    ELSE false
END
