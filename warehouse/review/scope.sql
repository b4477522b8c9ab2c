-- What the target review looks at this run: every year of each project whose facts changed
-- (the year-over-year rules read the year before, so a project is reviewed as a whole), plus any
-- project-year the mart does not hold yet (a warehouse published before the review existed).
-- How the review's messages write numbers: 100 rather than 100.0000, money in 万元 with two
-- decimals (four where the yuan need them).
CREATE OR REPLACE TEMP MACRO review_number(x) AS
    CASE WHEN x = trunc(x) THEN CAST(CAST(x AS HUGEINT) AS VARCHAR)
         ELSE rtrim(CAST(x AS VARCHAR), '0') END;
CREATE OR REPLACE TEMP MACRO review_wan(x) AS
    regexp_replace(printf('%.4f', x / 10000), '(\.[0-9][0-9][1-9]*)0+$', '\1') || '万元';

CREATE OR REPLACE TEMP TABLE review_scope AS
SELECT DISTINCT p.project_key
FROM touched AS t
JOIN dim_project AS p USING (project_code)
UNION
SELECT b.project_key
FROM fact_project_budget AS b
ANTI JOIN mart_target_review AS m USING (year, project_key);

DELETE FROM review_finding WHERE project_key IN (SELECT project_key FROM review_scope);
DELETE FROM mart_target_review WHERE project_key IN (SELECT project_key FROM review_scope);

CREATE OR REPLACE TEMP TABLE review_budget AS
SELECT
    b.year, b.unit_key, b.project_key, p.project_code, b.total_yuan,
    [b.fiscal_yuan, b.special_account_yuan, b.unit_funds_yuan, b.social_yuan, b.bank_loan_yuan,
     b.basic_expenditure_yuan, b.project_expenditure_yuan] AS funding_yuan,
    b.execution_weight, b.annual_goal, b.source_file, b.source_line,
    coalesce(b.annual_goal_line, b.source_line) AS goal_line
FROM fact_project_budget AS b
JOIN dim_project AS p USING (project_key)
SEMI JOIN review_scope AS s USING (project_key);

CREATE OR REPLACE TEMP TABLE review_targets AS
SELECT
    f.year, f.project_key, b.project_code, f.indicator_key,
    i.level1_name, i.level1_en, i.level2_name, i.level2_en, i.level3_name,
    f.operator, f.target_value, f.target_text, f.year_target_value, f.year_target_text,
    f.measure_unit, f.weight, f.year_weight, f.source_file, f.source_line,
    f.operator <> 'qualitative'
        AND coalesce(f.target_value, f.year_target_value) IS NOT NULL AS quantitative,
    -- Year over year an indicator is its level 1 and its own name (a level 2 re-classified or
    -- repaired between years is the same indicator); names used twice in a table are not paired.
    count(*) OVER (PARTITION BY f.year, f.project_key, i.level1_name, i.level3_name)
        AS name_uses
FROM fact_indicator_target AS f
JOIN dim_indicator AS i USING (indicator_key)
JOIN review_budget AS b USING (year, project_key);

-- The amounts the annual goal states for the project: a money word (资金, 经费, 预算, 共计 …)
-- within eight characters before a number in 元 or 万元, not a per-head or per-unit standard.
CREATE OR REPLACE TEMP TABLE review_goal_amount AS
WITH phrases AS (
    SELECT
        year, project_key, total_yuan, funding_yuan, annual_goal,
        unnest(regexp_extract_all(
            annual_goal,
            '(?:资金|经费|预算|共计|合计|总计|总额|共需)[^，,。；;、:：]{0,8}?[0-9]+(?:\.[0-9]+)?\s*万?元'
        )) AS phrase
    FROM review_budget
    WHERE annual_goal IS NOT NULL
)
SELECT
    year, project_key, phrase, strpos(annual_goal, phrase) AS position,
    CAST(regexp_extract(phrase, '([0-9]+(?:\.[0-9]+)?)\s*万?元$', 1) AS DECIMAL(18, 4))
        * CASE WHEN phrase LIKE '%万元' THEN 10000 ELSE 1 END AS amount_yuan,
    total_yuan, funding_yuan
FROM phrases
WHERE NOT regexp_matches(phrase, '每|人均|/人|标准|单价');

-- Counts in the annual goal matched to the indicator that measures the same thing: a number
-- with a counting unit (个, 处, 次, 人 …), the words just before it (up to twelve characters, no
-- punctuation), and the indicator of the same unit whose name shares the most two-character
-- pieces with those words — at least two, and more than any other indicator of the table.
CREATE OR REPLACE TEMP TABLE review_goal_count AS
WITH counts AS (
    SELECT DISTINCT
        year, project_key, goal_line, source_file,
        regexp_extract(phrase, '^(.*?)([0-9]+)(.)$', 1) AS context,
        CAST(regexp_extract(phrase, '^(.*?)([0-9]+)(.)$', 2) AS DECIMAL(18, 4)) AS stated,
        u.canonical AS unit, phrase
    FROM (
        SELECT
            year, project_key, goal_line, source_file,
            unnest(regexp_extract_all(
                annual_goal,
                '[^0-9.\s，,。；;、:：()（）<>《》“”"]{0,12}[0-9]+[个处次人名家所场期批项户套台辆本份篇条座块张间支队]'
            )) AS phrase
        FROM review_budget
        WHERE annual_goal IS NOT NULL
    ) AS found
    JOIN review_counting_unit AS u ON u.unit = right(found.phrase, 1)
),
pieces AS (
    SELECT DISTINCT c.year, c.project_key, c.context, c.stated, c.unit,
        substr(c.context, i, 2) AS piece
    FROM (SELECT *, unnest(range(1, length(context))) AS i FROM counts) AS c
),
candidates AS (
    SELECT
        c.year, c.project_key, c.context, c.stated, c.unit, t.source_file, t.source_line,
        t.level3_name, coalesce(t.target_value, t.year_target_value) AS indicator_value,
        count(*) AS shared
    FROM pieces AS c
    JOIN review_targets AS t
      ON t.year = c.year AND t.project_key = c.project_key AND t.quantitative
     AND contains(t.level3_name, c.piece)
    JOIN review_counting_unit AS u ON u.unit = t.measure_unit AND u.canonical = c.unit
    GROUP BY ALL
),
ranked AS (
    SELECT *,
        row_number() OVER best AS place,
        count(*) OVER (PARTITION BY year, project_key, context, stated, unit, shared) AS tied
    FROM candidates
    WINDOW best AS (PARTITION BY year, project_key, context, stated, unit ORDER BY shared DESC)
)
SELECT
    r.year, r.project_key, c.phrase, c.goal_line, c.source_file AS goal_file, r.stated, r.unit,
    r.level3_name, r.indicator_value, r.source_file, r.source_line, r.shared
FROM ranked AS r
JOIN counts AS c USING (year, project_key, context, stated, unit)
WHERE r.place = 1 AND r.tied = 1 AND r.shared >= 2;
