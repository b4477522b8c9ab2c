-- Which landing file versions this run must act on.
--
-- superseded:   loaded versions whose file now holds other bytes (a corrected delivery).
-- live_version: versions whose rows stay in the warehouse after that.
-- new_version:  landing versions not live, and not recorded as a duplicate of live content;
--               a version superseded earlier and delivered again (a revert) is new again, and so is
--               a duplicate whose original was superseded.
-- to_load:      the first delivery of content not live under another name.
CREATE OR REPLACE TEMP TABLE superseded AS
SELECT d.source_file, d.source_sha256
FROM dq_file AS d
JOIN landing AS l ON l.source_file = d.source_file AND l.sha256 <> d.source_sha256
WHERE d.status <> 'superseded';

CREATE OR REPLACE TEMP TABLE live_version AS
SELECT d.source_file, d.source_sha256
FROM dq_file AS d
WHERE d.status IN ('loaded', 'partial', 'quarantined')
  AND NOT EXISTS (
      SELECT 1 FROM superseded AS s
      WHERE s.source_file = d.source_file AND s.source_sha256 = d.source_sha256
  );

CREATE OR REPLACE TEMP TABLE new_version AS
SELECT
    l.source_file,
    l.sha256 AS source_sha256,
    make_timestamp(l.mtime_ns // 1000) AS delivered_at
FROM landing AS l
WHERE NOT EXISTS (
    SELECT 1 FROM live_version AS v
    WHERE v.source_file = l.source_file AND v.source_sha256 = l.sha256
)
AND NOT EXISTS (
    SELECT 1 FROM dq_file AS d
    WHERE d.source_file = l.source_file AND d.source_sha256 = l.sha256
      AND d.status = 'duplicate'
      AND EXISTS (SELECT 1 FROM live_version AS v WHERE v.source_sha256 = d.source_sha256)
);

CREATE OR REPLACE TEMP TABLE version_role AS
SELECT
    n.*,
    row_number() OVER (
        PARTITION BY n.source_sha256 ORDER BY n.delivered_at, n.source_file
    ) AS copy_no,
    (
        SELECT any_value(v.source_file) FROM live_version AS v
        WHERE v.source_sha256 = n.source_sha256
    ) AS loaded_as
FROM new_version AS n;

CREATE OR REPLACE TEMP TABLE to_load AS
SELECT source_file, source_sha256, delivered_at
FROM version_role
WHERE copy_no = 1 AND loaded_as IS NULL;
