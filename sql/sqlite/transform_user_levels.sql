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
-- by this run or by a replaced version are deleted and computed again from that user's staged
-- events (from the earliest change on, below): exact whatever the order of the loads, and the
-- same rows as a fresh load. users alone (the latest event) could not say where a stretch's
-- later events are.
--
-- How: a walk from stretch to stretch (a recursive query), not window functions over every
-- event: from a stretch's first event, the next stretch starts at the first later event at
-- another level that is the first copy of its event; each step is one forward scan of the
-- staging_events_user_latest index. SQLite's window functions cost about 2 s of CPU per pass
-- over 600,000 events and this needs three; the walk is about 4 times faster in all
-- (sql/postgres/transform_user_levels.sql, where windows are cheap, computes the same with them).
-- And only the part of a history that can change is walked again: a user's events before the
-- earliest one this run adds or a replaced version removes (from_ts) are as they were, so the
-- stretches that start before from_ts stay, except the last of them (the seed), whose end can
-- move; the walk starts from the seed and looks for the next stretch from from_ts on.
CREATE TEMPORARY TABLE IF NOT EXISTS level_walks (
  user_id         INTEGER PRIMARY KEY,
  from_ts         INTEGER NOT NULL,
  seed_valid_from TEXT,     -- the seed stretch, NULL when the walk starts at the first event
  seed_session_id INTEGER,
  seed_item       INTEGER,
  seed_level      TEXT
);
DELETE FROM level_walks;

INSERT INTO level_walks (user_id, from_ts)
SELECT user_id, MIN(ts)
FROM (SELECT user_id, ts FROM staging_events
      WHERE file_id >= {{first_file_id}} AND user_id IS NOT NULL
      UNION ALL SELECT user_id, ts FROM replaced_events WHERE user_id IS NOT NULL) AS changed
GROUP BY user_id;

UPDATE level_walks SET (seed_valid_from, seed_session_id, seed_item, seed_level) = (
  SELECT l.valid_from, l.first_session_id, l.first_item_in_session, l.user_level
  FROM user_levels l
  WHERE l.user_id = level_walks.user_id
    AND l.valid_from < strftime('%Y-%m-%d %H:%M:%S', level_walks.from_ts / 1000, 'unixepoch')
                       || printf('.%03d', level_walks.from_ts % 1000)
  ORDER BY l.valid_from DESC, l.first_session_id DESC, l.first_item_in_session DESC
  LIMIT 1);

DELETE FROM user_levels
WHERE EXISTS (
  SELECT 1 FROM level_walks w
  WHERE w.user_id = user_levels.user_id
    AND (w.seed_valid_from IS NULL
         OR (user_levels.valid_from, user_levels.first_session_id,
             user_levels.first_item_in_session)
            >= (w.seed_valid_from, w.seed_session_id, w.seed_item)));

-- Each stretch start carries the bound its successor is looked for after: its own event, or for
-- a seed (from_ts - 1, the largest session and item), which is "from from_ts on".
INSERT INTO user_levels (user_id, user_level, valid_from, valid_to, first_session_id,
                         first_item_in_session)
WITH RECURSIVE
stretch_starts (user_id, ts, session_id, item_in_session, level,
                after_ts, after_session_id, after_item) AS (
  -- a seed: the last stretch that starts before from_ts
  SELECT user_id,
         CAST(strftime('%s', seed_valid_from) AS INTEGER) * 1000
           + CAST(substr(seed_valid_from, 21, 3) AS INTEGER),
         seed_session_id, seed_item, seed_level,
         from_ts - 1, 9223372036854775807, 9223372036854775807
  FROM level_walks WHERE seed_valid_from IS NOT NULL
  UNION ALL
  -- no seed: the user's first event (its first copy)
  SELECT e.user_id, e.ts, e.session_id, e.item_in_session, e.level,
         e.ts, e.session_id, e.item_in_session
  FROM level_walks w
  JOIN staging_events e ON e.rowid = (
    SELECT x.rowid FROM staging_events x
    WHERE x.user_id = w.user_id
    ORDER BY x.ts, x.session_id, x.item_in_session, x.file_id, x.line
    LIMIT 1)
  WHERE w.seed_valid_from IS NULL
  UNION ALL
  -- the next stretch's first event: the first event after the bound at another level that no
  -- earlier copy of the same event precedes
  SELECT e.user_id, e.ts, e.session_id, e.item_in_session, e.level,
         e.ts, e.session_id, e.item_in_session
  FROM stretch_starts s
  JOIN staging_events e ON e.rowid = (
    SELECT x.rowid FROM staging_events x
    WHERE x.user_id = s.user_id
      AND (x.ts, x.session_id, x.item_in_session) > (s.after_ts, s.after_session_id, s.after_item)
      AND x.level IS NOT s.level
      AND NOT EXISTS (
        SELECT 1 FROM staging_events y
        WHERE y.user_id = x.user_id AND y.ts = x.ts AND y.session_id = x.session_id
          AND y.item_in_session = x.item_in_session AND (y.file_id, y.line) < (x.file_id, x.line))
    ORDER BY x.ts, x.session_id, x.item_in_session, x.file_id, x.line
    LIMIT 1)
)
SELECT user_id, level, valid_from,
       LEAD(valid_from) OVER (PARTITION BY user_id ORDER BY ts, session_id, item_in_session),
       session_id, item_in_session
FROM (SELECT user_id, level, ts, session_id, item_in_session,
             strftime('%Y-%m-%d %H:%M:%S', ts / 1000, 'unixepoch') || printf('.%03d', ts % 1000)
               AS valid_from
      FROM stretch_starts) AS starts;
