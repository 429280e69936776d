-- sparkify status: the quarantined records per source and reason, the most frequent first
-- (Redshift compares text in byte order, as SQLite: no COLLATE, which it does not take here).
SELECT source, reason, COUNT(*) AS records
FROM load_errors
GROUP BY source, reason
ORDER BY COUNT(*) DESC, source, reason
LIMIT {{limit}};
