-- R302: the outputs lack a quantity (数量指标) or a quality (质量指标) indicator.
WITH present AS (
    SELECT
        year, project_key,
        bool_or(level2_en = 'quantity') AS quantity,
        bool_or(level2_en = 'quality') AS quality
    FROM review_targets
    GROUP BY year, project_key
),
missing AS (
    SELECT b.*, unnest(list_filter([
        CASE WHEN NOT coalesce(p.quantity, false) THEN '数量指标' END,
        CASE WHEN NOT coalesce(p.quality, false) THEN '质量指标' END
    ], lambda name: name IS NOT NULL)) AS dimension
    FROM review_budget AS b
    LEFT JOIN present AS p USING (year, project_key)
)
SELECT
    year, project_key, project_code, source_file, source_line,
    'level2_name' AS column_name, dimension AS value, NULL AS evidence,
    format('no {} among the outputs', dimension) AS message
FROM missing
