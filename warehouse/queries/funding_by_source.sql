-- Money by source per year, in 万元 (分资金来源合计).
SELECT year,
       sum(total_yuan) * 0.0001 AS total_wan_yuan,
       sum(fiscal_yuan) * 0.0001 AS fiscal_wan_yuan,
       sum(special_account_yuan) * 0.0001 AS special_account_wan_yuan,
       sum(unit_funds_yuan) * 0.0001 AS unit_funds_wan_yuan,
       sum(social_yuan) * 0.0001 AS social_wan_yuan,
       sum(bank_loan_yuan) * 0.0001 AS bank_loan_wan_yuan,
       count(*) FILTER (WHERE bank_loan_yuan IS NULL) AS projects_without_bank_loan_line
FROM fact_project_budget
GROUP BY year
ORDER BY year;
