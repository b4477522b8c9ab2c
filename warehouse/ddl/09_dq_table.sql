CREATE TABLE IF NOT EXISTS dq_table (
    source_file VARCHAR NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    source_table INTEGER NOT NULL,
    source_line INTEGER NOT NULL,
    year INTEGER,
    project_code VARCHAR,
    delivered_at TIMESTAMP,
    quarantined BOOLEAN NOT NULL,
    layout VARCHAR
);
COMMENT ON TABLE dq_table IS 'One row per table of every live file version: which project-year it delivers, whether it passed the gates; the load picks each project-year''s newest passing delivery from here / 表级交付记录';
COMMENT ON COLUMN dq_table.source_file IS 'Landing file / 来源文件';
COMMENT ON COLUMN dq_table.source_sha256 IS 'sha256 of the file version / 文件哈希';
COMMENT ON COLUMN dq_table.source_table IS '1-based position of the table in its file / 文件内表序号';
COMMENT ON COLUMN dq_table.source_line IS 'Line of the table title / 标题行号';
COMMENT ON COLUMN dq_table.year IS 'Budget year / 年度';
COMMENT ON COLUMN dq_table.project_code IS 'Project code / 项目编码';
COMMENT ON COLUMN dq_table.delivered_at IS 'Delivery time of its file version / 交付时间';
COMMENT ON COLUMN dq_table.quarantined IS 'An error finding keeps it out of the facts / 是否隔离';
COMMENT ON COLUMN dq_table.layout IS 'Which member of the table family was read: project (one project''s table), flat (one project of a flat table of many), department (a whole department''s table), unknown (no indicator grid jixiao could place) / 表样式';
