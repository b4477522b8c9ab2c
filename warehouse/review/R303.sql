-- R303: a vague qualitative target: no number, and either no text or a word of
-- `vague_words.csv` (提高, 提升, 促进, 有效, 定性 …) in it. (The words are looked for in the
-- distinct target texts, few even in a large load.)
WITH qualitative AS (
    SELECT *, coalesce(target_text, year_target_text) AS stated
    FROM review_targets
    WHERE NOT quantitative AND target_value IS NULL AND year_target_value IS NULL
),
vague AS (
    SELECT stated
    FROM (SELECT DISTINCT stated FROM qualitative WHERE stated IS NOT NULL) AS texts
    WHERE NOT regexp_matches(stated, '[0-9]')
      AND EXISTS (SELECT 1 FROM review_vague_word AS w WHERE contains(texts.stated, w.word))
)
SELECT
    t.year, t.project_key, t.project_code, t.source_file, t.source_line,
    'target_text' AS column_name,
    t.stated AS value,
    t.level3_name AS evidence,
    t.level3_name || ': the target "' || coalesce(t.stated, '') || '" sets no measure' AS message
FROM qualitative AS t
WHERE t.stated IS NULL OR t.stated IN (SELECT stated FROM vague)
