CREATE TABLE IF NOT EXISTS dq_file (
    source_file VARCHAR NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    tables_found INTEGER NOT NULL,
    tables_loaded INTEGER NOT NULL,
    indicator_rows INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    reason VARCHAR,
    ingested_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP,
    encoding VARCHAR,
    layout VARCHAR
);
COMMENT ON TABLE dq_file IS 'One row per landing file version and what became of it / 文件处理状态';
COMMENT ON COLUMN dq_file.source_file IS 'Landing file, relative to the landing folder / 来源文件';
COMMENT ON COLUMN dq_file.source_sha256 IS 'sha256 of this version''s content / 文件哈希';
COMMENT ON COLUMN dq_file.status IS 'loaded | partial | quarantined; duplicate (same bytes already loaded under another name) and superseded (replaced by a corrected version) / 状态';
COMMENT ON COLUMN dq_file.tables_found IS 'Tables found in the file / 发现表数';
COMMENT ON COLUMN dq_file.tables_loaded IS 'Tables that passed the error gates / 入库表数';
COMMENT ON COLUMN dq_file.indicator_rows IS 'Indicator rows loaded from it / 入库指标行数';
COMMENT ON COLUMN dq_file.errors IS 'Error findings / 错误数';
COMMENT ON COLUMN dq_file.warnings IS 'Warning findings / 警告数';
COMMENT ON COLUMN dq_file.reason IS 'Why it was not (wholly) loaded / 原因';
COMMENT ON COLUMN dq_file.ingested_at IS 'When jixiao loaded this version / 入库时间';
COMMENT ON COLUMN dq_file.delivered_at IS 'File modification time at delivery; the newer delivery wins / 交付时间';
COMMENT ON COLUMN dq_file.encoding IS 'Detected encoding (utf-8, utf-8-sig, gb18030) / 编码';
COMMENT ON COLUMN dq_file.layout IS 'The layouts of its tables (project, flat, department, unknown), comma-separated; none when it holds no table / 表样式';
