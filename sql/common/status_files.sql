-- sparkify status: the files in the ledger per source (records is NULL for files loaded by
-- Redshift's COPY, which does not count them).
SELECT source, COUNT(*) AS files, SUM(size) AS bytes, SUM(records) AS records
FROM load_files
GROUP BY source
ORDER BY source;
