-- --direct: user_levels as transform_user_levels.sql makes them (the reasons, and why a walk
-- from stretch to stretch rather than window functions, are there), from direct_user_events
-- instead of staging_events: the stretches of this run's users (run_users) are deleted and
-- computed again from all of their events. Each event is there once, with its first copy's
-- level, and its key is the table's primary key, so each step is one forward scan of it;
-- start_time orders as ts does (fixed-width UTC text).
DELETE FROM user_levels WHERE user_id IN (SELECT user_id FROM run_users);

INSERT INTO user_levels (user_id, user_level, valid_from, valid_to, first_session_id,
                         first_item_in_session)
WITH RECURSIVE
stretch_starts (user_id, start_time, session_id, item_in_session, user_level) AS (
  -- each user's first event
  SELECT e.user_id, e.start_time, e.session_id, e.item_in_session, e.user_level
  FROM run_users
  JOIN direct_user_events e ON (e.user_id, e.start_time, e.session_id, e.item_in_session) = (
    SELECT x.user_id, x.start_time, x.session_id, x.item_in_session FROM direct_user_events x
    WHERE x.user_id = run_users.user_id
    ORDER BY x.start_time, x.session_id, x.item_in_session
    LIMIT 1)
  UNION ALL
  -- the next stretch's first event: the first later event at another level
  SELECT e.user_id, e.start_time, e.session_id, e.item_in_session, e.user_level
  FROM stretch_starts s
  JOIN direct_user_events e ON (e.user_id, e.start_time, e.session_id, e.item_in_session) = (
    SELECT x.user_id, x.start_time, x.session_id, x.item_in_session FROM direct_user_events x
    WHERE x.user_id = s.user_id
      AND (x.start_time, x.session_id, x.item_in_session)
          > (s.start_time, s.session_id, s.item_in_session)
      AND x.user_level IS NOT s.user_level
    ORDER BY x.start_time, x.session_id, x.item_in_session
    LIMIT 1)
)
SELECT user_id, user_level, start_time,
       LEAD(start_time) OVER (PARTITION BY user_id
                              ORDER BY start_time, session_id, item_in_session),
       session_id, item_in_session
FROM stretch_starts;
