CREATE TABLE IF NOT EXISTS dq_rule (
    rule_id VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    scope VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    why VARCHAR NOT NULL,
    review_points INTEGER,
    review_cap INTEGER
);
COMMENT ON TABLE dq_rule IS 'The rule catalogue (expectations/rules.csv) as published with this warehouse / 规则目录';
COMMENT ON COLUMN dq_rule.rule_id IS 'Stable rule id: E… errors, W… warnings, G… guards, R… target review / 规则编号';
COMMENT ON COLUMN dq_rule.severity IS 'error, warning or review / 严重程度';
COMMENT ON COLUMN dq_rule.scope IS 'What a finding is about: file, table, row, warehouse or project / 范围';
COMMENT ON COLUMN dq_rule.title IS 'What the rule finds / 规则说明';
COMMENT ON COLUMN dq_rule.why IS 'Why a planner cares / 审核理由';
COMMENT ON COLUMN dq_rule.review_points IS 'Points a finding takes off the review score / 每项扣分';
COMMENT ON COLUMN dq_rule.review_cap IS 'Most points the rule takes off one project-year / 扣分上限';
