-- R311: an indicator of the project's previous year (its level 1 and name) is missing this year;
-- the finding points at last year's row.
SELECT
    b.year, b.project_key, b.project_code, p.source_file, p.source_line,
    'level3_name' AS column_name, p.level3_name AS value,
    format('{} / {} / {}', p.level1_name, p.level2_name, p.level3_name) AS evidence,
    format('{} was an indicator in {} and is not one in {}', p.level3_name, p.year, b.year)
        AS message
FROM review_budget AS b
JOIN review_targets AS p ON p.project_key = b.project_key AND p.year = b.year - 1
WHERE NOT EXISTS (
    SELECT 1 FROM review_targets AS t
    WHERE t.project_key = b.project_key AND t.year = b.year
      AND t.level1_name = p.level1_name AND t.level3_name = p.level3_name
)
