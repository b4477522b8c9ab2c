-- File versions in the landing folder that the warehouse has not seen yet, and which of them
-- carry content to load (the first delivery of bytes not already loaded under another name).
CREATE OR REPLACE TEMP TABLE new_version AS
SELECT
    l.source_file,
    l.sha256 AS source_sha256,
    make_timestamp(l.mtime_ns // 1000) AS delivered_at
FROM landing AS l
WHERE NOT EXISTS (
    SELECT 1 FROM dq_file AS d
    WHERE d.source_file = l.source_file AND d.source_sha256 = l.sha256
);

CREATE OR REPLACE TEMP TABLE superseded AS
SELECT d.source_file, d.source_sha256
FROM dq_file AS d
JOIN new_version AS n ON n.source_file = d.source_file AND n.source_sha256 <> d.source_sha256
WHERE d.status <> 'superseded';

CREATE OR REPLACE TEMP TABLE version_role AS
SELECT
    n.*,
    row_number() OVER (
        PARTITION BY n.source_sha256 ORDER BY n.delivered_at, n.source_file
    ) AS copy_no,
    (
        SELECT any_value(d.source_file) FROM dq_file AS d
        WHERE d.source_sha256 = n.source_sha256
          AND d.status NOT IN ('superseded', 'duplicate')
          AND NOT EXISTS (
              SELECT 1 FROM superseded AS s
              WHERE s.source_file = d.source_file AND s.source_sha256 = d.source_sha256
          )
    ) AS loaded_as
FROM new_version AS n;

CREATE OR REPLACE TEMP TABLE to_load AS
SELECT source_file, source_sha256, delivered_at
FROM version_role
WHERE copy_no = 1 AND loaded_as IS NULL;
