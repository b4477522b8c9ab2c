-- R306: a duration beyond a year: a target or this year's value above the most a year holds in
-- its unit (`duration_limits.csv`: 366 天, 12 月 …).
WITH valued AS (
    SELECT t.*, v.column_name, v.amount, d.most_in_a_year
    FROM review_targets AS t
    JOIN review_duration_limit AS d USING (measure_unit),
    LATERAL (VALUES ('target_value', t.target_value), ('year_target_value', t.year_target_value))
        AS v(column_name, amount)
)
SELECT
    year, project_key, project_code, source_file, source_line, column_name,
    format('{} {}', review_number(amount), measure_unit) AS value,
    level3_name AS evidence,
    format('{}: {} {} is more than a year holds ({} {})', level3_name, review_number(amount),
           measure_unit, most_in_a_year, measure_unit) AS message
FROM valued
WHERE amount > most_in_a_year
