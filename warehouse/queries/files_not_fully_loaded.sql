-- Files that were not (wholly) loaded, and why (未完整入库的文件).
SELECT source_file, status, tables_found, tables_loaded, errors, reason
FROM dq_file
WHERE status NOT IN ('loaded', 'superseded')
ORDER BY source_file;
