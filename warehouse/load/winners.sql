-- Which delivery of a project-year the facts hold: the newest one that passed the gates (W108).
-- Decided again for every project-year this run touches — delivered now, or vacated by a
-- superseded version, in which case an earlier delivery takes over instead of leaving a hole.

-- This run's tables enter the table register, with their gate: an error finding on the table,
-- or on the whole file, keeps it out of the facts.
INSERT INTO dq_table
WITH table_errors AS (
    SELECT DISTINCT source_sha256, table_seq FROM new_findings
    WHERE severity = 'error' AND table_seq IS NOT NULL
),
file_errors AS (
    SELECT DISTINCT source_sha256 FROM new_findings
    WHERE severity = 'error' AND table_seq IS NULL
)
SELECT
    v.source_file, b.source_sha256, b.table_seq, b.source_line, b.year, b.project_code,
    v.delivered_at,
    t.source_sha256 IS NOT NULL OR f.source_sha256 IS NOT NULL,
    b.layout
FROM new_budget AS b
JOIN to_load AS v USING (source_sha256)
LEFT JOIN table_errors AS t ON t.source_sha256 = b.source_sha256 AND t.table_seq = b.table_seq
LEFT JOIN file_errors AS f ON f.source_sha256 = b.source_sha256;

CREATE OR REPLACE TEMP TABLE touched AS
SELECT DISTINCT project_code, year FROM new_budget
UNION
SELECT project_code, year FROM vacated;

CREATE OR REPLACE TEMP TABLE ranked AS
SELECT
    t.source_file, t.source_sha256, t.source_table AS table_seq, t.source_line,
    t.project_code, t.year, t.delivered_at,
    row_number() OVER newest AS place,
    first_value(t.source_file) OVER newest AS winner_file,
    first_value(t.source_line) OVER newest AS winner_line
FROM dq_table AS t
JOIN touched AS u USING (project_code, year)
WHERE NOT t.quarantined
WINDOW newest AS (
    PARTITION BY t.project_code, t.year
    ORDER BY t.delivered_at DESC, t.source_file DESC, t.source_table DESC
);

CREATE OR REPLACE TEMP TABLE loser AS SELECT * FROM ranked WHERE place > 1;

CREATE OR REPLACE TEMP TABLE winner AS SELECT * FROM ranked WHERE place = 1;

-- Facts of touched project-years that are no longer the winning delivery leave...
CREATE OR REPLACE TEMP TABLE leaving AS
SELECT f.source_file, f.source_sha256, f.source_table
FROM fact_project_budget AS f
JOIN dim_project AS p USING (project_key)
JOIN touched AS u ON u.project_code = p.project_code AND u.year = f.year
WHERE NOT EXISTS (
    SELECT 1 FROM winner AS w
    WHERE w.source_sha256 = f.source_sha256 AND w.source_file = f.source_file
      AND w.table_seq = f.source_table
);
DELETE FROM fact_indicator_target AS f USING leaving AS l
WHERE f.source_sha256 = l.source_sha256 AND f.source_file = l.source_file
  AND f.source_table = l.source_table;
DELETE FROM fact_project_budget AS f USING leaving AS l
WHERE f.source_sha256 = l.source_sha256 AND f.source_file = l.source_file
  AND f.source_table = l.source_table;

-- ...and winning deliveries not in the facts yet arrive (new ones, or earlier ones restored).
CREATE OR REPLACE TEMP TABLE arriving AS
SELECT w.source_sha256, w.table_seq, w.source_file, w.delivered_at
FROM winner AS w
WHERE NOT EXISTS (
    SELECT 1 FROM fact_project_budget AS f
    WHERE f.source_sha256 = w.source_sha256 AND f.source_file = w.source_file
      AND f.source_table = w.table_seq
);
