-- time: one row per distinct songplays.start_time. week is the ISO week (the week of the
-- Thursday of the same Monday-to-Sunday week); weekday is 0 for Sunday to 6 for Saturday, as
-- EXTRACT(DOW) in PostgreSQL and Redshift. New start times are those of the songplays this run
-- added (ids above {{last_songplay_id}}, the largest before the run). start_time is
-- 'YYYY-MM-DD HH:MM:SS.mmm', so hour, day, month and year are read off the text.
DELETE FROM time
WHERE start_time IN (SELECT strftime('%Y-%m-%d %H:%M:%S', ts / 1000, 'unixepoch')
                            || printf('.%03d', ts % 1000) FROM replaced_events)
  AND NOT EXISTS (SELECT 1 FROM songplays sp WHERE sp.start_time = time.start_time);

INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT start_time,
       CAST(substr(start_time, 12, 2) AS INTEGER),
       CAST(substr(start_time, 9, 2) AS INTEGER),
       (CAST(strftime('%j', date(start_time, '-3 days', 'weekday 4')) AS INTEGER) - 1) / 7 + 1,
       CAST(substr(start_time, 6, 2) AS INTEGER),
       CAST(substr(start_time, 1, 4) AS INTEGER),
       CAST(strftime('%w', start_time) AS INTEGER)
FROM songplays
WHERE songplay_id > {{last_songplay_id}}
ON CONFLICT (start_time) DO NOTHING;
