-- time: one row per distinct songplays.start_time. week is the ISO week (EXTRACT(WEEK): the week
-- of the Thursday of the same Monday-to-Sunday week); weekday is 0 for Sunday to 6 for Saturday
-- (EXTRACT(DOW)), as sql/sqlite computes them.
DELETE FROM time
WHERE start_time IN (SELECT TIMESTAMP 'epoch' + (ts / 86400000) * INTERVAL '1 day' + (ts % 86400000) * INTERVAL '1 millisecond' FROM replaced_events)
  AND NOT EXISTS (SELECT 1 FROM songplays sp WHERE sp.start_time = time.start_time);

INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT start_time,
       EXTRACT(HOUR FROM start_time)::INTEGER,
       EXTRACT(DAY FROM start_time)::INTEGER,
       EXTRACT(WEEK FROM start_time)::INTEGER,
       EXTRACT(MONTH FROM start_time)::INTEGER,
       EXTRACT(YEAR FROM start_time)::INTEGER,
       EXTRACT(DOW FROM start_time)::INTEGER
FROM (
  SELECT DISTINCT TIMESTAMP 'epoch' + (ts / 86400000) * INTERVAL '1 day' + (ts % 86400000) * INTERVAL '1 millisecond' AS start_time
  FROM staging_events
  WHERE file_id >= {{first_file_id}} AND page = 'NextSong'
) AS t
ON CONFLICT (start_time) DO NOTHING;
