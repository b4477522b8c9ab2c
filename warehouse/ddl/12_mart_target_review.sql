CREATE TABLE IF NOT EXISTS mart_target_review (
    year INTEGER NOT NULL,
    unit_key INTEGER NOT NULL,
    project_key INTEGER NOT NULL,
    project_code VARCHAR NOT NULL,
    framework VARCHAR NOT NULL,
    level1_missing VARCHAR,
    has_quantity_indicator BOOLEAN NOT NULL,
    has_quality_indicator BOOLEAN NOT NULL,
    indicator_count INTEGER NOT NULL,
    quantitative_count INTEGER NOT NULL,
    quantitative_pct DECIMAL(5, 1),
    vague_targets INTEGER NOT NULL,
    weight_total DECIMAL(9, 2),
    weights_sum_to_100 BOOLEAN NOT NULL,
    total_yuan DECIMAL(18, 2),
    goal_amount_yuan DECIMAL(18, 2),
    goal_money_agrees BOOLEAN,
    goal_counts_matched INTEGER NOT NULL,
    goal_counts_disagreeing INTEGER NOT NULL,
    durations_beyond_year INTEGER NOT NULL,
    percentages_above_100 INTEGER NOT NULL,
    weak_satisfaction_targets INTEGER NOT NULL,
    contradicting_year_values INTEGER NOT NULL,
    previous_year INTEGER,
    targets_lowered INTEGER,
    indicators_dropped INTEGER,
    total_change_pct DECIMAL(9, 1),
    findings INTEGER NOT NULL,
    flagged_rules VARCHAR,
    score INTEGER NOT NULL,
    grade VARCHAR NOT NULL,
    reviewed_at TIMESTAMP
);
COMMENT ON TABLE mart_target_review IS 'Target review per project-year: one column per check, the score and grade (rules R3xx and W101) / 绩效目标审核';
COMMENT ON COLUMN mart_target_review.year IS 'Budget year / 年度';
COMMENT ON COLUMN mart_target_review.unit_key IS 'dim_unit key / 单位键';
COMMENT ON COLUMN mart_target_review.project_key IS 'dim_project key / 项目键';
COMMENT ON COLUMN mart_target_review.project_code IS 'Project code / 项目编码';
COMMENT ON COLUMN mart_target_review.framework IS '2021 (成本指标 at level 1) or pre-2021 (cost under 产出指标) / 指标体系';
COMMENT ON COLUMN mart_target_review.level1_missing IS 'Required dimensions missing, e.g. 成本指标 (R301) / 缺少的一级指标';
COMMENT ON COLUMN mart_target_review.has_quantity_indicator IS 'At least one 数量指标 (R302) / 有数量指标';
COMMENT ON COLUMN mart_target_review.has_quality_indicator IS 'At least one 质量指标 (R302) / 有质量指标';
COMMENT ON COLUMN mart_target_review.indicator_count IS 'Indicator rows / 指标数';
COMMENT ON COLUMN mart_target_review.quantitative_count IS 'Indicators with a comparison and a number / 定量指标数';
COMMENT ON COLUMN mart_target_review.quantitative_pct IS 'Share of quantitative indicators, % (R313 below 50) / 定量指标占比（%）';
COMMENT ON COLUMN mart_target_review.vague_targets IS 'Vague qualitative targets such as 提高 with no measure (R303) / 模糊定性目标数';
COMMENT ON COLUMN mart_target_review.weight_total IS 'Σ year weights + execution weight (W101 unless 100) / 权重合计';
COMMENT ON COLUMN mart_target_review.weights_sum_to_100 IS 'Weights add up to 100 (W101) / 权重合计为100';
COMMENT ON COLUMN mart_target_review.total_yuan IS 'The table''s total in yuan / 项目总额（元）';
COMMENT ON COLUMN mart_target_review.goal_amount_yuan IS 'First amount the annual goal states for the project, in yuan / 年度目标所述金额（元）';
COMMENT ON COLUMN mart_target_review.goal_money_agrees IS 'Every amount the goal states equals the total or a funding line; NULL when it states none (R304) / 目标金额与预算一致';
COMMENT ON COLUMN mart_target_review.goal_counts_matched IS 'Counts in the goal matched to an indicator / 目标数量匹配数';
COMMENT ON COLUMN mart_target_review.goal_counts_disagreeing IS 'Matched counts that differ from the indicator''s target (R305) / 目标数量不一致数';
COMMENT ON COLUMN mart_target_review.durations_beyond_year IS 'Values beyond 366 days or 12 months (R306) / 超过一年的时长';
COMMENT ON COLUMN mart_target_review.percentages_above_100 IS 'Percentages above 100 to reach (R307) / 超过100%的比率';
COMMENT ON COLUMN mart_target_review.weak_satisfaction_targets IS 'Satisfaction targets with ≤ or below 80 % (R308) / 满意度目标偏弱';
COMMENT ON COLUMN mart_target_review.contradicting_year_values IS 'This year''s values that miss their own target (R309) / 本年值与目标矛盾';
COMMENT ON COLUMN mart_target_review.previous_year IS 'The project''s previous year in the warehouse, if loaded / 上年';
COMMENT ON COLUMN mart_target_review.targets_lowered IS 'Targets less ambitious than last year (R310) / 目标下调数';
COMMENT ON COLUMN mart_target_review.indicators_dropped IS 'Last year''s indicators missing this year (R311) / 删除指标数';
COMMENT ON COLUMN mart_target_review.total_change_pct IS 'Change of the total from last year, % (R312 at 20 or more) / 总额变动（%）';
COMMENT ON COLUMN mart_target_review.findings IS 'Review findings (review_finding rows, plus W101) / 审核发现数';
COMMENT ON COLUMN mart_target_review.flagged_rules IS 'Rules that flagged the project-year / 触发规则';
COMMENT ON COLUMN mart_target_review.score IS '100 minus each rule''s points per finding, capped per rule (dq_rule) / 审核得分';
COMMENT ON COLUMN mart_target_review.grade IS 'A ≥ 90, B ≥ 75, C ≥ 60, D below / 等级';
COMMENT ON COLUMN mart_target_review.reviewed_at IS 'When the project-year was last reviewed / 审核时间';
