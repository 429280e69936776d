-- user_levels: each user's level history (a type-2 slowly changing dimension), one row per
-- stretch of consecutive events at one level, in users' order (timestamp, then session, then
-- item in session); valid_from is the start_time of the stretch's first event, valid_to the next
-- stretch's valid_from (half-open), NULL for the current stretch, which is users.user_level.
-- An event delivered twice (same user, timestamp, session and item) counts once, with its first
-- copy's level (by file and line), as songplays and users take the first copy.
--
-- Why recompute: an event loaded later (a backfill of older days, a changed file) can fall
-- anywhere in a user's history and split a stretch or join two, and a replaced file version can
-- take events out of the middle. staging_events keeps every event of every run (the ledger
-- takes a replaced version's rows out before this step), so the stretches of each user touched
-- by this run or by a replaced version are deleted and computed again from all of that user's
-- staged events: exact whatever the order of the loads, and the same rows as a fresh load.
DELETE FROM user_levels
WHERE user_id IN (SELECT user_id FROM staging_events WHERE file_id >= {{first_file_id}}
                  UNION SELECT user_id FROM replaced_events);

INSERT INTO user_levels (user_id, user_level, valid_from, valid_to, first_session_id,
                         first_item_in_session)
SELECT user_id, level, valid_from,
       LEAD(valid_from) OVER (PARTITION BY user_id ORDER BY ts, session_id, item_in_session),
       session_id, item_in_session
FROM (
  SELECT user_id, level, ts, session_id, item_in_session,
         strftime('%Y-%m-%d %H:%M:%S', ts / 1000, 'unixepoch') || printf('.%03d', ts % 1000)
           AS valid_from
  FROM (
    SELECT user_id, level, ts, session_id, item_in_session,
           ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY ts, session_id, item_in_session)
             AS position,
           LAG(level) OVER (PARTITION BY user_id ORDER BY ts, session_id, item_in_session)
             AS previous_level
    FROM (
      SELECT user_id, level, ts, session_id, item_in_session,
             ROW_NUMBER() OVER (PARTITION BY user_id, ts, session_id, item_in_session
                                ORDER BY file_id, line) AS copy
      FROM staging_events
      WHERE user_id IN (SELECT user_id FROM staging_events WHERE file_id >= {{first_file_id}}
                        UNION SELECT user_id FROM replaced_events)
    ) AS events
    WHERE copy = 1
  ) AS ordered
  WHERE position = 1 OR level IS NOT previous_level
) AS stretch_starts;
