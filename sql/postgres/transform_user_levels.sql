-- user_levels: each user's level history (a type-2 slowly changing dimension), as
-- sql/sqlite/transform_user_levels.sql (the reasons are there): the stretches of each user
-- touched by this run or by a replaced file version are computed again from that user's staged
-- events, an event delivered twice counting once with its first copy's level, here with window
-- functions. Only what can change is computed again: the user's events before the earliest one
-- this run adds or a replaced version removes (from_ts) are as they were, so the stretches that
-- start before from_ts stay, except the last of them (the seed), whose end can move; the seed's
-- events before from_ts are all at its level, so the seed's first event and the events from
-- from_ts on give the same stretch starts as the whole history.
CREATE TEMPORARY TABLE IF NOT EXISTS level_walks (
  user_id         BIGINT PRIMARY KEY,
  from_ts         BIGINT NOT NULL,
  seed_valid_from TIMESTAMP,  -- the seed stretch, NULL when every event is read
  seed_session_id BIGINT,
  seed_item       BIGINT,
  seed_level      TEXT
);
DELETE FROM level_walks;

-- JIT compilation costs more than it saves on these statements (see transform_artists.sql).
SET LOCAL jit = off;

INSERT INTO level_walks (user_id, from_ts)
SELECT user_id, MIN(ts)
FROM (SELECT user_id, ts FROM staging_events
      WHERE file_id >= {{first_file_id}} AND user_id IS NOT NULL
      UNION ALL SELECT user_id, ts FROM replaced_events WHERE user_id IS NOT NULL) AS changed
GROUP BY user_id;

UPDATE level_walks w SET (seed_valid_from, seed_session_id, seed_item, seed_level) = (
  SELECT l.valid_from, l.first_session_id, l.first_item_in_session, l.user_level
  FROM user_levels l
  WHERE l.user_id = w.user_id
    AND l.valid_from < TIMESTAMP 'epoch' + (w.from_ts / 86400000) * INTERVAL '1 day'
                                         + (w.from_ts % 86400000) * INTERVAL '1 millisecond'
  ORDER BY l.valid_from DESC, l.first_session_id DESC, l.first_item_in_session DESC
  LIMIT 1);

DELETE FROM user_levels l
USING level_walks w
WHERE l.user_id = w.user_id
  AND (w.seed_valid_from IS NULL
       OR (l.valid_from, l.first_session_id, l.first_item_in_session)
          >= (w.seed_valid_from, w.seed_session_id, w.seed_item));

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
      FROM (
        -- the seeds' first events (their copies are all before from_ts: none is read)
        SELECT user_id, seed_level AS level,
               (EXTRACT(EPOCH FROM seed_valid_from) * 1000)::BIGINT AS ts,
               seed_session_id AS session_id, seed_item AS item_in_session,
               0 AS file_id, 0 AS line
        FROM level_walks WHERE seed_valid_from IS NOT NULL
        UNION ALL
        SELECT e.user_id, e.level, e.ts, e.session_id, e.item_in_session, e.file_id, e.line
        FROM level_walks w
        JOIN staging_events e ON e.user_id = w.user_id
        WHERE w.seed_valid_from IS NULL OR e.ts >= w.from_ts
      ) AS read_events
    ) AS events
    WHERE copy = 1
  ) AS ordered
  WHERE position = 1 OR level IS DISTINCT FROM previous_level
) AS stretch_starts;
