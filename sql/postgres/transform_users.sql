-- users: one row per user id seen in any event, with the attributes of that user's latest event
-- (by timestamp, then session, then item in session) across every run. A backfill of older
-- days never overwrites newer attributes. Users of a replaced file version are recomputed from
-- everything staged.
DELETE FROM users WHERE user_id IN (SELECT user_id FROM replaced_events);

INSERT INTO users (user_id, first_name, last_name, user_gender, user_level,
                   last_event_at, last_session_id, last_item_in_session)
SELECT user_id, first_name, last_name, gender, level,
       TIMESTAMP 'epoch' + (ts / 86400000) * INTERVAL '1 day' + (ts % 86400000) * INTERVAL '1 millisecond',
       session_id, item_in_session
FROM (
  SELECT e.*, ROW_NUMBER() OVER (
      PARTITION BY e.user_id
      ORDER BY e.ts DESC, e.session_id DESC, e.item_in_session DESC, e.file_id, e.line) AS pick
  FROM staging_events e
  WHERE e.user_id IS NOT NULL
    AND (e.file_id >= {{first_file_id}}
         OR e.user_id IN (SELECT user_id FROM replaced_events))
) AS latest
WHERE pick = 1
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
