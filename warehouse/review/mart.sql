-- The review mart: one row per project-year in scope, a column per check, the score and grade,
-- from `review_mart_rows` (the profile, the goal's money and counts, the previous year and the
-- findings tallied per project-year: see `mart_rows` in __init__.py).
-- The score is 100 minus, for every rule that flagged the project-year, its points per finding
-- up to its cap (`dq_rule`; W101's weight check counts once). Grades: A ≥ 90, B ≥ 75, C ≥ 60.
INSERT INTO mart_target_review
WITH checked AS (
    SELECT
        *,
        weights + coalesce(execution_weight, 0) AS weight_total,
        greatest(0, 100 - coalesce(points_off, 0)) AS score
    FROM review_mart_rows
)
SELECT
    year, unit_key, project_key, project_code,
    CASE WHEN cost_at_level1 THEN '2021' ELSE 'pre-2021' END AS framework,
    level1_missing,
    has_quantity, has_quality, indicator_count, quantitative_count,
    CAST(round(100.0 * quantitative_count / indicator_count, 1) AS DECIMAL(5, 1)),
    coalesce(vague_targets, 0),
    weight_total,
    indicator_count = 0 OR weight_total = 100,
    total_yuan,
    CAST(goal_amount_yuan AS DECIMAL(18, 2)),
    goal_money_agrees,
    coalesce(goal_counts_matched, 0),
    coalesce(goal_counts_disagreeing, 0),
    coalesce(durations_beyond_year, 0),
    coalesce(percentages_above_100, 0),
    coalesce(weak_satisfaction_targets, 0),
    coalesce(contradicting_year_values, 0),
    previous_year,
    CASE WHEN previous_year IS NOT NULL THEN coalesce(targets_lowered, 0) END,
    CASE WHEN previous_year IS NOT NULL THEN coalesce(indicators_dropped, 0) END,
    CAST(round(100 * (total_yuan - previous_total_yuan) / nullif(previous_total_yuan, 0), 1)
        AS DECIMAL(9, 1)),
    coalesce(findings, 0),
    flagged_rules,
    score,
    CASE WHEN score >= 90 THEN 'A' WHEN score >= 75 THEN 'B' WHEN score >= 60 THEN 'C' ELSE 'D' END,
    (SELECT ingested_at FROM run_info)
FROM checked;
