CREATE TABLE IF NOT EXISTS dim_unit (
    unit_key INTEGER NOT NULL,
    unit_code VARCHAR NOT NULL,
    unit_name VARCHAR,
    department_code VARCHAR,
    department_name VARCHAR
);
COMMENT ON TABLE dim_unit IS 'Budget units (预算单位) and their supervising department (主管部门) / 单位维度';
COMMENT ON COLUMN dim_unit.unit_key IS 'Surrogate key, stable from run to run / 单位代理键';
COMMENT ON COLUMN dim_unit.unit_code IS 'Unit code, e.g. 117001 / 单位编码';
COMMENT ON COLUMN dim_unit.unit_name IS 'Unit name, e.g. 拉萨市民族事务委员会本级 / 单位名称';
COMMENT ON COLUMN dim_unit.department_code IS 'Supervising department code, e.g. 117 / 主管部门编码';
COMMENT ON COLUMN dim_unit.department_name IS 'Supervising department name / 主管部门名称';
