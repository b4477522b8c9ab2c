CREATE TABLE IF NOT EXISTS dim_year (
    year INTEGER NOT NULL
);
COMMENT ON TABLE dim_year IS 'Budget years present in the warehouse / 预算年度';
COMMENT ON COLUMN dim_year.year IS 'Budget year, from the table title (2024年度绩效目标表) / 年度';
