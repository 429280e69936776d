-- user_levels: each user's level history (a type-2 slowly changing dimension), as
-- sql/sqlite/transform_user_levels.sql (the reasons are there): the stretches of each user
-- touched by this run or by a replaced file version are deleted and computed again from all of
-- that user's staged events, an event delivered twice counting once with its first copy's level.
DELETE FROM user_levels
WHERE user_id IN (SELECT user_id FROM staging_events WHERE file_id >= {{first_file_id}}
                  UNION SELECT user_id FROM replaced_events);

-- JIT compilation costs more than it saves on these statements (see transform_artists.sql).
SET LOCAL jit = off;

INSERT INTO user_levels (user_id, user_level, valid_from, valid_to, first_session_id,
                         first_item_in_session)
SELECT user_id, level, valid_from,
       LEAD(valid_from) OVER (PARTITION BY user_id ORDER BY ts, session_id, item_in_session),
       session_id, item_in_session
FROM (
  SELECT user_id, level, ts, session_id, item_in_session,
         TIMESTAMP 'epoch' + (ts / 86400000) * INTERVAL '1 day'
                           + (ts % 86400000) * INTERVAL '1 millisecond' AS valid_from
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
  WHERE position = 1 OR level IS DISTINCT FROM previous_level
) AS stretch_starts;
