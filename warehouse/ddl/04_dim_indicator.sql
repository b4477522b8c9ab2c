CREATE TABLE IF NOT EXISTS dim_indicator (
    indicator_key INTEGER NOT NULL,
    level1_name VARCHAR NOT NULL,
    level1_en VARCHAR,
    level2_name VARCHAR NOT NULL,
    level2_en VARCHAR,
    level3_name VARCHAR NOT NULL
);
COMMENT ON TABLE dim_indicator IS 'Indicator hierarchy: level 1 / level 2 canonical, level 3 the indicator itself / 指标维度';
COMMENT ON COLUMN dim_indicator.indicator_key IS 'Surrogate key, stable from run to run / 指标代理键';
COMMENT ON COLUMN dim_indicator.level1_name IS 'Level-1 indicator, canonical (产出指标…) / 一级指标';
COMMENT ON COLUMN dim_indicator.level1_en IS 'Level-1 in English (output, outcome, satisfaction, cost) / 一级指标英文';
COMMENT ON COLUMN dim_indicator.level2_name IS 'Level-2 indicator, canonical, repaired when truncated / 二级指标';
COMMENT ON COLUMN dim_indicator.level2_en IS 'Level-2 in English (quantity, quality…) / 二级指标英文';
COMMENT ON COLUMN dim_indicator.level3_name IS 'Level-3 indicator: the indicator''s own name / 三级指标';
