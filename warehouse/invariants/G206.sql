-- G206: every table this load published has the total and the indicator row count of its
-- silver rows (`silver_budget`, `silver_targets`: the silver of this load's versions).
WITH loaded AS (
    SELECT source_sha256, source_table, any_value(source_file) AS source_file,
           sum(total_yuan) AS fact_total, count(*) AS fact_tables
    FROM fact_project_budget
    WHERE source_sha256 IN (SELECT source_sha256 FROM loaded_version)
    GROUP BY ALL
),
fact_rows AS (
    SELECT source_sha256, source_table, count(*) AS fact_rows
    FROM fact_indicator_target
    WHERE source_sha256 IN (SELECT source_sha256 FROM loaded_version)
    GROUP BY ALL
),
budget AS (
    SELECT source_sha256, table_seq AS source_table, sum(total_yuan) AS silver_total
    FROM silver_budget
    WHERE source_sha256 IN (SELECT source_sha256 FROM loaded)
    GROUP BY ALL
),
target_rows AS (
    SELECT source_sha256, table_seq AS source_table, count(*) AS silver_rows
    FROM silver_targets
    WHERE source_sha256 IN (SELECT source_sha256 FROM loaded)
    GROUP BY ALL
)
SELECT l.source_file, l.source_table, l.fact_total, b.silver_total,
       coalesce(r.fact_rows, 0) AS fact_rows, coalesce(s.silver_rows, 0) AS silver_rows
FROM loaded AS l
LEFT JOIN budget AS b USING (source_sha256, source_table)
LEFT JOIN fact_rows AS r USING (source_sha256, source_table)
LEFT JOIN target_rows AS s USING (source_sha256, source_table)
WHERE l.fact_total IS DISTINCT FROM b.silver_total
   OR coalesce(r.fact_rows, 0) <> coalesce(s.silver_rows, 0)
   OR l.fact_tables <> 1
