-- The direct load: user_levels as transform_user_levels.sql makes them, from direct_user_events,
-- as sql/sqlite/direct_user_levels.sql (the reasons for the walk from stretch to stretch, and
-- for starting at the earliest changed event, are there): for this run's users (run_users) and
-- the users a changed file concerned (replaced_user_events). Each step of the walk is one probe
-- of direct_user_events' primary key (user_id, start_time, session_id, item_in_session).
CREATE TEMPORARY TABLE IF NOT EXISTS direct_level_walks (
  user_id         BIGINT PRIMARY KEY,
  from_time       TIMESTAMP NOT NULL,  -- start_time of the user's earliest event to walk from
  seed_valid_from TIMESTAMP,           -- the seed stretch, NULL when the walk starts at the first
  seed_session_id BIGINT,              -- event
  seed_item       BIGINT,
  seed_level      TEXT
);
TRUNCATE direct_level_walks;
SET LOCAL jit = off;  -- see transform_artists.sql

INSERT INTO direct_level_walks (user_id, from_time)
SELECT user_id, TIMESTAMP 'epoch' + (earliest_ts / 86400000) * INTERVAL '1 day'
                                  + (earliest_ts % 86400000) * INTERVAL '1 millisecond'
FROM run_users;

-- Users whose events a changed file took back: from their earliest event taken back on, or this
-- run's earliest when that is earlier.
INSERT INTO direct_level_walks (user_id, from_time)
SELECT user_id, TIMESTAMP 'epoch' + (earliest_ts / 86400000) * INTERVAL '1 day'
                                  + (earliest_ts % 86400000) * INTERVAL '1 millisecond'
FROM replaced_user_events
ON CONFLICT (user_id) DO UPDATE SET from_time = excluded.from_time
WHERE excluded.from_time < direct_level_walks.from_time;

UPDATE direct_level_walks w SET (seed_valid_from, seed_session_id, seed_item, seed_level) = (
  SELECT l.valid_from, l.first_session_id, l.first_item_in_session, l.user_level
  FROM user_levels l
  WHERE l.user_id = w.user_id AND l.valid_from < w.from_time
  ORDER BY l.valid_from DESC, l.first_session_id DESC, l.first_item_in_session DESC
  LIMIT 1);

DELETE FROM user_levels l
USING direct_level_walks w
WHERE l.user_id = w.user_id
  AND (w.seed_valid_from IS NULL
       OR (l.valid_from, l.first_session_id, l.first_item_in_session)
          >= (w.seed_valid_from, w.seed_session_id, w.seed_item));

-- Each stretch start carries the bound its successor is looked for after: its own event, or for
-- a seed (one millisecond before from_time, the largest session and item): "from from_time on".
INSERT INTO user_levels (user_id, user_level, valid_from, valid_to, first_session_id,
                         first_item_in_session)
WITH RECURSIVE
stretch_starts (user_id, start_time, session_id, item_in_session, user_level,
                after_time, after_session_id, after_item) AS (
  -- a seed: the last stretch that starts before from_time
  SELECT user_id, seed_valid_from, seed_session_id, seed_item, seed_level,
         from_time - INTERVAL '1 millisecond', 9223372036854775807, 9223372036854775807
  FROM direct_level_walks WHERE seed_valid_from IS NOT NULL
  UNION ALL
  -- no seed: the user's first event
  SELECT e.user_id, e.start_time, e.session_id, e.item_in_session, e.user_level,
         e.start_time, e.session_id, e.item_in_session
  FROM direct_level_walks w
  CROSS JOIN LATERAL (
    SELECT x.* FROM direct_user_events x
    WHERE x.user_id = w.user_id
    ORDER BY x.start_time, x.session_id, x.item_in_session
    LIMIT 1) AS e
  WHERE w.seed_valid_from IS NULL
  UNION ALL
  -- the next stretch's first event: the first event after the bound at another level
  SELECT e.user_id, e.start_time, e.session_id, e.item_in_session, e.user_level,
         e.start_time, e.session_id, e.item_in_session
  FROM stretch_starts s
  CROSS JOIN LATERAL (
    SELECT x.* FROM direct_user_events x
    WHERE x.user_id = s.user_id
      AND (x.start_time, x.session_id, x.item_in_session)
          > (s.after_time, s.after_session_id, s.after_item)
      AND x.user_level IS DISTINCT FROM s.user_level
    ORDER BY x.start_time, x.session_id, x.item_in_session
    LIMIT 1) AS e
)
SELECT user_id, user_level, start_time,
       LEAD(start_time) OVER (PARTITION BY user_id
                              ORDER BY start_time, session_id, item_in_session),
       session_id, item_in_session
FROM stretch_starts;
