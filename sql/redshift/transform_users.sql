-- users (Redshift): one row per user id seen in any event, with the attributes of that user's
-- latest event (by timestamp, then session, then item in session) across every run, as
-- sql/sqlite/transform_users.sql. Without ON CONFLICT (and the row-value comparison that decides
-- which version is newer), the users of this run's events and of replaced file versions are
-- deleted and computed again from everything staged, which keeps every user's history: the
-- result is the same, and a backfill of older days still never overwrites newer attributes.
DELETE FROM users
WHERE user_id IN (SELECT user_id FROM staging_events WHERE file_id >= {{first_file_id}}
                  UNION SELECT user_id FROM replaced_events);

INSERT INTO users (user_id, first_name, last_name, user_gender, user_level,
                   last_event_at, last_session_id, last_item_in_session)
SELECT user_id, first_name, last_name, gender, level,
       TIMESTAMP 'epoch' + (ts / 1000) * INTERVAL '1 second'
                         + (ts % 1000) * INTERVAL '0.001 second',
       session_id, item_in_session
FROM (
  SELECT e.user_id, e.first_name, e.last_name, e.gender, e.level, e.ts, e.session_id,
         e.item_in_session,
         ROW_NUMBER() OVER (
           PARTITION BY e.user_id
           ORDER BY e.ts DESC, e.session_id DESC, e.item_in_session DESC, e.file_id, e.line)
           AS pick
  FROM staging_events e
  WHERE e.user_id IN (SELECT user_id FROM staging_events WHERE file_id >= {{first_file_id}}
                      UNION SELECT user_id FROM replaced_events)
) AS latest
WHERE pick = 1;
