-- Report: the ledger per source: files loaded, their records (NULL on Redshift, whose cluster
-- does not count them per file) and the records quarantined.
SELECT source, SUM(files) AS files, SUM(records) AS records, SUM(quarantined) AS quarantined
FROM (
  SELECT source, COUNT(*) AS files, SUM(records) AS records, 0 AS quarantined
  FROM load_files GROUP BY source
  UNION ALL
  SELECT source, 0, NULL, COUNT(*) FROM load_errors GROUP BY source
) by_source
GROUP BY source
ORDER BY source;
