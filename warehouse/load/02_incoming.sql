-- What passes the error gates: tables without error findings, of files without file errors.
CREATE OR REPLACE TEMP TABLE quarantined_table AS
SELECT DISTINCT source_sha256, table_seq
FROM new_findings
WHERE severity = 'error' AND table_seq IS NOT NULL;

CREATE OR REPLACE TEMP TABLE incoming_budget AS
SELECT
    b.source_sha256, b.table_seq, b.source_line, b.year,
    b.unit_code, b.unit_name, b.department_code, b.department_name,
    b.project_code, b.project_name, b.function_code, b.function_name,
    b.activity_code, b.activity_name, b.handler_name, b.handler_phone_masked,
    b.total_yuan, b.fiscal_yuan, b.special_account_yuan, b.unit_funds_yuan, b.social_yuan,
    b.bank_loan_yuan, b.execution_weight, b.annual_goal,
    v.source_file, v.delivered_at
FROM silver_budget AS b
JOIN to_load AS v USING (source_sha256)
WHERE NOT EXISTS (
    SELECT 1 FROM quarantined_table AS q
    WHERE q.source_sha256 = b.source_sha256 AND q.table_seq = b.table_seq
)
AND NOT EXISTS (
    SELECT 1 FROM new_findings AS q
    WHERE q.source_sha256 = b.source_sha256 AND q.severity = 'error' AND q.table_seq IS NULL
);

-- The same project-year delivered more than once: the newest delivery wins (W108).
CREATE OR REPLACE TEMP TABLE contender AS
WITH touched AS (SELECT DISTINCT project_code, year FROM incoming_budget)
SELECT
    p.project_code, f.year, f.source_file, f.source_sha256, f.source_table, f.source_line,
    d.delivered_at, false AS incoming
FROM fact_project_budget AS f
JOIN dim_project AS p USING (project_key)
JOIN touched AS t ON t.project_code = p.project_code AND t.year = f.year
JOIN dq_file AS d ON d.source_file = f.source_file AND d.source_sha256 = f.source_sha256
UNION ALL
SELECT
    project_code, year, source_file, source_sha256, table_seq, source_line, delivered_at, true
FROM incoming_budget;

CREATE OR REPLACE TEMP TABLE loser AS
SELECT *
FROM (
    SELECT
        c.*,
        row_number() OVER newest AS place,
        first_value(c.source_file) OVER newest AS winner_file,
        first_value(c.source_line) OVER newest AS winner_line
    FROM contender AS c
    WINDOW newest AS (
        PARTITION BY c.project_code, c.year
        ORDER BY c.delivered_at DESC, c.source_file DESC, c.source_table DESC
    )
)
WHERE place > 1;

DELETE FROM fact_indicator_target AS f USING loser AS l
WHERE NOT l.incoming AND f.source_sha256 = l.source_sha256
  AND f.source_file = l.source_file AND f.source_table = l.source_table;
DELETE FROM fact_project_budget AS f USING loser AS l
WHERE NOT l.incoming AND f.source_sha256 = l.source_sha256
  AND f.source_file = l.source_file AND f.source_table = l.source_table;
DELETE FROM incoming_budget AS b USING loser AS l
WHERE l.incoming AND b.source_sha256 = l.source_sha256 AND b.table_seq = l.source_table;

CREATE OR REPLACE TEMP TABLE incoming_targets AS
SELECT
    t.source_sha256, t.table_seq, t.source_line, t.year, b.unit_code, b.project_code,
    t.level1_name, t.level1_en, t.level2_name, t.level2_en, t.level3_name,
    t.operator, t.operator_raw, t.target_value, t.target_text,
    t.year_target_value, t.year_target_text, t.measure_unit, t.measure_unit_raw,
    t.weight, t.year_weight, t.remark, b.source_file
FROM silver_targets AS t
JOIN incoming_budget AS b USING (source_sha256, table_seq);
