-- The annual goal against the table. `review_goal_phrase` (the amounts and counts the annual
-- goals state, found by Polars: see `goal_phrases` in __init__.py) holds one row per phrase.
CREATE OR REPLACE TEMP TABLE review_goal_amount AS
SELECT
    p.year, p.project_key, p.phrase, p.position,
    CAST(p.digits AS DECIMAL(18, 4)) * CASE WHEN p.unit_raw = '万元' THEN 10000 ELSE 1 END
        AS amount_yuan,
    b.total_yuan, b.funding_yuan
FROM review_goal_phrase AS p
JOIN review_budget AS b USING (year, project_key)
WHERE p.kind = 'amount' AND NOT regexp_matches(p.phrase, '每|人均|/人|标准|单价');

-- A count is matched to the indicator of the same unit whose name shares the most two-character
-- pieces with the words before it — at least two, and more than any other indicator of the
-- table.
CREATE OR REPLACE TEMP TABLE review_goal_count AS
WITH counts AS (
    SELECT p.year, p.project_key, b.goal_line, b.source_file AS goal_file, p.unit_raw, p.digits,
        p.words AS context, p.phrase
    FROM review_goal_phrase AS p
    JOIN review_budget AS b USING (year, project_key)
    WHERE p.kind = 'count'
),
counted AS MATERIALIZED (
    -- the quantitative indicators measured in a counting unit
    SELECT
        t.year, t.project_key, v.canonical AS unit, t.level3_name,
        coalesce(t.target_value, t.year_target_value) AS indicator_value,
        t.source_file, t.source_line
    FROM review_targets AS t
    JOIN review_counting_unit AS v ON v.unit = t.measure_unit
    WHERE t.quantitative
),
candidates AS MATERIALIZED (
    -- every such indicator of the table in the count's unit
    SELECT
        c.year, c.project_key, c.goal_line, c.goal_file, c.phrase, c.context, i.unit,
        CAST(c.digits AS DECIMAL(18, 4)) AS stated,
        i.level3_name, i.indicator_value, i.source_file, i.source_line
    FROM counts AS c
    JOIN review_counting_unit AS u ON u.unit = c.unit_raw
    JOIN counted AS i
      ON i.year = c.year AND i.project_key = c.project_key AND i.unit = u.canonical
),
shared_pieces AS MATERIALIZED (
    -- the two-character pieces a count's words share with an indicator's name, measured once per
    -- distinct pair: goals and names repeat (a unit's projects are written alike)
    SELECT
        context, level3_name,
        len(list_filter(
            list_distinct(list_transform(
                range(1, length(context)), lambda i: substr(context, i, 2)
            )),
            lambda piece: contains(level3_name, piece)
        )) AS shared
    FROM (SELECT DISTINCT context, level3_name FROM candidates) AS distinct_pairs
),
pairs AS MATERIALIZED (
    -- a goal that repeats a sentence states its counts twice: each pair once
    SELECT DISTINCT c.* EXCLUDE (context), s.shared
    FROM candidates AS c
    JOIN shared_pieces AS s USING (context, level3_name)
    WHERE s.shared >= 2
),
ranked AS (
    SELECT
        *,
        rank() OVER matches AS place,
        count(*) OVER (PARTITION BY year, project_key, phrase, shared) AS tied
    FROM pairs
    WINDOW matches AS (PARTITION BY year, project_key, phrase ORDER BY shared DESC)
)
SELECT
    year, project_key, phrase, goal_line, goal_file, stated, unit, level3_name,
    indicator_value, source_file, source_line, shared
FROM ranked
WHERE place = 1 AND tied = 1;
