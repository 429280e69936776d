-- Report: plays per hour of the day (UTC, 0 to 23); hours without plays are absent.
SELECT t.hour, COUNT(*) AS plays
FROM songplays sp
JOIN time t ON t.start_time = sp.start_time
GROUP BY t.hour
ORDER BY t.hour;
