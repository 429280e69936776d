-- Report: sessions (a user's session_id) by their number of plays, in buckets named by their
-- smallest length: 1, 2-4, 5-9, 10-19, 20-49, 50-99, 100 and more.
SELECT bucket, COUNT(*) AS sessions, SUM(plays) AS plays
FROM (
  SELECT CASE WHEN COUNT(*) >= 100 THEN 100
              WHEN COUNT(*) >= 50 THEN 50
              WHEN COUNT(*) >= 20 THEN 20
              WHEN COUNT(*) >= 10 THEN 10
              WHEN COUNT(*) >= 5 THEN 5
              WHEN COUNT(*) >= 2 THEN 2
              ELSE 1 END AS bucket,
         COUNT(*) AS plays
  FROM songplays
  GROUP BY user_id, session_id
) sessions
GROUP BY bucket
ORDER BY bucket;
