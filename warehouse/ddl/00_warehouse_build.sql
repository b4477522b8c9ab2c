CREATE TABLE IF NOT EXISTS warehouse_build (
    fingerprint VARCHAR NOT NULL,
    built_at TIMESTAMP NOT NULL
);
COMMENT ON TABLE warehouse_build IS 'What built this file: the fingerprint of jixiao''s schema, views and review rules; a new one upgrades the file and reviews every project again / 构建版本';
COMMENT ON COLUMN warehouse_build.fingerprint IS 'sha256 of the DDL, views, review SQL and lists, and the rule catalogue / 构建指纹';
COMMENT ON COLUMN warehouse_build.built_at IS 'When a run last upgraded or loaded the file (UTC) / 构建时间';
