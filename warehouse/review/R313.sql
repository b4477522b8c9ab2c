-- R313: fewer than half of the indicators are quantitative (a comparison and a number).
SELECT
    year, project_key, project_code, source_file, source_line,
    'operator' AS column_name,
    format('{} of {}', quantitative_count, indicator_count) AS value,
    NULL AS evidence,
    format('{} of {} indicators are quantitative', quantitative_count, indicator_count)
        AS message
FROM review_profile
WHERE 2 * quantitative_count < indicator_count
