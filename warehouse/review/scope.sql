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
    b.execution_weight, b.source_file, b.source_line,
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
        AND coalesce(f.target_value, f.year_target_value) IS NOT NULL AS quantitative
FROM fact_indicator_target AS f
JOIN dim_indicator AS i USING (indicator_key)
JOIN review_budget AS b USING (year, project_key);

-- What the completeness checks and the mart read of each project-year's grid, in one pass.
CREATE OR REPLACE TEMP TABLE review_profile AS
SELECT
    b.year, b.project_key, b.project_code, b.source_file, b.source_line,
    count(t.project_key) AS indicator_count,
    count(*) FILTER (WHERE t.quantitative) AS quantitative_count,
    coalesce(bool_or(t.level1_en = 'output'), false) AS has_output,
    coalesce(bool_or(t.level1_en = 'outcome'), false) AS has_outcome,
    coalesce(bool_or(t.level1_en = 'satisfaction'), false) AS has_satisfaction,
    coalesce(bool_or(t.level1_en = 'cost'), false) AS cost_at_level1,
    coalesce(bool_or(t.level1_en = 'cost' OR t.level2_en = 'cost'), false) AS has_cost,
    coalesce(bool_or(t.level2_en = 'quantity'), false) AS has_quantity,
    coalesce(bool_or(t.level2_en = 'quality'), false) AS has_quality,
    CASE WHEN bool_or(t.year_weight IS NOT NULL) THEN sum(t.year_weight) ELSE sum(t.weight) END
        AS weights
FROM review_budget AS b
LEFT JOIN review_targets AS t USING (year, project_key)
GROUP BY b.year, b.project_key, b.project_code, b.source_file, b.source_line;
