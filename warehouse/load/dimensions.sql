-- Dimensions grow by new natural keys only, so surrogate keys never change; attributes follow
-- the newest delivery.
INSERT INTO dim_year
SELECT DISTINCT year FROM incoming_budget
WHERE year NOT IN (SELECT year FROM dim_year);

CREATE OR REPLACE TEMP TABLE incoming_unit AS
SELECT
    unit_code,
    arg_max(unit_name, delivered_at) AS unit_name,
    arg_max(department_code, delivered_at) AS department_code,
    arg_max(department_name, delivered_at) AS department_name
FROM incoming_budget
GROUP BY unit_code;

UPDATE dim_unit AS d
SET unit_name = i.unit_name, department_code = i.department_code,
    department_name = i.department_name
FROM incoming_unit AS i
WHERE d.unit_code = i.unit_code
  AND (d.unit_name IS DISTINCT FROM i.unit_name
       OR d.department_code IS DISTINCT FROM i.department_code
       OR d.department_name IS DISTINCT FROM i.department_name);

INSERT INTO dim_unit
SELECT
    (SELECT coalesce(max(unit_key), 0) FROM dim_unit) + row_number() OVER (ORDER BY unit_code),
    unit_code, unit_name, department_code, department_name
FROM incoming_unit
WHERE unit_code NOT IN (SELECT unit_code FROM dim_unit);

CREATE OR REPLACE TEMP TABLE incoming_project AS
SELECT
    project_code,
    arg_max(project_name, delivered_at) AS project_name,
    arg_max(function_code, delivered_at) AS function_code,
    arg_max(function_name, delivered_at) AS function_name,
    arg_max(activity_code, delivered_at) AS activity_code,
    arg_max(activity_name, delivered_at) AS activity_name,
    arg_max(handler_name, delivered_at) AS handler_name,
    arg_max(handler_phone_masked, delivered_at) AS handler_phone_masked,
    arg_max(project_kind, delivered_at) AS project_kind
FROM incoming_budget
GROUP BY project_code;

UPDATE dim_project AS d
SET project_name = i.project_name, function_code = i.function_code,
    function_name = i.function_name, activity_code = i.activity_code,
    activity_name = i.activity_name, handler_name = i.handler_name,
    handler_phone_masked = i.handler_phone_masked, project_kind = i.project_kind
FROM incoming_project AS i
WHERE d.project_code = i.project_code
  AND (d.project_name IS DISTINCT FROM i.project_name
       OR d.function_code IS DISTINCT FROM i.function_code
       OR d.function_name IS DISTINCT FROM i.function_name
       OR d.activity_code IS DISTINCT FROM i.activity_code
       OR d.activity_name IS DISTINCT FROM i.activity_name
       OR d.handler_name IS DISTINCT FROM i.handler_name
       OR d.handler_phone_masked IS DISTINCT FROM i.handler_phone_masked
       OR d.project_kind IS DISTINCT FROM i.project_kind);

INSERT INTO dim_project
SELECT
    (SELECT coalesce(max(project_key), 0) FROM dim_project)
        + row_number() OVER (ORDER BY project_code),
    project_code, project_name, function_code, function_name, activity_code, activity_name,
    handler_name, handler_phone_masked, project_kind
FROM incoming_project
WHERE project_code NOT IN (SELECT project_code FROM dim_project);

CREATE OR REPLACE TEMP TABLE incoming_indicator AS
SELECT DISTINCT
    level1_name,
    coalesce(level2_name, '') AS level2_name,
    coalesce(level3_name, '') AS level3_name,
    level1_en,
    level2_en
FROM incoming_targets;

INSERT INTO dim_indicator
SELECT
    (SELECT coalesce(max(indicator_key), 0) FROM dim_indicator)
        + row_number() OVER (ORDER BY i.level1_name, i.level2_name, i.level3_name),
    i.level1_name, any_value(i.level1_en), i.level2_name, any_value(i.level2_en), i.level3_name
FROM incoming_indicator AS i
WHERE NOT EXISTS (
    SELECT 1 FROM dim_indicator AS d
    WHERE d.level1_name = i.level1_name AND d.level2_name = i.level2_name
      AND d.level3_name = i.level3_name
)
GROUP BY i.level1_name, i.level2_name, i.level3_name;
