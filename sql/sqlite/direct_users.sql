-- --direct: users as transform_users.sql makes them. A user's row holds the latest event of
-- the runs before; this run's files all come after theirs, so this run's latest event replaces
-- it only when strictly later (by timestamp, then session, then item in session): among equals
-- the first by file and line stays.
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
