-- Report: free against paid: plays at each level (the level of the play's event) and users at
-- each level now (users.user_level). A missing level is ''.
SELECT level, SUM(plays) AS plays, SUM(users) AS users
FROM (
  SELECT COALESCE(user_level, '') AS level, COUNT(*) AS plays, 0 AS users
  FROM songplays GROUP BY COALESCE(user_level, '')
  UNION ALL
  SELECT COALESCE(user_level, ''), 0, COUNT(*)
  FROM users GROUP BY COALESCE(user_level, '')
) by_level
GROUP BY level
ORDER BY level;
