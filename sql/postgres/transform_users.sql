-- users: one row per user id seen in any event, with the attributes of that user's latest event
-- (by timestamp, then session, then item in session) across every run. A backfill of older
-- days never overwrites newer attributes. Users of a replaced file version are recomputed from
-- everything staged.
DELETE FROM users WHERE user_id IN (SELECT user_id FROM replaced_events);

-- Each user's latest event by one probe of staging_events_user (user_id, ts), read backwards,
-- instead of a sort of every staged event: the users of this run (and of replaced versions),
-- then per user the first of their events in the order that decides.
-- JIT compilation costs more than it saves on these statements (see transform_artists.sql).
SET LOCAL jit = off;

INSERT INTO users (user_id, first_name, last_name, user_gender, user_level,
                   last_event_at, last_session_id, last_item_in_session)
SELECT e.user_id, e.first_name, e.last_name, e.gender, e.level,
       TIMESTAMP 'epoch' + (e.ts / 86400000) * INTERVAL '1 day' + (e.ts % 86400000) * INTERVAL '1 millisecond',
       e.session_id, e.item_in_session
FROM (SELECT DISTINCT user_id FROM staging_events
      WHERE file_id >= {{first_file_id}} AND user_id IS NOT NULL
      UNION SELECT user_id FROM replaced_events WHERE user_id IS NOT NULL) AS u
CROSS JOIN LATERAL (
  SELECT * FROM staging_events e
  WHERE e.user_id = u.user_id
    AND (e.file_id >= {{first_file_id}} OR e.user_id IN (SELECT user_id FROM replaced_events))
  ORDER BY e.ts DESC, e.session_id DESC, e.item_in_session DESC, e.file_id, e.line
  LIMIT 1
) AS e
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
