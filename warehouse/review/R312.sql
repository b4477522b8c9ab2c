-- R312: the project's total changed by 20 % or more from its previous year.
SELECT
    b.year, b.project_key, b.project_code, b.source_file, b.source_line,
    'total_yuan' AS column_name,
    format('{} → {}', review_wan(p.total_yuan), review_wan(b.total_yuan)) AS value,
    NULL AS evidence,
    format('the total went from {} in {} to {} ({}%)', review_wan(p.total_yuan), p.year,
           review_wan(b.total_yuan),
           review_number(round(100 * (b.total_yuan - p.total_yuan) / p.total_yuan, 1)))
        AS message
FROM review_budget AS b
JOIN review_budget AS p ON p.project_key = b.project_key AND p.year = b.year - 1
WHERE p.total_yuan > 0 AND abs(b.total_yuan - p.total_yuan) >= 0.2 * p.total_yuan
