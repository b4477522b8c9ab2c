-- R302: the outputs lack a quantity (数量指标) or a quality (质量指标) indicator.
WITH missing AS (
    SELECT *, unnest(list_filter([
        CASE WHEN NOT has_quantity THEN '数量指标' END,
        CASE WHEN NOT has_quality THEN '质量指标' END
    ], lambda name: name IS NOT NULL)) AS dimension
    FROM review_profile
)
SELECT
    year, project_key, project_code, source_file, source_line,
    'level2_name' AS column_name, dimension AS value, NULL AS evidence,
    format('no {} among the outputs', dimension) AS message
FROM missing
