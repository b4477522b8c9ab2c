-- Every project-year's review: score, grade and the rules that flagged it, lowest score first (绩效目标审核得分).
SELECT year, unit_name, project_code, project_name, score, grade, flagged_rules, total_wan_yuan
FROM v_target_review
ORDER BY score, year, project_code;
