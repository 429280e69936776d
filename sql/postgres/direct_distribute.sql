-- The direct load on PostgreSQL, after the logs. The client COPYs the rows in batches straight
-- into the star tables; from the first batch a table refused (a key already there), it wrote
-- every later row into direct_run_events instead (pipeline/direct_load.cpp; empty otherwise),
-- and this puts those where SQLite's routing writer puts them one by one:
-- a play into songplays, a play's new start time into time, an event of a user into
-- direct_user_events, a change of a user's names into direct_user_names. Of several copies of
-- one event the first by file and line goes in, and none when the table holds the event from an
-- earlier run; each copy left out goes to direct_event_copies, `targets` naming the tables that
-- left it out (1 songplays, 4 direct_user_events), for direct_take_back.sql.
-- The copies of one event are found by one sort per table, which also feeds each index its keys
-- in order; an event already held is left out by an anti-join (a plain INSERT, without
-- ON CONFLICT's per-row speculative insertion). A copy is a row whose file and line the table
-- did not take.
SET LOCAL work_mem = '256MB';
SET LOCAL jit = off;  -- see transform_artists.sql
ANALYZE direct_run_events;

CREATE TEMPORARY TABLE IF NOT EXISTS direct_run_inserted (target BIGINT PRIMARY KEY, rows BIGINT);
TRUNCATE direct_run_inserted;

WITH plays AS (
  INSERT INTO songplays (start_time, user_id, song_id, artist_id, session_id, item_in_session,
                         user_level, user_location, user_agent, song_title, artist_name,
                         song_length, file_id, line)
  SELECT p.start_time, p.user_id, p.song_id, p.artist_id, p.session_id, p.item_in_session,
         p.user_level, p.user_location, p.user_agent, p.song_title, p.artist_name,
         p.song_length, p.file_id, p.line
  FROM (
    SELECT DISTINCT ON (e.start_time, e.session_id, e.item_in_session, e.user_id) e.*
    FROM (SELECT start_time, user_id, song_id, artist_id, session_id,
                 item_in_session, user_level, user_location, user_agent, song_title,
                 artist_name, song_length, file_id, line
          FROM direct_run_events WHERE targets & 1 <> 0) AS e
    ORDER BY e.start_time, e.session_id, e.item_in_session, e.user_id, e.file_id, e.line
  ) AS p
  WHERE NOT EXISTS (
    SELECT 1 FROM songplays sp
    WHERE sp.start_time = p.start_time AND sp.session_id = p.session_id
      AND sp.item_in_session = p.item_in_session AND sp.user_id IS NOT DISTINCT FROM p.user_id)
  RETURNING 1
)
INSERT INTO direct_run_inserted SELECT 1, COUNT(*) FROM plays;

WITH user_events AS (
  INSERT INTO direct_user_events (user_id, start_time, session_id, item_in_session, user_level,
                                  file_id, line)
  SELECT u.user_id, u.start_time, u.session_id, u.item_in_session, u.user_level, u.file_id,
         u.line
  FROM (
    SELECT DISTINCT ON (e.user_id, e.start_time, e.session_id, e.item_in_session) e.*
    FROM (SELECT user_id, start_time, session_id, item_in_session,
                 user_level, file_id, line
          FROM direct_run_events WHERE targets & 4 <> 0) AS e
    ORDER BY e.user_id, e.start_time, e.session_id, e.item_in_session, e.file_id, e.line
  ) AS u
  WHERE NOT EXISTS (
    SELECT 1 FROM direct_user_events x
    WHERE x.user_id = u.user_id AND x.start_time = u.start_time AND x.session_id = u.session_id
      AND x.item_in_session = u.item_in_session)
  RETURNING 1
)
INSERT INTO direct_run_inserted SELECT 4, COUNT(*) FROM user_events;

INSERT INTO direct_user_names (user_id, file_id, line, first_name, last_name, user_gender)
SELECT user_id, file_id, line, first_name, last_name, user_gender
FROM direct_run_events WHERE targets & 8 <> 0
ORDER BY user_id, file_id, line;

-- The copies left out, for each table that left rows out (fewer went in than were offered: an
-- uncorrelated condition, tested once, so a run without copies reads nothing more). This run's
-- rows are the only ones with file ids from {{first_file_id}} on.
INSERT INTO direct_event_copies (targets, start_time, user_id, song_id, artist_id, session_id,
                                 item_in_session, user_level, user_location, user_agent,
                                 song_title, artist_name, song_length, hour, day, week, month,
                                 year, weekday, first_name, last_name, user_gender, file_id,
                                 line)
SELECT c.skipped, c.start_time, c.user_id, c.song_id, c.artist_id, c.session_id,
       c.item_in_session, c.user_level, c.user_location, c.user_agent, c.song_title,
       c.artist_name, c.song_length, c.hour, c.day, c.week, c.month, c.year, c.weekday,
       c.first_name, c.last_name, c.user_gender, c.file_id, c.line
FROM (
  SELECT e.*,
         -- (NOT IN over a subquery is one hash of the rows the table took)
         CASE WHEN e.targets & 1 <> 0 AND (e.file_id, e.line) NOT IN (
                SELECT file_id, line FROM songplays WHERE file_id >= {{first_file_id}})
              THEN 1 ELSE 0 END
         | CASE WHEN e.targets & 4 <> 0 AND (e.file_id, e.line) NOT IN (
                SELECT file_id, line FROM direct_user_events WHERE file_id >= {{first_file_id}})
              THEN 4 ELSE 0 END AS skipped
  FROM direct_run_events e
  WHERE (SELECT rows FROM direct_run_inserted WHERE target = 1)
          < (SELECT COUNT(*) FROM direct_run_events WHERE targets & 1 <> 0)
     OR (SELECT rows FROM direct_run_inserted WHERE target = 4)
          < (SELECT COUNT(*) FROM direct_run_events WHERE targets & 4 <> 0)
) AS c
WHERE c.skipped <> 0;

-- time: one row per new start time of a play (transform_time.sql's values, computed by the
-- client). The anti-join reads only the part of time between the run's first and last start
-- time (an index range), so a run of one new day does not hash the whole table.
WITH new_times AS MATERIALIZED (
  SELECT DISTINCT ON (t.start_time) t.*
  FROM (SELECT start_time, hour, day, week, month, year, weekday
        FROM direct_run_events WHERE targets & 2 <> 0) AS t
  ORDER BY t.start_time
), bounds AS MATERIALIZED (
  SELECT MIN(start_time) AS first, MAX(start_time) AS last FROM new_times
)
INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT start_time, hour, day, week, month, year, weekday
FROM new_times t
WHERE NOT EXISTS (
  SELECT 1 FROM bounds b JOIN time x ON x.start_time BETWEEN b.first AND b.last
  WHERE x.start_time = t.start_time);

TRUNCATE direct_run_events;
