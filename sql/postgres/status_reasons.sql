-- sparkify status: the quarantined records per source and reason, the most frequent first;
-- ties in byte order, as SQLite and Redshift compare text (not the database's collation).
SELECT source, reason, COUNT(*) AS records
FROM load_errors
GROUP BY source, reason
ORDER BY COUNT(*) DESC, source COLLATE "C", reason COLLATE "C"
LIMIT {{limit}};
