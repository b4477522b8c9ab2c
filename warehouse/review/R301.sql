-- R301: a level-1 dimension the table's framework requires is missing.
-- 产出, 效益 and 满意度 always; and a cost target: at level 1 (成本指标) in the 2021 framework,
-- as 产出指标's 成本指标 in the one before it. A table with a level-1 成本指标 uses the 2021 one.
WITH missing AS (
    SELECT *, unnest(list_filter([
        CASE WHEN NOT has_output THEN '产出指标' END,
        CASE WHEN NOT has_outcome THEN '效益指标' END,
        CASE WHEN NOT has_satisfaction THEN '满意度指标' END,
        CASE WHEN NOT has_cost THEN '成本指标' END
    ], lambda name: name IS NOT NULL)) AS dimension
    FROM review_profile
)
SELECT
    year, project_key, project_code, source_file, source_line,
    'level1_name' AS column_name, dimension AS value, NULL AS evidence,
    CASE dimension
        WHEN '成本指标' THEN 'no cost target: no 成本指标 at level 1 nor under 产出指标'
        ELSE format('no {} in the table', dimension)
    END AS message
FROM missing
