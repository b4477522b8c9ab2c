-- R304: an amount the annual goal states for the project (see `review_goal_amount`) equals
-- neither the table's total nor any of its funding lines.
SELECT
    b.year, b.project_key, b.project_code, b.source_file, b.goal_line AS source_line,
    'annual_goal' AS column_name,
    review_wan(a.amount_yuan) AS value,
    a.phrase AS evidence,
    format('the goal states {} ({}) but the table''s total is {}',
           review_wan(a.amount_yuan), a.phrase, review_wan(b.total_yuan)) AS message
FROM review_goal_amount AS a
JOIN review_budget AS b USING (year, project_key)
WHERE a.amount_yuan IS DISTINCT FROM b.total_yuan
  AND NOT list_contains(list_filter(b.funding_yuan, lambda x: x IS NOT NULL), a.amount_yuan)
