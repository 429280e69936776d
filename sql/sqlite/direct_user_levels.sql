-- The direct load: user_levels as transform_user_levels.sql makes them (the reasons, why a walk
-- from stretch to stretch rather than window functions, and why from the earliest changed event
-- on, are there), from direct_user_events instead of staging_events, for this run's users
-- (run_users, whose earliest_ts is the user's earliest event of this run) and the users a
-- changed file concerned (replaced_user_events). Each event is there once, with its first
-- copy's level, and its key is the table's primary key, so each step is one forward scan of it;
-- start_time orders as ts does (fixed-width UTC text).
CREATE TEMPORARY TABLE IF NOT EXISTS direct_level_walks (
  user_id         INTEGER PRIMARY KEY,
  from_time       TEXT NOT NULL,  -- start_time of the user's earliest event to walk from
  before_time     TEXT NOT NULL,  -- one millisecond earlier
  seed_valid_from TEXT,           -- the seed stretch, NULL when the walk starts at the first event
  seed_session_id INTEGER,
  seed_item       INTEGER,
  seed_level      TEXT
);
DELETE FROM direct_level_walks;

INSERT INTO direct_level_walks (user_id, from_time, before_time)
SELECT user_id,
       strftime('%Y-%m-%d %H:%M:%S', earliest_ts / 1000, 'unixepoch')
         || printf('.%03d', earliest_ts % 1000),
       -- (for earliest_ts 0 not a start_time, but still below every one, and no stretch starts
       -- before it: no seed uses it)
       strftime('%Y-%m-%d %H:%M:%S', (earliest_ts - 1) / 1000, 'unixepoch')
         || printf('.%03d', (earliest_ts - 1) % 1000)
FROM run_users;

-- Users whose events a changed file took back: from their earliest event taken back on, or this
-- run's earliest when that is earlier.
INSERT INTO direct_level_walks (user_id, from_time, before_time)
SELECT user_id,
       strftime('%Y-%m-%d %H:%M:%S', earliest_ts / 1000, 'unixepoch')
         || printf('.%03d', earliest_ts % 1000),
       strftime('%Y-%m-%d %H:%M:%S', (earliest_ts - 1) / 1000, 'unixepoch')
         || printf('.%03d', (earliest_ts - 1) % 1000)
FROM replaced_user_events
WHERE true
ON CONFLICT (user_id) DO UPDATE SET
  from_time = excluded.from_time,
  before_time = excluded.before_time
WHERE excluded.from_time < direct_level_walks.from_time;

UPDATE direct_level_walks SET (seed_valid_from, seed_session_id, seed_item, seed_level) = (
  SELECT l.valid_from, l.first_session_id, l.first_item_in_session, l.user_level
  FROM user_levels l
  WHERE l.user_id = direct_level_walks.user_id AND l.valid_from < direct_level_walks.from_time
  ORDER BY l.valid_from DESC, l.first_session_id DESC, l.first_item_in_session DESC
  LIMIT 1);

DELETE FROM user_levels
WHERE EXISTS (
  SELECT 1 FROM direct_level_walks w
  WHERE w.user_id = user_levels.user_id
    AND (w.seed_valid_from IS NULL
         OR (user_levels.valid_from, user_levels.first_session_id,
             user_levels.first_item_in_session)
            >= (w.seed_valid_from, w.seed_session_id, w.seed_item)));

-- Each stretch start carries the bound its successor is looked for after: its own event, or for
-- a seed (one millisecond before from_time, the largest session and item): "from from_time on".
INSERT INTO user_levels (user_id, user_level, valid_from, valid_to, first_session_id,
                         first_item_in_session)
WITH RECURSIVE
stretch_starts (user_id, start_time, session_id, item_in_session, user_level,
                after_time, after_session_id, after_item) AS (
  -- a seed: the last stretch that starts before from_time
  SELECT user_id, seed_valid_from, seed_session_id, seed_item, seed_level,
         before_time, 9223372036854775807, 9223372036854775807
  FROM direct_level_walks WHERE seed_valid_from IS NOT NULL
  UNION ALL
  -- no seed: the user's first event
  SELECT e.user_id, e.start_time, e.session_id, e.item_in_session, e.user_level,
         e.start_time, e.session_id, e.item_in_session
  FROM direct_level_walks w
  JOIN direct_user_events e ON (e.user_id, e.start_time, e.session_id, e.item_in_session) = (
    SELECT x.user_id, x.start_time, x.session_id, x.item_in_session FROM direct_user_events x
    WHERE x.user_id = w.user_id
    ORDER BY x.start_time, x.session_id, x.item_in_session
    LIMIT 1)
  WHERE w.seed_valid_from IS NULL
  UNION ALL
  -- the next stretch's first event: the first event after the bound at another level
  SELECT e.user_id, e.start_time, e.session_id, e.item_in_session, e.user_level,
         e.start_time, e.session_id, e.item_in_session
  FROM stretch_starts s
  JOIN direct_user_events e ON (e.user_id, e.start_time, e.session_id, e.item_in_session) = (
    SELECT x.user_id, x.start_time, x.session_id, x.item_in_session FROM direct_user_events x
    WHERE x.user_id = s.user_id
      AND (x.start_time, x.session_id, x.item_in_session)
          > (s.after_time, s.after_session_id, s.after_item)
      AND x.user_level IS NOT s.user_level
    ORDER BY x.start_time, x.session_id, x.item_in_session
    LIMIT 1)
)
SELECT user_id, user_level, start_time,
       LEAD(start_time) OVER (PARTITION BY user_id
                              ORDER BY start_time, session_id, item_in_session),
       session_id, item_in_session
FROM stretch_starts;
