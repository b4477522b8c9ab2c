CREATE TABLE IF NOT EXISTS review_finding (
    rule_id VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    project_key INTEGER NOT NULL,
    project_code VARCHAR NOT NULL,
    source_file VARCHAR,
    source_line INTEGER,
    column_name VARCHAR,
    value VARCHAR,
    evidence VARCHAR,
    message VARCHAR,
    reviewed_at TIMESTAMP
);
COMMENT ON TABLE review_finding IS 'What the target review flagged, one row per item, with the file and line that triggered it / 绩效目标审核发现';
COMMENT ON COLUMN review_finding.rule_id IS 'Review rule id (R301…, in dq_rule) / 审核规则编号';
COMMENT ON COLUMN review_finding.year IS 'Budget year / 年度';
COMMENT ON COLUMN review_finding.project_key IS 'dim_project key / 项目键';
COMMENT ON COLUMN review_finding.project_code IS 'Project code / 项目编码';
COMMENT ON COLUMN review_finding.source_file IS 'Landing file / 来源文件';
COMMENT ON COLUMN review_finding.source_line IS '1-based line: the indicator row, the annual goal or the table''s first line / 来源行号';
COMMENT ON COLUMN review_finding.column_name IS 'Column the finding is about / 相关字段';
COMMENT ON COLUMN review_finding.value IS 'The measured value / 实际值';
COMMENT ON COLUMN review_finding.evidence IS 'The text that triggered the finding / 触发文本';
COMMENT ON COLUMN review_finding.message IS 'What is wrong, in a sentence / 说明';
COMMENT ON COLUMN review_finding.reviewed_at IS 'When the project-year was last reviewed / 审核时间';
