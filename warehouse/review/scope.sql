-- What the target review looks at this run: every year of each project whose facts changed
-- (the year-over-year rules read the year before, so a project is reviewed as a whole), plus any
-- project-year the mart does not hold yet (a warehouse published before the review existed).
-- How the year-over-year rules' messages write numbers (as `number_text` and `wan_text` do in
-- checks.py): 100 rather than 100.0000, money in 万元 with two decimals (four where the yuan
-- need them).
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
