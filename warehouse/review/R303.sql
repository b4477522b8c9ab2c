-- R303: a vague qualitative target: no number, and either no text or a word of
-- `vague_words.csv` (提高, 提升, 促进, 有效, 定性 …) in it.
SELECT
    t.year, t.project_key, t.project_code, t.source_file, t.source_line,
    'target_text' AS column_name,
    coalesce(t.target_text, t.year_target_text) AS value,
    t.level3_name AS evidence,
    format('{}: the target "{}" sets no measure', t.level3_name,
           coalesce(t.target_text, t.year_target_text, '')) AS message
FROM review_targets AS t
WHERE NOT t.quantitative
  AND t.target_value IS NULL AND t.year_target_value IS NULL
  AND NOT regexp_matches(coalesce(t.target_text, t.year_target_text, ''), '[0-9]')
  AND (
      coalesce(t.target_text, t.year_target_text) IS NULL
      OR EXISTS (
          SELECT 1 FROM review_vague_word AS w
          WHERE contains(coalesce(t.target_text, t.year_target_text), w.word)
      )
  )
