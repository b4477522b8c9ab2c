CREATE OR REPLACE VIEW v_review_findings AS
SELECT
    f.year,
    u.unit_code,
    u.unit_name,
    f.project_code,
    p.project_name,
    f.rule_id,
    r.title AS rule_title,
    f.source_file,
    f.source_line,
    f.column_name,
    f.value,
    f.evidence,
    f.message
FROM review_finding AS f
JOIN dim_project AS p USING (project_key)
JOIN mart_target_review AS m USING (year, project_key)
JOIN dim_unit AS u ON u.unit_key = m.unit_key
JOIN dq_rule AS r USING (rule_id)
UNION ALL
-- The weight check is the quality rule W101's finding on the winning delivery.
SELECT
    d.year, u.unit_code, u.unit_name, d.project_code, p.project_name, d.rule_id, r.title,
    d.source_file, d.source_line, d.column_name, d.value, NULL, d.message
FROM dq_issue AS d
JOIN fact_project_budget AS b
  ON b.source_sha256 = d.source_sha256 AND b.source_table = d.source_table
 AND b.source_file = d.source_file
JOIN dim_project AS p ON p.project_key = b.project_key
JOIN dim_unit AS u ON u.unit_key = b.unit_key
JOIN dq_rule AS r USING (rule_id)
WHERE d.rule_id = 'W101';
COMMENT ON VIEW v_review_findings IS 'Every item the target review flagged, with its rule, file and line / 绩效目标审核发现（可读）';
COMMENT ON COLUMN v_review_findings.year IS 'Budget year / 年度';
COMMENT ON COLUMN v_review_findings.unit_code IS 'Unit code / 单位编码';
COMMENT ON COLUMN v_review_findings.unit_name IS 'Unit name / 单位名称';
COMMENT ON COLUMN v_review_findings.project_code IS 'Project code / 项目编码';
COMMENT ON COLUMN v_review_findings.project_name IS 'Project name / 项目名称';
COMMENT ON COLUMN v_review_findings.rule_id IS 'Review rule id / 审核规则编号';
COMMENT ON COLUMN v_review_findings.rule_title IS 'What the rule finds / 规则说明';
COMMENT ON COLUMN v_review_findings.source_file IS 'Landing file / 来源文件';
COMMENT ON COLUMN v_review_findings.source_line IS '1-based line in the source file / 来源行号';
COMMENT ON COLUMN v_review_findings.column_name IS 'Column the finding is about / 相关字段';
COMMENT ON COLUMN v_review_findings.value IS 'The measured value / 实际值';
COMMENT ON COLUMN v_review_findings.evidence IS 'The text that triggered the finding / 触发文本';
COMMENT ON COLUMN v_review_findings.message IS 'What is wrong / 说明';
