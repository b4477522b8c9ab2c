-- Findings of the loaded versions, under the name they were loaded as, plus W108 decisions.
INSERT INTO dq_issue
SELECT
    q.rule_id, q.severity, v.source_file, q.source_line, q.year, q.project_code,
    q.column_name, q.value, q.message, q.source_sha256, q.table_seq, r.ingested_at
FROM new_findings AS q
JOIN to_load AS v USING (source_sha256)
CROSS JOIN run_info AS r;

-- W108 describes the current decision for every touched project-year delivered more than once.
DELETE FROM dq_issue AS q USING touched AS u
WHERE q.rule_id = 'W108' AND q.project_code = u.project_code AND q.year = u.year;
INSERT INTO dq_issue
SELECT w.*, r.ingested_at
FROM rule_w108 AS w
CROSS JOIN run_info AS r;

CREATE OR REPLACE TEMP TABLE version_stats AS
WITH found AS (
    SELECT
        source_sha256,
        count(*) AS tables_found,
        string_agg(DISTINCT layout, ', ' ORDER BY layout) AS layout,
        bool_or(layout = 'unknown') AS has_unknown_layout
    FROM new_budget JOIN to_load USING (source_sha256)
    GROUP BY ALL
),
judged AS (
    SELECT
        source_sha256,
        count(*) FILTER (WHERE severity = 'error') AS errors,
        count(*) FILTER (WHERE severity = 'warning') AS warnings,
        count(DISTINCT table_seq) FILTER (WHERE severity = 'error') AS tables_quarantined,
        string_agg(DISTINCT rule_id || ' ' || message, '; ' ORDER BY rule_id || ' ' || message)
            FILTER (WHERE severity = 'error') AS error_reasons,
        string_agg(DISTINCT value, ', ' ORDER BY value)
            FILTER (WHERE rule_id = 'W110' AND column_name = 'header') AS unplaced_labels
    FROM new_findings
    GROUP BY ALL
)
SELECT
    v.source_sha256,
    coalesce(f.tables_found, 0) AS tables_found,
    coalesce(j.errors, 0) AS errors,
    coalesce(j.warnings, 0) AS warnings,
    coalesce(j.tables_quarantined, 0) AS tables_quarantined,
    j.error_reasons,
    coalesce(f.layout, 'none') AS layout,
    CASE WHEN f.has_unknown_layout THEN
        'unknown layout, labels it could not place: ' || coalesce(j.unplaced_labels, 'none')
    END AS unknown_layout
FROM to_load AS v
LEFT JOIN found AS f USING (source_sha256)
LEFT JOIN judged AS j USING (source_sha256);

INSERT INTO dq_file
SELECT
    v.source_file, v.source_sha256,
    CASE
        WHEN s.errors > 0 AND s.tables_quarantined >= s.tables_found THEN 'quarantined'
        WHEN s.errors > 0 THEN 'partial'
        ELSE 'loaded'
    END,
    s.tables_found, 0, 0, s.errors, s.warnings,
    CASE WHEN s.errors > 0 THEN s.tables_quarantined || ' of ' || s.tables_found
        || ' table(s) quarantined: ' || s.error_reasons
        || coalesce('; ' || s.unknown_layout, '') END,
    r.ingested_at, v.delivered_at, e.encoding, s.layout
FROM to_load AS v
JOIN version_stats AS s USING (source_sha256)
LEFT JOIN file_encoding AS e USING (source_sha256)
CROSS JOIN run_info AS r;

INSERT INTO dq_file
SELECT
    n.source_file, n.source_sha256, 'duplicate',
    coalesce(first.tables_found, 0), 0, 0, 0, 0,
    'same bytes as ' || coalesce(n.loaded_as, first.source_file) || '; loaded once, from there',
    r.ingested_at, n.delivered_at, first.encoding, first.layout
FROM version_role AS n
LEFT JOIN dq_file AS first
  ON first.source_sha256 = n.source_sha256
 AND first.source_file = coalesce(n.loaded_as, (
        SELECT v.source_file FROM to_load AS v WHERE v.source_sha256 = n.source_sha256))
CROSS JOIN run_info AS r
WHERE n.copy_no > 1 OR n.loaded_as IS NOT NULL;

-- Loaded counts follow what is in the facts now, for every live version.
CREATE OR REPLACE TEMP TABLE loaded_count AS
SELECT
    d.source_file, d.source_sha256,
    coalesce(b.tables, 0) AS tables, coalesce(t.indicator_rows, 0) AS indicator_rows
FROM dq_file AS d
LEFT JOIN (
    SELECT source_file, source_sha256, count(*) AS tables FROM fact_project_budget GROUP BY ALL
) AS b USING (source_file, source_sha256)
LEFT JOIN (
    SELECT source_file, source_sha256, count(*) AS indicator_rows
    FROM fact_indicator_target GROUP BY ALL
) AS t USING (source_file, source_sha256)
WHERE d.status IN ('loaded', 'partial', 'quarantined');

UPDATE dq_file AS d
SET tables_loaded = c.tables, indicator_rows = c.indicator_rows
FROM loaded_count AS c
WHERE d.source_file = c.source_file AND d.source_sha256 = c.source_sha256
  AND (d.tables_loaded <> c.tables OR d.indicator_rows <> c.indicator_rows);
