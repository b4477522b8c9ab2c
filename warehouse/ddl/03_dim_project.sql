CREATE TABLE IF NOT EXISTS dim_project (
    project_key INTEGER NOT NULL,
    project_code VARCHAR NOT NULL,
    project_name VARCHAR,
    function_code VARCHAR,
    function_name VARCHAR,
    activity_code VARCHAR,
    activity_name VARCHAR,
    handler_name VARCHAR,
    handler_phone_masked VARCHAR,
    project_kind VARCHAR
);
COMMENT ON TABLE dim_project IS 'Budget projects (预算项目), attributes from the newest delivery / 项目维度';
COMMENT ON COLUMN dim_project.project_key IS 'Surrogate key, stable from run to run / 项目代理键';
COMMENT ON COLUMN dim_project.project_code IS 'Project code, e.g. 54010024T000001414726 / 项目编码';
COMMENT ON COLUMN dim_project.project_name IS 'Project name / 项目名称';
COMMENT ON COLUMN dim_project.function_code IS 'Function (职能职责) code, e.g. 04 / 职能职责编码';
COMMENT ON COLUMN dim_project.function_name IS 'Function name, e.g. 办公室 / 职能职责名称';
COMMENT ON COLUMN dim_project.activity_code IS 'Activity (活动) code, e.g. 01 / 活动编码';
COMMENT ON COLUMN dim_project.activity_name IS 'Activity name, e.g. 对个人和家庭补助 / 活动名称';
COMMENT ON COLUMN dim_project.handler_name IS 'Project handler / 项目经办人';
COMMENT ON COLUMN dim_project.handler_phone_masked IS 'Handler phone, masked (180****7157); the full number never reaches the warehouse / 经办人电话（脱敏）';
COMMENT ON COLUMN dim_project.project_kind IS 'project (a budget project''s table) or department (a whole department''s table, 部门整体绩效目标表: the department under its budget code) / 项目类别';
