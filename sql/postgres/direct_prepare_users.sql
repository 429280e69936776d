-- The direct load: this run's latest event per user, computed while the logs are read, before
-- direct_users.sql merges it into users (last_event_at as text, as the client formats it).
CREATE TEMPORARY TABLE IF NOT EXISTS run_users (
  user_id              BIGINT PRIMARY KEY,
  first_name           TEXT,
  last_name            TEXT,
  user_gender          TEXT,
  user_level           TEXT,
  last_event_at        TEXT NOT NULL,
  last_session_id      BIGINT NOT NULL,
  last_item_in_session BIGINT NOT NULL,
  earliest_ts          BIGINT NOT NULL   -- the user's earliest event of this run (user_levels)
);
TRUNCATE run_users;
