CREATE TABLE IF NOT EXISTS fact_indicator_target (
    year INTEGER NOT NULL,
    unit_key INTEGER NOT NULL,
    project_key INTEGER NOT NULL,
    indicator_key INTEGER NOT NULL,
    operator VARCHAR,
    operator_raw VARCHAR,
    target_value DECIMAL(18, 4),
    target_text VARCHAR,
    year_target_value DECIMAL(18, 4),
    year_target_text VARCHAR,
    measure_unit VARCHAR,
    measure_unit_raw VARCHAR,
    weight DECIMAL(9, 2),
    year_weight DECIMAL(9, 2),
    remark VARCHAR,
    source_file VARCHAR NOT NULL,
    source_line INTEGER NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    source_table INTEGER NOT NULL,
    definition VARCHAR,
    standard VARCHAR,
    direction VARCHAR,
    value_type VARCHAR
);
COMMENT ON TABLE fact_indicator_target IS 'One indicator row of one project''s table in one year / 绩效指标目标事实';
COMMENT ON COLUMN fact_indicator_target.year IS 'Budget year / 年度';
COMMENT ON COLUMN fact_indicator_target.unit_key IS 'dim_unit key / 单位键';
COMMENT ON COLUMN fact_indicator_target.project_key IS 'dim_project key / 项目键';
COMMENT ON COLUMN fact_indicator_target.indicator_key IS 'dim_indicator key / 指标键';
COMMENT ON COLUMN fact_indicator_target.operator IS 'Canonical operator: >=, <=, =, >, <, qualitative / 指标性质（规范）';
COMMENT ON COLUMN fact_indicator_target.operator_raw IS 'Operator as written (≥, ≤, 定性…) / 指标性质（原文）';
COMMENT ON COLUMN fact_indicator_target.target_value IS 'Target value when numeric / 指标值（数值）';
COMMENT ON COLUMN fact_indicator_target.target_text IS 'Target when not a number (定性, 提高…) / 指标值（文本）';
COMMENT ON COLUMN fact_indicator_target.year_target_value IS 'This year''s target when numeric / 本年绩效指标值（数值）';
COMMENT ON COLUMN fact_indicator_target.year_target_text IS 'This year''s target when not a number / 本年绩效指标值（文本）';
COMMENT ON COLUMN fact_indicator_target.measure_unit IS 'Canonical unit of measure (万 becomes 万元) / 度量单位（规范）';
COMMENT ON COLUMN fact_indicator_target.measure_unit_raw IS 'Unit of measure as written / 度量单位（原文）';
COMMENT ON COLUMN fact_indicator_target.weight IS 'Weight (%) / 权重';
COMMENT ON COLUMN fact_indicator_target.year_weight IS 'This year''s weight / 本年权重';
COMMENT ON COLUMN fact_indicator_target.remark IS 'Remark / 备注';
COMMENT ON COLUMN fact_indicator_target.source_file IS 'Landing file, relative to the landing folder / 来源文件';
COMMENT ON COLUMN fact_indicator_target.source_line IS '1-based line of this indicator row in the source file / 来源行号';
COMMENT ON COLUMN fact_indicator_target.source_sha256 IS 'sha256 of the source file content / 来源文件哈希';
COMMENT ON COLUMN fact_indicator_target.source_table IS '1-based position of the table in its file / 文件内表序号';
COMMENT ON COLUMN fact_indicator_target.definition IS 'What the indicator measures, where the table explains it / 指标解释';
COMMENT ON COLUMN fact_indicator_target.standard IS 'Standard the target is set by: 计划标准, 历史标准, 行业标准 … / 绩效标准';
COMMENT ON COLUMN fact_indicator_target.direction IS 'Direction as written (正向: higher is better, 反向: lower is better) / 指标方向性';
COMMENT ON COLUMN fact_indicator_target.value_type IS 'Value type as written (定量 / 定性) / 指标值类型';
