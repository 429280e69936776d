-- time: one row per distinct songplays.start_time. week is the ISO week (the week of the
-- Thursday of the same Monday-to-Sunday week); weekday is 0 for Sunday to 6 for Saturday, as
-- EXTRACT(DOW) in PostgreSQL and Redshift.
DELETE FROM time
WHERE start_time IN (SELECT strftime('%Y-%m-%d %H:%M:%S', ts / 1000, 'unixepoch')
                            || printf('.%03d', ts % 1000) FROM replaced_events)
  AND NOT EXISTS (SELECT 1 FROM songplays sp WHERE sp.start_time = time.start_time);

INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT start_time,
       CAST(strftime('%H', start_time) AS INTEGER),
       CAST(strftime('%d', start_time) AS INTEGER),
       (CAST(strftime('%j', date(start_time, '-3 days', 'weekday 4')) AS INTEGER) - 1) / 7 + 1,
       CAST(strftime('%m', start_time) AS INTEGER),
       CAST(strftime('%Y', start_time) AS INTEGER),
       CAST(strftime('%w', start_time) AS INTEGER)
FROM (
  SELECT DISTINCT
    strftime('%Y-%m-%d %H:%M:%S', ts / 1000, 'unixepoch') || printf('.%03d', ts % 1000)
      AS start_time
  FROM staging_events
  WHERE file_id >= {{first_file_id}} AND page = 'NextSong'
) AS t
WHERE true
ON CONFLICT (start_time) DO NOTHING;
