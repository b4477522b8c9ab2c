CREATE TABLE IF NOT EXISTS fact_project_budget (
    year INTEGER NOT NULL,
    unit_key INTEGER NOT NULL,
    project_key INTEGER NOT NULL,
    total_yuan DECIMAL(18, 2),
    fiscal_yuan DECIMAL(18, 2),
    special_account_yuan DECIMAL(18, 2),
    unit_funds_yuan DECIMAL(18, 2),
    social_yuan DECIMAL(18, 2),
    bank_loan_yuan DECIMAL(18, 2),
    execution_weight DECIMAL(9, 2),
    annual_goal VARCHAR,
    source_file VARCHAR NOT NULL,
    source_line INTEGER NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    source_table INTEGER NOT NULL,
    multi_year_goal VARCHAR,
    basic_expenditure_yuan DECIMAL(18, 2),
    project_expenditure_yuan DECIMAL(18, 2),
    annual_goal_line INTEGER
);
-- Warehouses published before the column existed gain it (the facts' insert lists it last).
ALTER TABLE fact_project_budget ADD COLUMN IF NOT EXISTS annual_goal_line INTEGER;
COMMENT ON TABLE fact_project_budget IS 'One project in one year: money by source, execution weight, annual goal / 项目预算事实';
COMMENT ON COLUMN fact_project_budget.year IS 'Budget year / 年度';
COMMENT ON COLUMN fact_project_budget.unit_key IS 'dim_unit key / 单位键';
COMMENT ON COLUMN fact_project_budget.project_key IS 'dim_project key / 项目键';
COMMENT ON COLUMN fact_project_budget.total_yuan IS 'Project total in yuan (source in 万元 × 10,000) / 项目总额（元）';
COMMENT ON COLUMN fact_project_budget.fiscal_yuan IS 'Fiscal funds in yuan / 财政资金（元）';
COMMENT ON COLUMN fact_project_budget.special_account_yuan IS 'Funds managed in fiscal special accounts, yuan / 财政专户管理资金（元）';
COMMENT ON COLUMN fact_project_budget.unit_funds_yuan IS 'Unit''s own funds, yuan / 单位资金（元）';
COMMENT ON COLUMN fact_project_budget.social_yuan IS 'Social investment, yuan / 社会投入资金（元）';
COMMENT ON COLUMN fact_project_budget.bank_loan_yuan IS 'Bank loans, yuan; NULL where the table lacks the line / 银行贷款（元）';
COMMENT ON COLUMN fact_project_budget.execution_weight IS 'Weight of the budget execution rate in the score / 预算执行率权重';
COMMENT ON COLUMN fact_project_budget.annual_goal IS 'Annual goal, HTML stripped, NFKC / 年度目标';
COMMENT ON COLUMN fact_project_budget.source_file IS 'Landing file, relative to the landing folder / 来源文件';
COMMENT ON COLUMN fact_project_budget.source_line IS '1-based line of the table title in the source file / 来源行号';
COMMENT ON COLUMN fact_project_budget.source_sha256 IS 'sha256 of the source file content / 来源文件哈希';
COMMENT ON COLUMN fact_project_budget.source_table IS '1-based position of the table in its file / 文件内表序号';
COMMENT ON COLUMN fact_project_budget.multi_year_goal IS 'Goal of the whole implementation period (实施期绩效目标), where the table states one; HTML stripped / 实施期绩效目标';
COMMENT ON COLUMN fact_project_budget.basic_expenditure_yuan IS 'A whole department''s basic expenditure (staff and running costs), yuan; NULL for project tables / 基本支出（元）';
COMMENT ON COLUMN fact_project_budget.project_expenditure_yuan IS 'A whole department''s project expenditure, yuan; NULL for project tables / 项目支出（元）';
COMMENT ON COLUMN fact_project_budget.annual_goal_line IS '1-based line of the annual goal in the source file / 年度目标行号';
