-- The Sparkify warehouse on SQLite. Every statement is idempotent: create-tables drops first,
-- `run` only creates what is missing.
-- Timestamps are TEXT 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, which sorts as time does.
-- Tables keyed by text are WITHOUT ROWID: one B-tree per table instead of a table and an index.

CREATE TABLE IF NOT EXISTS etl_runs (
  run_id      INTEGER PRIMARY KEY,
  started_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL,  -- 'succeeded' or 'failed' ('running' inside the run's transaction)
  error       TEXT,           -- a failed run's error, one line (at most 4096 bytes)
  report      TEXT            -- the run's JSON load report
);

-- The file ledger: one row per input file version that was loaded.
CREATE TABLE IF NOT EXISTS load_files (
  file_id   INTEGER PRIMARY KEY,
  source    TEXT NOT NULL,    -- 'songs' or 'logs'
  path      TEXT NOT NULL,
  size      INTEGER NOT NULL,
  mtime_ns  INTEGER,
  etag      TEXT,
  checksum  TEXT NOT NULL,    -- XXH3-128 of the bytes as read (after gunzip)
  records   INTEGER NOT NULL,
  run_id    INTEGER NOT NULL,
  loaded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS load_files_path ON load_files (path);

-- Quarantine: every input record that was not loaded, and why.
CREATE TABLE IF NOT EXISTS load_errors (
  run_id      INTEGER NOT NULL,
  file_id     INTEGER NOT NULL,
  source      TEXT NOT NULL,
  path        TEXT NOT NULL,
  line        INTEGER,
  document    INTEGER,
  byte_offset INTEGER,
  field       TEXT,
  reason      TEXT NOT NULL,
  raw_text    TEXT            -- the record's text, cut at 4096 bytes
);

CREATE TABLE IF NOT EXISTS staging_events (
  artist          TEXT,
  auth            TEXT,
  first_name      TEXT,
  gender          TEXT,
  item_in_session INTEGER NOT NULL,
  last_name       TEXT,
  length          REAL,
  level           TEXT,
  location        TEXT,
  method          TEXT,
  page            TEXT,
  registration    INTEGER,
  session_id      INTEGER NOT NULL,
  song            TEXT,
  status          INTEGER,
  ts              INTEGER NOT NULL,
  user_agent      TEXT,
  user_id         INTEGER,
  file_id         INTEGER NOT NULL,   -- load_files.file_id
  line            INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS staging_songs (
  num_songs        INTEGER,
  artist_id        TEXT NOT NULL,
  artist_latitude  REAL,
  artist_longitude REAL,
  artist_location  TEXT,
  artist_name      TEXT,
  song_id          TEXT NOT NULL,
  title            TEXT,
  duration         REAL,
  year             INTEGER,
  file_id          INTEGER NOT NULL,  -- load_files.file_id
  document         INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS songplays (
  songplay_id     INTEGER PRIMARY KEY,
  start_time      TEXT NOT NULL,
  user_id         INTEGER,
  song_id         TEXT,
  artist_id       TEXT,
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  user_level      TEXT,
  user_location   TEXT,
  user_agent      TEXT,
  -- what was played, from the event (after text repairs): ranks plays the catalog does not know
  song_title      TEXT,
  artist_name     TEXT,
  song_length     REAL,
  -- where the play was read (load_files.file_id, line in the file): a changed file takes back
  -- exactly the plays its previous version gave
  file_id         INTEGER,
  line            INTEGER
);
-- An event is identified by session, item in session, user and timestamp (NULL user included).
-- start_time first: the same index serves the time table's lookups. (user_id IS NULL, IFNULL(..))
-- makes NULL one distinct value, as PostgreSQL's UNIQUE NULLS NOT DISTINCT.
CREATE UNIQUE INDEX IF NOT EXISTS songplays_event
  ON songplays (start_time, session_id, item_in_session, user_id IS NULL, IFNULL(user_id, 0));

CREATE TABLE IF NOT EXISTS users (
  user_id              INTEGER PRIMARY KEY,
  first_name           TEXT,
  last_name            TEXT,
  user_gender          TEXT,
  user_level           TEXT,
  last_event_at        TEXT NOT NULL,     -- the event the attributes come from
  last_session_id      INTEGER NOT NULL,
  last_item_in_session INTEGER NOT NULL
);

-- users.user_level's history (transform_user_levels.sql): one row per stretch of a user's
-- consecutive events at one level, [valid_from, valid_to), valid_to NULL for the current one.
-- first_session_id and first_item_in_session name the event that opens the stretch (as users'
-- last_* columns do), which keeps the key unique when two events of a user share a millisecond.
CREATE TABLE IF NOT EXISTS user_levels (
  user_id               INTEGER NOT NULL,
  user_level            TEXT,
  valid_from            TEXT NOT NULL,
  valid_to              TEXT,
  first_session_id      INTEGER NOT NULL,
  first_item_in_session INTEGER NOT NULL,
  PRIMARY KEY (user_id, valid_from, first_session_id, first_item_in_session)
) WITHOUT ROWID;

-- The direct load only (the default on SQLite; --stage-events reads staging_events instead):
-- every event of a user, once (the first copy by file and line stays), narrowed to what users
-- and user_levels are computed from. An event loaded later can split or join any stretch of a
-- user's history, and a changed file can take back a user's latest event, so the whole history
-- stays at hand; users alone (the latest event) or user_levels (the stretches' first events)
-- cannot say where a stretch's later events are. About 50 bytes an event.
CREATE TABLE IF NOT EXISTS direct_user_events (
  user_id         INTEGER NOT NULL,
  start_time      TEXT NOT NULL,
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  user_level      TEXT,
  file_id         INTEGER NOT NULL,
  line            INTEGER NOT NULL,
  PRIMARY KEY (user_id, start_time, session_id, item_in_session)
) WITHOUT ROWID;

-- The direct load only: a user's names where they change, per file: a row for the user's first
-- event in a file and for each event whose names differ from the user's previous one in that
-- file. The names of the event at (file_id, line) are the user's last row of that file at or
-- before that line (direct_users.sql). Names rarely change, so this is about a row per user and
-- file, where a copy in every event would be about 20 bytes an event.
CREATE TABLE IF NOT EXISTS direct_user_names (
  user_id     INTEGER NOT NULL,
  file_id     INTEGER NOT NULL,
  line        INTEGER NOT NULL,
  first_name  TEXT,
  last_name   TEXT,
  user_gender TEXT,
  PRIMARY KEY (user_id, file_id, line)
) WITHOUT ROWID;

-- The direct load only: the copies of an event the star kept from another file or line (an
-- event delivered twice), as direct_load.h writes them, `targets` naming the tables that
-- skipped it (1 songplays, 4 direct_user_events). When the file of the kept copy changes, the
-- first remaining copy by file and line takes its place (direct_take_back.sql), as in a fresh
-- load. Empty unless events were delivered twice.
CREATE TABLE IF NOT EXISTS direct_event_copies (
  targets         INTEGER NOT NULL,
  start_time      TEXT NOT NULL,
  user_id         INTEGER,
  song_id         TEXT,
  artist_id       TEXT,
  session_id      INTEGER NOT NULL,
  item_in_session INTEGER NOT NULL,
  user_level      TEXT,
  user_location   TEXT,
  user_agent      TEXT,
  song_title      TEXT,
  artist_name     TEXT,
  song_length     REAL,
  hour            INTEGER,
  day             INTEGER,
  week            INTEGER,
  month           INTEGER,
  year            INTEGER,
  weekday         INTEGER,
  first_name      TEXT,
  last_name       TEXT,
  user_gender     TEXT,
  file_id         INTEGER NOT NULL,
  line            INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS songs (
  song_id       TEXT PRIMARY KEY,
  song          TEXT,
  artist_id     TEXT NOT NULL,
  year          INTEGER,
  song_duration REAL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS artists (
  artist_id        TEXT PRIMARY KEY,
  artist           TEXT,
  artist_location  TEXT,
  artist_latitude  REAL,
  artist_longitude REAL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS time (
  start_time TEXT PRIMARY KEY,
  hour       INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  week       INTEGER NOT NULL,
  month      INTEGER NOT NULL,
  year       INTEGER NOT NULL,
  weekday    INTEGER NOT NULL
) WITHOUT ROWID;

-- The staging tables' indexes are in create_staging_indexes.sql: a first load builds them after
-- its bulk load, which is cheaper than maintaining them row by row.
CREATE INDEX IF NOT EXISTS load_files_checksum ON load_files (checksum);
CREATE INDEX IF NOT EXISTS load_errors_file ON load_errors (file_id);
