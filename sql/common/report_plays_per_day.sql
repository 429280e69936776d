-- Report: plays per calendar day (UTC), from the time table; days without plays are absent.
SELECT t.year, t.month, t.day, COUNT(*) AS plays
FROM songplays sp
JOIN time t ON t.start_time = sp.start_time
GROUP BY t.year, t.month, t.day
ORDER BY t.year, t.month, t.day;
