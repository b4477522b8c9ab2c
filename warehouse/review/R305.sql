-- R305: a count the annual goal states differs from the target of the indicator matched to it
-- (see `review_goal_count` for the match).
SELECT
    c.year, c.project_key, b.project_code, c.source_file, c.source_line,
    'target_value' AS column_name,
    format('{} {}', review_number(c.indicator_value), c.unit) AS value,
    c.phrase AS evidence,
    format('the goal says {} ({} {}) but {} targets {} (goal at line {})',
           c.phrase, review_number(c.stated), c.unit, c.level3_name,
           review_number(c.indicator_value), c.goal_line) AS message
FROM review_goal_count AS c
JOIN review_budget AS b USING (year, project_key)
WHERE c.indicator_value <> c.stated
