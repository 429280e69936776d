-- users: one row per user id seen in any event, with the attributes of that user's latest event
-- (by timestamp, then session, then item in session; then first by file and line) across every
-- run, so a backfill of older days never overwrites newer attributes. Users touched by this run
-- or by a replaced file version are recomputed from everything staged: one probe each of the
-- staging_events_user_latest index.
DELETE FROM users WHERE user_id IN (SELECT user_id FROM replaced_events);

INSERT INTO users (user_id, first_name, last_name, user_gender, user_level,
                   last_event_at, last_session_id, last_item_in_session)
SELECT e.user_id, e.first_name, e.last_name, e.gender, e.level,
       strftime('%Y-%m-%d %H:%M:%S', e.ts / 1000, 'unixepoch') || printf('.%03d', e.ts % 1000),
       e.session_id, e.item_in_session
FROM (SELECT DISTINCT user_id FROM staging_events
      WHERE file_id >= {{first_file_id}} AND user_id IS NOT NULL
      UNION SELECT user_id FROM replaced_events WHERE user_id IS NOT NULL) AS touched
JOIN staging_events e ON e.rowid = (
  SELECT x.rowid FROM staging_events x
  WHERE x.user_id = touched.user_id
  ORDER BY x.ts DESC, x.session_id DESC, x.item_in_session DESC, x.file_id, x.line
  LIMIT 1)
WHERE true
ON CONFLICT (user_id) DO UPDATE SET
  first_name = excluded.first_name,
  last_name = excluded.last_name,
  user_gender = excluded.user_gender,
  user_level = excluded.user_level,
  last_event_at = excluded.last_event_at,
  last_session_id = excluded.last_session_id,
  last_item_in_session = excluded.last_item_in_session;
