-- How many indicator targets sit under each level-1 / level-2 name (指标结构).
SELECT i.level1_name, i.level1_en, i.level2_name, i.level2_en, count(*) AS targets
FROM fact_indicator_target AS f
JOIN dim_indicator AS i USING (indicator_key)
GROUP BY ALL
ORDER BY i.level1_name, targets DESC, i.level2_name;
