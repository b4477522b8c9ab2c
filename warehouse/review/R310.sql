-- R310: a target lowered from the project's previous year: the same indicator (level 1 and
-- name, each used once in its table) with the same operator, a ≥ (or >) target decreased or a
-- ≤ (or <) target increased.
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
 AND p.level1_name = t.level1_name AND p.level3_name = t.level3_name
 AND p.operator = t.operator AND p.name_uses = 1 AND t.name_uses = 1
WHERE CASE
    WHEN t.operator IN ('>=', '>') THEN t.target_value < p.target_value
    WHEN t.operator IN ('<=', '<') THEN t.target_value > p.target_value
    ELSE false
END
