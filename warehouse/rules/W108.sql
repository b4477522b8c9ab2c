-- W108: the same project-year arrived in more than one delivery; the newer one won.
-- One row per losing delivery of a project-year this run touched (`loser`, decided in
-- load/winners.sql), as a finding at the losing table's title line.
SELECT
    'W108' AS rule_id,
    'warning' AS severity,
    l.source_file,
    l.source_line,
    l.year,
    l.project_code,
    'project_code' AS column_name,
    l.project_code AS value,
    'project-year delivered again: superseded by the newer delivery '
        || l.winner_file || ':' || l.winner_line AS message,
    l.source_sha256,
    l.table_seq AS source_table
FROM loser AS l
