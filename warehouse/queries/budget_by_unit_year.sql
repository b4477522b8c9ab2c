-- Budget per unit and year, in 万元 (预算单位年度项目资金合计).
SELECT u.unit_code, u.unit_name, b.year,
       count(*) AS projects,
       sum(b.total_yuan) * 0.0001 AS total_wan_yuan,
       sum(b.fiscal_yuan) * 0.0001 AS fiscal_wan_yuan
FROM fact_project_budget AS b
JOIN dim_unit AS u USING (unit_key)
GROUP BY ALL
ORDER BY u.unit_code, b.year;
