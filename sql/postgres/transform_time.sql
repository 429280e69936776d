-- time: one row per distinct songplays.start_time. week is the ISO week (EXTRACT(WEEK): the week
-- of the Thursday of the same Monday-to-Sunday week); weekday is 0 for Sunday to 6 for Saturday
-- (EXTRACT(DOW)), as sql/sqlite computes them.
DELETE FROM time
WHERE start_time IN (SELECT TIMESTAMP 'epoch' + (ts / 86400000) * INTERVAL '1 day' + (ts % 86400000) * INTERVAL '1 millisecond' FROM replaced_events)
  AND NOT EXISTS (SELECT 1 FROM songplays sp WHERE sp.start_time = time.start_time);

-- date_part() rather than EXTRACT(), which computes a numeric; the values are the same small
-- integers. A new start_time is one time has not: an anti-join, so a plain INSERT without the
-- per-row speculative insertion of ON CONFLICT. The anti-join reads only the part of time
-- between the run's first and last start_time (an index range), so a run of one new day does
-- not hash the whole table. The run's start times come sorted, so time_pkey grows at its end.
SET LOCAL work_mem = '256MB';
SET LOCAL jit = off;  -- see transform_artists.sql

WITH new_times AS MATERIALIZED (
  SELECT DISTINCT TIMESTAMP 'epoch' + (ts / 86400000) * INTERVAL '1 day' + (ts % 86400000) * INTERVAL '1 millisecond' AS start_time
  FROM staging_events
  WHERE file_id >= {{first_file_id}} AND page = 'NextSong'
  ORDER BY 1
), bounds AS MATERIALIZED (
  SELECT MIN(start_time) AS first, MAX(start_time) AS last FROM new_times
)
INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT start_time,
       date_part('hour', start_time)::INTEGER,
       date_part('day', start_time)::INTEGER,
       date_part('week', start_time)::INTEGER,
       date_part('month', start_time)::INTEGER,
       date_part('year', start_time)::INTEGER,
       date_part('dow', start_time)::INTEGER
FROM new_times t
WHERE NOT EXISTS (
  SELECT 1 FROM bounds b JOIN time x ON x.start_time BETWEEN b.first AND b.last
  WHERE x.start_time = t.start_time);
