-- Which delivery of every project-year the facts hold: the newest one that passes the gates
-- (W108), decided over every live version, so that a superseded winner falls back to the next
-- newest delivery instead of leaving a hole. Reads only the budget silver (one row per table).

-- The error gates: tables with an error finding, files with a file-level error.
CREATE OR REPLACE TEMP TABLE gate AS
SELECT DISTINCT source_sha256, table_seq
FROM (
    SELECT source_sha256, table_seq FROM new_findings WHERE severity = 'error'
    UNION ALL
    SELECT source_sha256, source_table FROM dq_issue WHERE severity = 'error'
);

CREATE OR REPLACE TEMP TABLE live_delivery AS
SELECT source_file, source_sha256, delivered_at FROM to_load
UNION ALL
SELECT d.source_file, d.source_sha256, d.delivered_at
FROM dq_file AS d
JOIN live_version AS v USING (source_file, source_sha256);

CREATE OR REPLACE TEMP TABLE candidate AS
SELECT b.source_sha256, b.table_seq, b.source_line, b.project_code, b.year,
       v.source_file, v.delivered_at
FROM all_budget AS b
JOIN live_delivery AS v USING (source_sha256)
WHERE NOT EXISTS (
    SELECT 1 FROM gate AS g
    WHERE g.source_sha256 = b.source_sha256
      AND (g.table_seq = b.table_seq OR g.table_seq IS NULL)
);

CREATE OR REPLACE TEMP TABLE ranked AS
SELECT
    c.*,
    row_number() OVER newest AS place,
    first_value(c.source_file) OVER newest AS winner_file,
    first_value(c.source_line) OVER newest AS winner_line
FROM candidate AS c
WINDOW newest AS (
    PARTITION BY c.project_code, c.year
    ORDER BY c.delivered_at DESC, c.source_file DESC, c.table_seq DESC
);

CREATE OR REPLACE TEMP TABLE loser AS SELECT * FROM ranked WHERE place > 1;

CREATE OR REPLACE TEMP TABLE winner AS SELECT * FROM ranked WHERE place = 1;

-- Facts that are no longer the winning delivery of their project-year leave...
DELETE FROM fact_indicator_target AS f
WHERE NOT EXISTS (
    SELECT 1 FROM winner AS w
    WHERE w.source_sha256 = f.source_sha256 AND w.source_file = f.source_file
      AND w.table_seq = f.source_table
);
DELETE FROM fact_project_budget AS f
WHERE NOT EXISTS (
    SELECT 1 FROM winner AS w
    WHERE w.source_sha256 = f.source_sha256 AND w.source_file = f.source_file
      AND w.table_seq = f.source_table
);

-- ...and winning deliveries not in the facts yet arrive (new ones, or earlier ones restored).
CREATE OR REPLACE TEMP TABLE arriving AS
SELECT w.source_sha256, w.table_seq, w.source_file, w.delivered_at
FROM winner AS w
WHERE NOT EXISTS (
    SELECT 1 FROM fact_project_budget AS f
    WHERE f.source_sha256 = w.source_sha256 AND f.source_file = w.source_file
      AND f.source_table = w.table_seq
);
