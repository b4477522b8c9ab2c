-- R313: fewer than half of the indicators are quantitative (a comparison and a number).
SELECT
    b.year, b.project_key, b.project_code, b.source_file, b.source_line,
    'operator' AS column_name,
    format('{} of {}', count(*) FILTER (WHERE t.quantitative), count(*)) AS value,
    NULL AS evidence,
    format('{} of {} indicators are quantitative', count(*) FILTER (WHERE t.quantitative),
           count(*)) AS message
FROM review_budget AS b
JOIN review_targets AS t USING (year, project_key)
GROUP BY b.year, b.project_key, b.project_code, b.source_file, b.source_line
HAVING 2 * count(*) FILTER (WHERE t.quantitative) < count(*)
