CREATE OR REPLACE VIEW v_target_review AS
SELECT
    m.year,
    u.unit_code,
    u.unit_name,
    p.project_code,
    p.project_name,
    m.score,
    m.grade,
    m.flagged_rules,
    m.findings,
    CAST(m.total_yuan / 10000 AS DECIMAL(18, 4)) AS total_wan_yuan,
    CAST(m.goal_amount_yuan / 10000 AS DECIMAL(18, 4)) AS goal_amount_wan_yuan,
    m.goal_money_agrees,
    m.framework,
    m.level1_missing,
    m.has_quantity_indicator,
    m.has_quality_indicator,
    m.indicator_count,
    m.quantitative_pct,
    m.vague_targets,
    m.weight_total,
    m.weights_sum_to_100,
    m.goal_counts_matched,
    m.goal_counts_disagreeing,
    m.durations_beyond_year,
    m.percentages_above_100,
    m.weak_satisfaction_targets,
    m.contradicting_year_values,
    m.previous_year,
    m.targets_lowered,
    m.indicators_dropped,
    m.total_change_pct
FROM mart_target_review AS m
JOIN dim_unit AS u USING (unit_key)
JOIN dim_project AS p USING (project_key);
COMMENT ON VIEW v_target_review IS 'Target review per project-year, with names and money in 万元 / 绩效目标审核（可读）';
COMMENT ON COLUMN v_target_review.year IS 'Budget year / 年度';
COMMENT ON COLUMN v_target_review.unit_code IS 'Unit code / 单位编码';
COMMENT ON COLUMN v_target_review.unit_name IS 'Unit name / 单位名称';
COMMENT ON COLUMN v_target_review.project_code IS 'Project code / 项目编码';
COMMENT ON COLUMN v_target_review.project_name IS 'Project name / 项目名称';
COMMENT ON COLUMN v_target_review.score IS 'Review score, 0–100 / 审核得分';
COMMENT ON COLUMN v_target_review.grade IS 'A ≥ 90, B ≥ 75, C ≥ 60, D below / 等级';
COMMENT ON COLUMN v_target_review.flagged_rules IS 'Rules that flagged the project-year (dq_rule) / 触发规则';
COMMENT ON COLUMN v_target_review.findings IS 'Review findings (see v_review_findings) / 审核发现数';
COMMENT ON COLUMN v_target_review.total_wan_yuan IS 'The table''s total in 万元 / 项目总额（万元）';
COMMENT ON COLUMN v_target_review.goal_amount_wan_yuan IS 'Amount the annual goal states, in 万元 / 年度目标所述金额（万元）';
COMMENT ON COLUMN v_target_review.goal_money_agrees IS 'The goal''s amounts equal the total or a funding line (R304) / 目标金额与预算一致';
COMMENT ON COLUMN v_target_review.framework IS '2021 or pre-2021 indicator framework / 指标体系';
COMMENT ON COLUMN v_target_review.level1_missing IS 'Required dimensions missing (R301) / 缺少的一级指标';
COMMENT ON COLUMN v_target_review.has_quantity_indicator IS 'At least one 数量指标 (R302) / 有数量指标';
COMMENT ON COLUMN v_target_review.has_quality_indicator IS 'At least one 质量指标 (R302) / 有质量指标';
COMMENT ON COLUMN v_target_review.indicator_count IS 'Indicator rows / 指标数';
COMMENT ON COLUMN v_target_review.quantitative_pct IS 'Share of quantitative indicators, % (R313) / 定量指标占比（%）';
COMMENT ON COLUMN v_target_review.vague_targets IS 'Vague qualitative targets (R303) / 模糊定性目标数';
COMMENT ON COLUMN v_target_review.weight_total IS 'Σ year weights + execution weight (W101) / 权重合计';
COMMENT ON COLUMN v_target_review.weights_sum_to_100 IS 'Weights add up to 100 (W101) / 权重合计为100';
COMMENT ON COLUMN v_target_review.goal_counts_matched IS 'Counts in the goal matched to an indicator / 目标数量匹配数';
COMMENT ON COLUMN v_target_review.goal_counts_disagreeing IS 'Matched counts that differ (R305) / 目标数量不一致数';
COMMENT ON COLUMN v_target_review.durations_beyond_year IS 'Durations beyond a year (R306) / 超过一年的时长';
COMMENT ON COLUMN v_target_review.percentages_above_100 IS 'Percentages above 100 (R307) / 超过100%的比率';
COMMENT ON COLUMN v_target_review.weak_satisfaction_targets IS 'Satisfaction targets with ≤ or below 80 % (R308) / 满意度目标偏弱';
COMMENT ON COLUMN v_target_review.contradicting_year_values IS 'This year''s values missing their target (R309) / 本年值与目标矛盾';
COMMENT ON COLUMN v_target_review.previous_year IS 'Previous year loaded for the project / 上年';
COMMENT ON COLUMN v_target_review.targets_lowered IS 'Targets lowered from last year (R310) / 目标下调数';
COMMENT ON COLUMN v_target_review.indicators_dropped IS 'Last year''s indicators dropped (R311) / 删除指标数';
COMMENT ON COLUMN v_target_review.total_change_pct IS 'Change of the total from last year, % (R312) / 总额变动（%）';
