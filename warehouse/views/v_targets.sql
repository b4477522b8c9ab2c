CREATE OR REPLACE VIEW v_targets AS
SELECT
    f.year,
    u.unit_code,
    u.unit_name,
    u.department_code,
    u.department_name,
    p.project_code,
    p.project_name,
    p.function_name,
    p.activity_name,
    i.level1_name,
    i.level1_en,
    i.level2_name,
    i.level2_en,
    i.level3_name,
    f.operator,
    f.operator_raw,
    f.target_value,
    f.target_text,
    f.year_target_value,
    f.year_target_text,
    f.measure_unit,
    f.weight,
    f.year_weight,
    f.remark,
    f.source_file,
    f.source_line
FROM fact_indicator_target AS f
JOIN dim_unit AS u USING (unit_key)
JOIN dim_project AS p USING (project_key)
JOIN dim_indicator AS i USING (indicator_key);
COMMENT ON VIEW v_targets IS 'One wide row per indicator target, with unit, project, year and hierarchy / 绩效指标目标宽表';
COMMENT ON COLUMN v_targets.year IS 'Budget year / 年度';
COMMENT ON COLUMN v_targets.unit_code IS 'Unit code / 单位编码';
COMMENT ON COLUMN v_targets.unit_name IS 'Unit name / 单位名称';
COMMENT ON COLUMN v_targets.department_code IS 'Supervising department code / 主管部门编码';
COMMENT ON COLUMN v_targets.department_name IS 'Supervising department / 主管部门';
COMMENT ON COLUMN v_targets.project_code IS 'Project code / 项目编码';
COMMENT ON COLUMN v_targets.project_name IS 'Project name / 项目名称';
COMMENT ON COLUMN v_targets.function_name IS 'Function / 职能职责';
COMMENT ON COLUMN v_targets.activity_name IS 'Activity / 活动';
COMMENT ON COLUMN v_targets.level1_name IS 'Level-1 indicator / 一级指标';
COMMENT ON COLUMN v_targets.level1_en IS 'Level-1 in English / 一级指标英文';
COMMENT ON COLUMN v_targets.level2_name IS 'Level-2 indicator / 二级指标';
COMMENT ON COLUMN v_targets.level2_en IS 'Level-2 in English / 二级指标英文';
COMMENT ON COLUMN v_targets.level3_name IS 'Level-3 indicator / 三级指标';
COMMENT ON COLUMN v_targets.operator IS 'Canonical operator / 指标性质';
COMMENT ON COLUMN v_targets.operator_raw IS 'Operator as written / 指标性质（原文）';
COMMENT ON COLUMN v_targets.target_value IS 'Numeric target / 指标值';
COMMENT ON COLUMN v_targets.target_text IS 'Textual target / 指标值（文本）';
COMMENT ON COLUMN v_targets.year_target_value IS 'This year''s numeric target / 本年绩效指标值';
COMMENT ON COLUMN v_targets.year_target_text IS 'This year''s textual target / 本年绩效指标值（文本）';
COMMENT ON COLUMN v_targets.measure_unit IS 'Unit of measure / 度量单位';
COMMENT ON COLUMN v_targets.weight IS 'Weight / 权重';
COMMENT ON COLUMN v_targets.year_weight IS 'This year''s weight / 本年权重';
COMMENT ON COLUMN v_targets.remark IS 'Remark / 备注';
COMMENT ON COLUMN v_targets.source_file IS 'Source file / 来源文件';
COMMENT ON COLUMN v_targets.source_line IS 'Source line / 来源行号';
