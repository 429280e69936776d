-- The direct load's per-run scratch tables (temporary: private to the connection), as in
-- sql/sqlite/direct_prepare_run.sql: the replaced log file versions (direct_forget_file.sql) and
-- what taking them back touched (direct_take_back.sql); and, since a connection carries one
-- COPY at a time, direct_run_events: every row of this run's logs as the client built it
-- (pipeline/direct_load.h's DirectEventColumns: start_time as text, the other columns of the
-- types binary COPY carries), which direct_distribute.sql puts into the star tables.
CREATE TEMPORARY TABLE IF NOT EXISTS direct_replaced_files (file_id BIGINT PRIMARY KEY);
CREATE TEMPORARY TABLE IF NOT EXISTS replaced_plays (start_time TIMESTAMP PRIMARY KEY);
CREATE TEMPORARY TABLE IF NOT EXISTS replaced_user_events (
  user_id     BIGINT PRIMARY KEY,
  earliest_ts BIGINT NOT NULL);
CREATE TEMPORARY TABLE IF NOT EXISTS direct_run_events (
  targets         BIGINT NOT NULL,
  start_time      TEXT NOT NULL,
  user_id         BIGINT,
  song_id         TEXT,
  artist_id       TEXT,
  session_id      BIGINT NOT NULL,
  item_in_session BIGINT NOT NULL,
  user_level      TEXT,
  user_location   TEXT,
  user_agent      TEXT,
  song_title      TEXT,
  artist_name     TEXT,
  song_length     DOUBLE PRECISION,
  hour            BIGINT,
  day             BIGINT,
  week            BIGINT,
  month           BIGINT,
  year            BIGINT,
  weekday         BIGINT,
  first_name      TEXT,
  last_name       TEXT,
  user_gender     TEXT,
  file_id         BIGINT NOT NULL,
  line            BIGINT NOT NULL
);
TRUNCATE direct_replaced_files, replaced_plays, replaced_user_events, direct_run_events;
