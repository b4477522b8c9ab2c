-- The review mart: one row per project-year in scope, a column per check, the score and grade.
-- The score is 100 minus, for every rule that flagged the project-year, its points per finding
-- up to its cap (`dq_rule`; W101's weight check counts once). Grades: A ≥ 90, B ≥ 75, C ≥ 60.
INSERT INTO mart_target_review
WITH amounts AS (
    SELECT
        year, project_key,
        arg_min(amount_yuan, position) AS goal_amount_yuan,
        bool_and(
            amount_yuan = total_yuan
            OR list_contains(list_filter(funding_yuan, lambda x: x IS NOT NULL), amount_yuan)
        ) AS agrees
    FROM review_goal_amount
    GROUP BY year, project_key
),
counts AS (
    SELECT
        year, project_key,
        count(*) AS matched,
        count(*) FILTER (WHERE indicator_value <> stated) AS disagreeing
    FROM review_goal_count
    GROUP BY year, project_key
),
checked AS (
    SELECT
        b.year, b.unit_key, b.project_key, b.project_code, b.total_yuan,
        CASE WHEN i.cost_at_level1 THEN '2021' ELSE 'pre-2021' END AS framework,
        i.has_quantity,
        i.has_quality,
        i.indicator_count,
        i.quantitative_count,
        CAST(round(100.0 * i.quantitative_count / i.indicator_count, 1) AS DECIMAL(5, 1))
            AS quantitative_pct,
        i.weights + coalesce(b.execution_weight, 0) AS weight_total,
        CAST(a.goal_amount_yuan AS DECIMAL(18, 2)) AS goal_amount_yuan,
        a.agrees AS goal_money_agrees,
        coalesce(c.matched, 0) AS goal_counts_matched,
        coalesce(c.disagreeing, 0) AS goal_counts_disagreeing,
        p.year AS previous_year,
        CAST(round(100 * (b.total_yuan - p.total_yuan) / nullif(p.total_yuan, 0), 1)
            AS DECIMAL(9, 1)) AS total_change_pct
    FROM review_budget AS b
    JOIN review_profile AS i USING (year, project_key)
    LEFT JOIN amounts AS a USING (year, project_key)
    LEFT JOIN counts AS c USING (year, project_key)
    LEFT JOIN review_budget AS p ON p.project_key = b.project_key AND p.year = b.year - 1
),
flagged AS (
    SELECT year, project_key, rule_id, count(*) AS found
    FROM review_new
    GROUP BY ALL
    UNION ALL
    SELECT year, project_key, r.rule_id, 1
    FROM checked, dq_rule AS r
    WHERE r.rule_id = 'W101' AND checked.indicator_count > 0 AND checked.weight_total <> 100
),
tallied AS (
    SELECT
        f.year, f.project_key,
        sum(f.found) AS findings,
        array_to_string(list_sort(list(f.rule_id)), ' ') AS flagged_rules,
        sum(least(f.found * r.review_points, r.review_cap)) AS points_off,
        sum(f.found) FILTER (WHERE f.rule_id = 'R303') AS vague_targets,
        sum(f.found) FILTER (WHERE f.rule_id = 'R306') AS durations_beyond_year,
        sum(f.found) FILTER (WHERE f.rule_id = 'R307') AS percentages_above_100,
        sum(f.found) FILTER (WHERE f.rule_id = 'R308') AS weak_satisfaction_targets,
        sum(f.found) FILTER (WHERE f.rule_id = 'R309') AS contradicting_year_values,
        sum(f.found) FILTER (WHERE f.rule_id = 'R310') AS targets_lowered,
        sum(f.found) FILTER (WHERE f.rule_id = 'R311') AS indicators_dropped
    FROM flagged AS f
    JOIN dq_rule AS r USING (rule_id)
    GROUP BY f.year, f.project_key
),
missing AS (
    SELECT year, project_key, array_to_string(list_sort(list(value)), ', ') AS level1_missing
    FROM review_new
    WHERE rule_id = 'R301'
    GROUP BY year, project_key
)
SELECT
    c.year, c.unit_key, c.project_key, c.project_code, c.framework,
    m.level1_missing,
    c.has_quantity, c.has_quality, c.indicator_count, c.quantitative_count, c.quantitative_pct,
    coalesce(t.vague_targets, 0),
    c.weight_total,
    c.indicator_count = 0 OR c.weight_total = 100,
    c.total_yuan, c.goal_amount_yuan, c.goal_money_agrees,
    c.goal_counts_matched, c.goal_counts_disagreeing,
    coalesce(t.durations_beyond_year, 0),
    coalesce(t.percentages_above_100, 0),
    coalesce(t.weak_satisfaction_targets, 0),
    coalesce(t.contradicting_year_values, 0),
    c.previous_year,
    CASE WHEN c.previous_year IS NOT NULL THEN coalesce(t.targets_lowered, 0) END,
    CASE WHEN c.previous_year IS NOT NULL THEN coalesce(t.indicators_dropped, 0) END,
    c.total_change_pct,
    coalesce(t.findings, 0),
    t.flagged_rules,
    greatest(0, 100 - coalesce(t.points_off, 0)) AS score,
    CASE
        WHEN greatest(0, 100 - coalesce(t.points_off, 0)) >= 90 THEN 'A'
        WHEN greatest(0, 100 - coalesce(t.points_off, 0)) >= 75 THEN 'B'
        WHEN greatest(0, 100 - coalesce(t.points_off, 0)) >= 60 THEN 'C'
        ELSE 'D'
    END AS grade,
    (SELECT ingested_at FROM run_info)
FROM checked AS c
LEFT JOIN tallied AS t USING (year, project_key)
LEFT JOIN missing AS m USING (year, project_key);
