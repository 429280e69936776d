-- The direct load: users as transform_users.sql makes them. A user whose events a changed file
-- took back (replaced_user_events) may have lost the event their row came from: their row is
-- made again from the events they have now (direct_user_events, which holds this run's too),
-- with the names of that event's file and line (direct_user_names).
DELETE FROM users WHERE user_id IN (SELECT user_id FROM replaced_user_events);
INSERT INTO users (user_id, first_name, last_name, user_gender, user_level,
                   last_event_at, last_session_id, last_item_in_session)
SELECT e.user_id, n.first_name, n.last_name, n.user_gender, e.user_level,
       e.start_time, e.session_id, e.item_in_session
FROM replaced_user_events r
JOIN direct_user_events e ON (e.user_id, e.start_time, e.session_id, e.item_in_session) = (
  SELECT x.user_id, x.start_time, x.session_id, x.item_in_session FROM direct_user_events x
  WHERE x.user_id = r.user_id
  ORDER BY x.start_time DESC, x.session_id DESC, x.item_in_session DESC
  LIMIT 1)
LEFT JOIN direct_user_names n ON (n.user_id, n.file_id, n.line) = (
  SELECT y.user_id, y.file_id, y.line FROM direct_user_names y
  WHERE y.user_id = e.user_id AND y.file_id = e.file_id AND y.line <= e.line
  ORDER BY y.line DESC
  LIMIT 1);

-- Every other user's row holds the latest event of the runs before; this run's files all come
-- after theirs, so this run's latest event replaces it only when strictly later (by timestamp,
-- then session, then item in session): among equals the first by file and line stays.
INSERT INTO users (user_id, first_name, last_name, user_gender, user_level,
                   last_event_at, last_session_id, last_item_in_session)
SELECT user_id, first_name, last_name, user_gender, user_level,
       last_event_at, last_session_id, last_item_in_session
FROM run_users
WHERE true
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
