-- A corrected file (same name, new bytes) replaces every row of its earlier version; the
-- project-years it delivered are decided again below (an earlier delivery may take over).
CREATE OR REPLACE TEMP TABLE vacated AS
SELECT DISTINCT t.project_code, t.year
FROM dq_table AS t
JOIN superseded AS s USING (source_file, source_sha256);
DELETE FROM dq_table AS t USING superseded AS s
WHERE t.source_file = s.source_file AND t.source_sha256 = s.source_sha256;
DELETE FROM fact_indicator_target AS f USING superseded AS s
WHERE f.source_file = s.source_file AND f.source_sha256 = s.source_sha256;
DELETE FROM fact_project_budget AS f USING superseded AS s
WHERE f.source_file = s.source_file AND f.source_sha256 = s.source_sha256;
DELETE FROM dq_issue AS q USING superseded AS s
WHERE q.source_file = s.source_file AND q.source_sha256 = s.source_sha256;
UPDATE dq_file AS d
SET status = 'superseded',
    tables_loaded = 0,
    indicator_rows = 0,
    reason = 'replaced by a corrected delivery of the same file'
FROM superseded AS s
WHERE d.source_file = s.source_file AND d.source_sha256 = s.source_sha256;

-- A version delivered again after being superseded, or a duplicate whose original is gone, is
-- recorded afresh below: its earlier record makes way.
DELETE FROM dq_file AS d USING new_version AS n
WHERE d.source_file = n.source_file AND d.source_sha256 = n.source_sha256;
