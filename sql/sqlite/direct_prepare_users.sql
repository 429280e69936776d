-- --direct: this run's latest event per user, computed while the logs are read, before
-- direct_users.sql merges it into users.
CREATE TEMPORARY TABLE IF NOT EXISTS run_users (
  user_id              INTEGER PRIMARY KEY,
  first_name           TEXT,
  last_name            TEXT,
  user_gender          TEXT,
  user_level           TEXT,
  last_event_at        TEXT NOT NULL,
  last_session_id      INTEGER NOT NULL,
  last_item_in_session INTEGER NOT NULL,
  earliest_ts          INTEGER NOT NULL   -- the user's earliest event of this run (user_levels)
);
DELETE FROM run_users;
