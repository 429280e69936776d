-- The direct load: users as transform_users.sql makes them, as sql/sqlite/direct_users.sql (the
-- reasons are there): the users a changed file concerned (replaced_user_events) are made again
-- from the events they have now, with the names of that event's file and line; every other
-- user's row takes this run's latest event (run_users) when it is strictly later.
SET LOCAL jit = off;  -- see transform_artists.sql

DELETE FROM users WHERE user_id IN (SELECT user_id FROM replaced_user_events);
INSERT INTO users (user_id, first_name, last_name, user_gender, user_level,
                   last_event_at, last_session_id, last_item_in_session)
SELECT e.user_id, n.first_name, n.last_name, n.user_gender, e.user_level,
       e.start_time, e.session_id, e.item_in_session
FROM replaced_user_events r
CROSS JOIN LATERAL (
  SELECT x.* FROM direct_user_events x
  WHERE x.user_id = r.user_id
  ORDER BY x.start_time DESC, x.session_id DESC, x.item_in_session DESC
  LIMIT 1) AS e
LEFT JOIN LATERAL (
  SELECT y.* FROM direct_user_names y
  WHERE y.user_id = e.user_id AND y.file_id = e.file_id AND y.line <= e.line
  ORDER BY y.line DESC
  LIMIT 1) AS n ON true;

INSERT INTO users (user_id, first_name, last_name, user_gender, user_level,
                   last_event_at, last_session_id, last_item_in_session)
SELECT user_id, first_name, last_name, user_gender, user_level,
       last_event_at::TIMESTAMP, last_session_id, last_item_in_session
FROM run_users
ON CONFLICT (user_id) DO UPDATE SET
  first_name = excluded.first_name,
  last_name = excluded.last_name,
  user_gender = excluded.user_gender,
  user_level = excluded.user_level,
  last_event_at = excluded.last_event_at,
  last_session_id = excluded.last_session_id,
  last_item_in_session = excluded.last_item_in_session
WHERE (excluded.last_event_at, excluded.last_session_id, excluded.last_item_in_session)
      > (users.last_event_at, users.last_session_id, users.last_item_in_session);
