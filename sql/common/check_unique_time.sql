-- time.start_time is unique (Redshift does not enforce keys, so every engine checks).
SELECT start_time, COUNT(*) AS copies FROM time GROUP BY start_time HAVING COUNT(*) > 1;
