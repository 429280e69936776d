-- Report: plays per weekday (0 Sunday to 6 Saturday, as time.weekday); weekdays without plays
-- are absent.
SELECT t.weekday, COUNT(*) AS plays
FROM songplays sp
JOIN time t ON t.start_time = sp.start_time
GROUP BY t.weekday
ORDER BY t.weekday;
