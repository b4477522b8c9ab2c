CREATE OR REPLACE VIEW v_project_scorecard AS
WITH indicators AS (
    SELECT
        f.year,
        f.project_key,
        count(*) AS indicator_count,
        count(*) FILTER (WHERE i.level1_en = 'output') AS output_indicators,
        count(*) FILTER (WHERE i.level1_en = 'outcome') AS outcome_indicators,
        count(*) FILTER (WHERE i.level1_en = 'satisfaction') AS satisfaction_indicators,
        count(*) FILTER (WHERE i.level1_en = 'cost') AS cost_indicators,
        coalesce(sum(f.year_weight), 0) AS year_weight_total
    FROM fact_indicator_target AS f
    JOIN dim_indicator AS i USING (indicator_key)
    GROUP BY f.year, f.project_key
),
issues AS (
    SELECT
        year,
        project_code,
        count(*) FILTER (WHERE severity = 'warning') AS warning_count,
        count(*) FILTER (WHERE severity = 'error') AS error_count
    FROM dq_issue
    GROUP BY year, project_code
)
SELECT
    b.year,
    u.unit_code,
    u.unit_name,
    p.project_code,
    p.project_name,
    b.total_yuan * 0.0001 AS total_wan_yuan,
    b.fiscal_yuan * 0.0001 AS fiscal_wan_yuan,
    coalesce(n.indicator_count, 0) AS indicator_count,
    coalesce(n.output_indicators, 0) AS output_indicators,
    coalesce(n.outcome_indicators, 0) AS outcome_indicators,
    coalesce(n.satisfaction_indicators, 0) AS satisfaction_indicators,
    coalesce(n.cost_indicators, 0) AS cost_indicators,
    b.execution_weight,
    coalesce(n.year_weight_total, 0) + coalesce(b.execution_weight, 0) AS weight_total,
    coalesce(q.warning_count, 0) AS warning_count,
    coalesce(q.error_count, 0) AS error_count
FROM fact_project_budget AS b
JOIN dim_unit AS u USING (unit_key)
JOIN dim_project AS p USING (project_key)
LEFT JOIN indicators AS n ON n.year = b.year AND n.project_key = b.project_key
LEFT JOIN issues AS q ON q.year = b.year AND q.project_code = p.project_code;
COMMENT ON VIEW v_project_scorecard IS 'Per project-year: budget in 万元, indicator counts per level 1, weight total, findings / 项目绩效概览';
COMMENT ON COLUMN v_project_scorecard.year IS 'Budget year / 年度';
COMMENT ON COLUMN v_project_scorecard.unit_code IS 'Unit code / 单位编码';
COMMENT ON COLUMN v_project_scorecard.unit_name IS 'Unit name / 单位名称';
COMMENT ON COLUMN v_project_scorecard.project_code IS 'Project code / 项目编码';
COMMENT ON COLUMN v_project_scorecard.project_name IS 'Project name / 项目名称';
COMMENT ON COLUMN v_project_scorecard.total_wan_yuan IS 'Project total in 万元 / 项目总额（万元）';
COMMENT ON COLUMN v_project_scorecard.fiscal_wan_yuan IS 'Fiscal funds in 万元 / 财政资金（万元）';
COMMENT ON COLUMN v_project_scorecard.indicator_count IS 'Indicator rows / 指标数';
COMMENT ON COLUMN v_project_scorecard.output_indicators IS 'Output (产出) indicators / 产出指标数';
COMMENT ON COLUMN v_project_scorecard.outcome_indicators IS 'Outcome (效益) indicators / 效益指标数';
COMMENT ON COLUMN v_project_scorecard.satisfaction_indicators IS 'Satisfaction (满意度) indicators / 满意度指标数';
COMMENT ON COLUMN v_project_scorecard.cost_indicators IS 'Cost (成本) indicators at level 1 / 成本指标数';
COMMENT ON COLUMN v_project_scorecard.execution_weight IS 'Execution-rate weight / 预算执行率权重';
COMMENT ON COLUMN v_project_scorecard.weight_total IS 'Σ year weights + execution weight (should be 100) / 权重合计';
COMMENT ON COLUMN v_project_scorecard.warning_count IS 'Warning findings for this project-year / 警告数';
COMMENT ON COLUMN v_project_scorecard.error_count IS 'Error findings for this project-year / 错误数';
