-- The Sparkify warehouse on PostgreSQL (15 or later: songplays uses UNIQUE NULLS NOT DISTINCT).
-- Every statement is idempotent: create-tables drops first, `run` only creates what is missing.
-- The same tables and columns as sql/sqlite/create_tables.sql, with native types: timestamps are
-- TIMESTAMP (UTC, without time zone, milliseconds kept), integers BIGINT (the decoders accept any
-- 64-bit value), floats DOUBLE PRECISION. Tables live in the session's schema (--schema).

CREATE TABLE IF NOT EXISTS etl_runs (
  run_id      BIGINT PRIMARY KEY,
  started_at  TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status      TEXT NOT NULL,  -- 'succeeded' or 'failed' ('running' inside the run's transaction)
  error       TEXT,           -- a failed run's error, one line (at most 4096 bytes)
  report      TEXT            -- the run's JSON load report
);

-- The file ledger: one row per input file version that was loaded.
CREATE TABLE IF NOT EXISTS load_files (
  file_id   BIGINT PRIMARY KEY,
  source    TEXT NOT NULL,    -- 'songs' or 'logs'
  path      TEXT NOT NULL,
  size      BIGINT NOT NULL,
  mtime_ns  BIGINT,
  etag      TEXT,
  checksum  TEXT NOT NULL,    -- XXH3-128 of the bytes as read (after gunzip)
  records   BIGINT NOT NULL,
  run_id    BIGINT NOT NULL,
  loaded_at TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS load_files_path ON load_files (path);

-- Quarantine: every input record that was not loaded, and why.
CREATE TABLE IF NOT EXISTS load_errors (
  run_id      BIGINT NOT NULL,
  file_id     BIGINT NOT NULL,
  source      TEXT NOT NULL,
  path        TEXT NOT NULL,
  line        BIGINT,
  document    BIGINT,
  byte_offset BIGINT,
  field       TEXT,
  reason      TEXT NOT NULL,
  raw_text    TEXT            -- the record's text, cut at 4096 bytes
);

CREATE TABLE IF NOT EXISTS staging_events (
  artist          TEXT,
  auth            TEXT,
  first_name      TEXT,
  gender          TEXT,
  item_in_session BIGINT NOT NULL,
  last_name       TEXT,
  length          DOUBLE PRECISION,
  level           TEXT,
  location        TEXT,
  method          TEXT,
  page            TEXT,
  registration    BIGINT,
  session_id      BIGINT NOT NULL,
  song            TEXT,
  status          BIGINT,
  ts              BIGINT NOT NULL,
  user_agent      TEXT,
  user_id         BIGINT,
  file_id         BIGINT NOT NULL,   -- load_files.file_id
  line            BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS staging_songs (
  num_songs        BIGINT,
  artist_id        TEXT NOT NULL,
  artist_latitude  DOUBLE PRECISION,
  artist_longitude DOUBLE PRECISION,
  artist_location  TEXT,
  artist_name      TEXT,
  song_id          TEXT NOT NULL,
  title            TEXT,
  duration         DOUBLE PRECISION,
  year             BIGINT,
  file_id          BIGINT NOT NULL,  -- load_files.file_id
  document         BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS songplays (
  songplay_id     BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  start_time      TIMESTAMP NOT NULL,
  user_id         BIGINT,
  song_id         TEXT,
  artist_id       TEXT,
  session_id      BIGINT NOT NULL,
  item_in_session BIGINT NOT NULL,
  user_level      TEXT,
  user_location   TEXT,
  user_agent      TEXT,
  -- what was played, from the event (after text repairs): ranks plays the catalog does not know
  song_title      TEXT,
  artist_name     TEXT,
  song_length     DOUBLE PRECISION,
  -- where the play was read (load_files.file_id, line in the file): a changed file takes back
  -- exactly the plays its previous version gave
  file_id         BIGINT,
  line            BIGINT,
  -- An event is identified by session, item in session, user and timestamp (NULL user included).
  CONSTRAINT songplays_event
    UNIQUE NULLS NOT DISTINCT (start_time, session_id, item_in_session, user_id)
);
-- (A warehouse created before songplays had them.)
ALTER TABLE songplays ADD COLUMN IF NOT EXISTS file_id BIGINT;
ALTER TABLE songplays ADD COLUMN IF NOT EXISTS line BIGINT;

CREATE TABLE IF NOT EXISTS users (
  user_id              BIGINT PRIMARY KEY,
  first_name           TEXT,
  last_name            TEXT,
  user_gender          TEXT,
  user_level           TEXT,
  last_event_at        TIMESTAMP NOT NULL,  -- the event the attributes come from
  last_session_id      BIGINT NOT NULL,
  last_item_in_session BIGINT NOT NULL
);

-- users.user_level's history (transform_user_levels.sql): one row per stretch of a user's
-- consecutive events at one level, [valid_from, valid_to), valid_to NULL for the current one.
-- first_session_id and first_item_in_session name the event that opens the stretch (as users'
-- last_* columns do), which keeps the key unique when two events of a user share a millisecond.
CREATE TABLE IF NOT EXISTS user_levels (
  user_id               BIGINT NOT NULL,
  user_level            TEXT,
  valid_from            TIMESTAMP NOT NULL,
  valid_to              TIMESTAMP,
  first_session_id      BIGINT NOT NULL,
  first_item_in_session BIGINT NOT NULL,
  PRIMARY KEY (user_id, valid_from, first_session_id, first_item_in_session)
);

-- The direct load only (the default; --stage-events reads staging_events instead), as in
-- sql/sqlite/create_tables.sql, where the reasons are: every event of a user, once (the first
-- copy by file and line), narrowed to what users and user_levels are computed from; a user's
-- names where they change within a file; and the later copies of events the star holds.
CREATE TABLE IF NOT EXISTS direct_user_events (
  user_id         BIGINT NOT NULL,
  start_time      TIMESTAMP NOT NULL,
  session_id      BIGINT NOT NULL,
  item_in_session BIGINT NOT NULL,
  user_level      TEXT,
  file_id         BIGINT NOT NULL,
  line            BIGINT NOT NULL,
  PRIMARY KEY (user_id, start_time, session_id, item_in_session)
);

CREATE TABLE IF NOT EXISTS direct_user_names (
  user_id     BIGINT NOT NULL,
  file_id     BIGINT NOT NULL,
  line        BIGINT NOT NULL,
  first_name  TEXT,
  last_name   TEXT,
  user_gender TEXT,
  PRIMARY KEY (user_id, file_id, line)
);

CREATE TABLE IF NOT EXISTS direct_event_copies (
  targets         BIGINT NOT NULL,
  start_time      TIMESTAMP NOT NULL,
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
  hour            INTEGER,
  day             INTEGER,
  week            INTEGER,
  month           INTEGER,
  year            INTEGER,
  weekday         INTEGER,
  first_name      TEXT,
  last_name       TEXT,
  user_gender     TEXT,
  file_id         BIGINT NOT NULL,
  line            BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS songs (
  song_id       TEXT PRIMARY KEY,
  song          TEXT,
  artist_id     TEXT NOT NULL,
  year          BIGINT,
  song_duration DOUBLE PRECISION
);

CREATE TABLE IF NOT EXISTS artists (
  artist_id        TEXT PRIMARY KEY,
  artist           TEXT,
  artist_location  TEXT,
  artist_latitude  DOUBLE PRECISION,
  artist_longitude DOUBLE PRECISION
);

CREATE TABLE IF NOT EXISTS time (
  start_time TIMESTAMP PRIMARY KEY,
  hour       INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  week       INTEGER NOT NULL,
  month      INTEGER NOT NULL,
  year       INTEGER NOT NULL,
  weekday    INTEGER NOT NULL
);

-- The staging tables' indexes are in create_staging_indexes.sql: a first load builds them after
-- its bulk load, which is cheaper than maintaining them row by row.
CREATE INDEX IF NOT EXISTS load_files_checksum ON load_files (checksum);
CREATE INDEX IF NOT EXISTS load_errors_file ON load_errors (file_id);

