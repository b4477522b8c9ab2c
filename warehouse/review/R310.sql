-- R310: a target lowered from the project's previous year: the same indicator (its level 1 and
-- name — a level 2 re-classified between years is the same indicator — used once in each table)
-- with the same operator, a ≥ (or >) target decreased or a ≤ (or <) target increased.
WITH followed AS (
    SELECT b.project_key, b.year FROM review_budget AS b
    SEMI JOIN review_budget AS p ON p.project_key = b.project_key AND p.year = b.year - 1
),
named AS (
    SELECT
        t.*,
        count(*) OVER (PARTITION BY t.year, t.project_key, t.level1_name, t.level3_name)
            AS name_uses
    FROM review_targets AS t
    WHERE (t.project_key, t.year) IN (SELECT (project_key, year) FROM followed)
       OR (t.project_key, t.year + 1) IN (SELECT (project_key, year) FROM followed)
)
SELECT
    t.year, t.project_key, t.project_code, t.source_file, t.source_line,
    'target_value' AS column_name,
    format('{} → {}', review_number(p.target_value), review_number(t.target_value)) AS value,
    t.level3_name AS evidence,
    format('{}: {} {} in {}, {} {} in {}', t.level3_name, p.operator,
           review_number(p.target_value), p.year, t.operator, review_number(t.target_value),
           t.year) AS message
FROM named AS t
JOIN named AS p
  ON p.project_key = t.project_key AND p.year = t.year - 1
 AND p.level1_name = t.level1_name AND p.level3_name = t.level3_name
 AND p.operator = t.operator AND p.name_uses = 1 AND t.name_uses = 1
WHERE CASE
    WHEN t.operator IN ('>=', '>') THEN t.target_value < p.target_value
    WHEN t.operator IN ('<=', '<') THEN t.target_value > p.target_value
    ELSE false
END
