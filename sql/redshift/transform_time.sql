-- time (Redshift): one row per distinct songplays.start_time, as sql/postgres/transform_time.sql
-- without ON CONFLICT: times already present are left out by an anti-join. EXTRACT(WEEK) is the
-- ISO 8601 week and EXTRACT(DOW) counts 0 (Sunday) to 6 in Redshift as in PostgreSQL
-- (r_DATE_PART_function.html, r_Dateparts_for_datetime_functions.html).
DELETE FROM time
WHERE start_time IN (SELECT TIMESTAMP 'epoch' + (ts / 1000) * INTERVAL '1 second'
                                              + (ts % 1000) * INTERVAL '0.001 second'
                     FROM replaced_events)
  AND start_time NOT IN (SELECT start_time FROM songplays);

INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT t.start_time,
       CAST(EXTRACT(HOUR FROM t.start_time) AS INTEGER),
       CAST(EXTRACT(DAY FROM t.start_time) AS INTEGER),
       CAST(EXTRACT(WEEK FROM t.start_time) AS INTEGER),
       CAST(EXTRACT(MONTH FROM t.start_time) AS INTEGER),
       CAST(EXTRACT(YEAR FROM t.start_time) AS INTEGER),
       CAST(EXTRACT(DOW FROM t.start_time) AS INTEGER)
FROM (
  SELECT DISTINCT TIMESTAMP 'epoch' + (ts / 1000) * INTERVAL '1 second'
                                    + (ts % 1000) * INTERVAL '0.001 second' AS start_time
  FROM staging_events
  WHERE file_id >= {{first_file_id}} AND page = 'NextSong'
) AS t
LEFT JOIN time x ON x.start_time = t.start_time
WHERE x.start_time IS NULL;
