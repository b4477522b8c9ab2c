CREATE TABLE IF NOT EXISTS dq_issue (
    rule_id VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    source_file VARCHAR,
    source_line INTEGER,
    year INTEGER,
    project_code VARCHAR,
    column_name VARCHAR,
    value VARCHAR,
    message VARCHAR,
    source_sha256 VARCHAR,
    source_table INTEGER,
    detected_at TIMESTAMP
);
COMMENT ON TABLE dq_issue IS 'One row per quality finding; rule ids in expectations/rules.csv / 数据质量问题';
COMMENT ON COLUMN dq_issue.rule_id IS 'Stable rule id (E001…, W101…) / 规则编号';
COMMENT ON COLUMN dq_issue.severity IS 'error (table quarantined) or warning (loaded, flagged) / 严重程度';
COMMENT ON COLUMN dq_issue.source_file IS 'Landing file / 来源文件';
COMMENT ON COLUMN dq_issue.source_line IS '1-based line in the source file / 来源行号';
COMMENT ON COLUMN dq_issue.year IS 'Budget year of the table / 年度';
COMMENT ON COLUMN dq_issue.project_code IS 'Project code of the table / 项目编码';
COMMENT ON COLUMN dq_issue.column_name IS 'Column the finding is about / 字段';
COMMENT ON COLUMN dq_issue.value IS 'Offending value as found / 问题值';
COMMENT ON COLUMN dq_issue.message IS 'What is wrong / 说明';
COMMENT ON COLUMN dq_issue.source_sha256 IS 'sha256 of the source file content / 来源文件哈希';
COMMENT ON COLUMN dq_issue.source_table IS '1-based position of the table in its file / 文件内表序号';
COMMENT ON COLUMN dq_issue.detected_at IS 'When the run recorded the finding / 发现时间';
