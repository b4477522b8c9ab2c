INSERT INTO fact_project_budget
SELECT
    b.year, u.unit_key, p.project_key,
    b.total_yuan, b.fiscal_yuan, b.special_account_yuan, b.unit_funds_yuan, b.social_yuan,
    b.bank_loan_yuan, b.execution_weight, b.annual_goal,
    b.source_file, b.source_line, b.source_sha256, b.table_seq, b.multi_year_goal,
    b.basic_expenditure_yuan, b.project_expenditure_yuan, b.annual_goal_line
FROM incoming_budget AS b
JOIN dim_unit AS u USING (unit_code)
JOIN dim_project AS p USING (project_code);

INSERT INTO fact_indicator_target
SELECT
    t.year, u.unit_key, p.project_key, i.indicator_key,
    t.operator, t.operator_raw, t.target_value, t.target_text,
    t.year_target_value, t.year_target_text, t.measure_unit, t.measure_unit_raw,
    t.weight, t.year_weight, t.remark,
    t.source_file, t.source_line, t.source_sha256, t.table_seq,
    t.definition, t.standard, t.direction, t.value_type
FROM incoming_targets AS t
JOIN dim_unit AS u USING (unit_code)
JOIN dim_project AS p USING (project_code)
JOIN dim_indicator AS i
  ON i.level1_name = t.level1_name
 AND i.level2_name = coalesce(t.level2_name, '')
 AND i.level3_name = coalesce(t.level3_name, '');
