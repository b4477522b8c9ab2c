-- R307: a percentage above 100 as a target to reach (≥, > or =).
WITH valued AS (
    SELECT t.*, v.column_name, v.amount
    FROM review_targets AS t,
    LATERAL (VALUES ('target_value', t.target_value), ('year_target_value', t.year_target_value))
        AS v(column_name, amount)
    WHERE t.measure_unit = '%' AND t.operator IN ('>=', '>', '=')
)
SELECT
    year, project_key, project_code, source_file, source_line, column_name,
    format('{} %', review_number(amount)) AS value,
    level3_name AS evidence,
    format('{}: {} {} % cannot be reached', level3_name, operator, review_number(amount))
        AS message
FROM valued
WHERE amount > 100
