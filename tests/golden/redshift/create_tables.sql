-- The run's lock. Redshift has no advisory locks: LOCK takes an ACCESS EXCLUSIVE lock on a table
-- until the transaction ends, "waiting if necessary for any conflicting locks to be released"
-- (r_LOCK.html). The table is sparkify_lock, which holds no rows and which nothing else reads,
-- so runs (and create-tables) take turns without blocking queries of the star schema.
--
-- Order matters. A Redshift transaction takes its snapshot at its first SELECT, DML or CREATE
-- TABLE, so the table is created before BEGIN (in its own, autocommitted statement) and LOCK is
-- the transaction's first statement: a run that waited then sees everything the run before it
-- committed (etl_runs, load_files), instead of a stale snapshot or a serializable isolation
-- violation (ERROR 1023) at commit. Redshift has no lock_timeout: statement_timeout
-- (r_statement_timeout.html), set before BEGIN, bounds the wait, and is set back after the lock
-- (and again after a rollback, which undoes a SET made inside the transaction).
CREATE TABLE IF NOT EXISTS sparkify_lock (run_id BIGINT);
SET statement_timeout TO 10000;
BEGIN;
LOCK sparkify_lock;
SET statement_timeout TO '0';
-- Every table, for create-tables (which then creates them again).
-- The tables every engine has (drop_tables.sql).
DROP TABLE IF EXISTS songplays;
DROP TABLE IF EXISTS users;
DROP TABLE IF EXISTS user_levels;
DROP TABLE IF EXISTS songs;
DROP TABLE IF EXISTS artists;
DROP TABLE IF EXISTS time;
DROP TABLE IF EXISTS staging_events;
DROP TABLE IF EXISTS staging_songs;
DROP TABLE IF EXISTS load_errors;
DROP TABLE IF EXISTS load_files;
DROP TABLE IF EXISTS etl_runs;
-- The Sparkify warehouse on Amazon Redshift: the tables and columns of sql/postgres/create_tables.sql,
-- in Redshift's types, with distribution and sort keys for the star schema. Every statement is
-- idempotent: create-tables drops first, `run` only creates what is missing.
-- https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_NEW.html
--
-- Types: text is VARCHAR, whose length Redshift counts in bytes (at most 65535): identifiers and
-- short codes VARCHAR(256), free text VARCHAR(65535), so no value the other engines accept is
-- cut. Redshift accepts PRIMARY KEY and UNIQUE but does not enforce them ("informational only");
-- the pipeline checks uniqueness after every run instead (sql/common/check_unique_*.sql, run by
-- the pipeline because EngineTraits::enforces_unique_keys is false) and fails the run on a
-- violation. The keys are still declared: the planner uses them.
--
-- Distribution (DISTSTYLE, DISTKEY) and sorting (SORTKEY):
-- * songplays, the fact, is distributed on start_time, its join key with time, the one dimension
--   as large as the fact; song_id would be the other candidate, but most plays of the event logs
--   match no catalog song, and all NULL keys hash to one slice. Sorted by start_time: analyses
--   filter on time ranges, and each run appends later plays, so the table stays nearly sorted.
-- * time is distributed on start_time too (joins with songplays stay on their slice) and sorted
--   by it.
-- * users, songs and artists are small dimensions: DISTSTYLE ALL, a copy on every node, so joins
--   with the fact never move rows. Sorted by their key, which the transforms' deletes and joins
--   filter on.
-- * staging_events is large and read by range of file_id (a run's rows have the highest ids):
--   DISTSTYLE EVEN, sorted by file_id. staging_songs is joined with every run's events (title and
--   artist name): DISTSTYLE ALL so that join stays local; sorted by file_id as well.
-- * The ledger, the quarantine and the run history are small bookkeeping tables: DISTSTYLE ALL.

CREATE TABLE IF NOT EXISTS etl_runs (
  run_id      BIGINT NOT NULL PRIMARY KEY,
  started_at  TIMESTAMP NOT NULL,
  finished_at TIMESTAMP,
  status      VARCHAR(16) NOT NULL,  -- 'succeeded' or 'failed' ('running' inside the run's transaction)
  error       VARCHAR(4096),         -- a failed run's error, one line (at most 4096 bytes)
  report      VARCHAR(65535)  -- the run's JSON load report
) DISTSTYLE ALL;

-- The file ledger: one row per input file version that was loaded. The files one COPY loaded
-- share one file_id (their batch: COPY cannot tag rows with their file), so file_id is not a key
-- here. checksum is 'etag:' and the object's ETag for S3 objects (the cluster reads the bytes,
-- sparkify never sees them) or the XXH3-128 of the bytes for uploaded local files; records is
-- NULL: the cluster does not report records per file.
CREATE TABLE IF NOT EXISTS load_files (
  file_id   BIGINT NOT NULL,
  source    VARCHAR(16) NOT NULL,     -- 'songs' or 'logs'
  path      VARCHAR(4096) NOT NULL,
  size      BIGINT NOT NULL,
  mtime_ns  BIGINT,
  etag      VARCHAR(256),
  checksum  VARCHAR(300) NOT NULL,
  records   BIGINT,
  run_id    BIGINT NOT NULL,
  loaded_at TIMESTAMP NOT NULL
) DISTSTYLE ALL SORTKEY (path);

-- Quarantine: every input record that was not loaded, and why. For COPY's rejections the path,
-- line, column and raw text come from STL_LOAD_ERRORS (raw text cut at 1024 bytes there).
CREATE TABLE IF NOT EXISTS load_errors (
  run_id      BIGINT NOT NULL,
  file_id     BIGINT NOT NULL,
  source      VARCHAR(16) NOT NULL,
  path        VARCHAR(4096) NOT NULL,
  line        BIGINT,
  document    BIGINT,
  byte_offset BIGINT,
  field       VARCHAR(256),
  reason      VARCHAR(65535) NOT NULL,
  raw_text    VARCHAR(65535)  -- the record's text, cut at 4096 bytes
) DISTSTYLE ALL SORTKEY (file_id);

CREATE TABLE IF NOT EXISTS staging_events (
  artist          VARCHAR(65535),
  auth            VARCHAR(256),
  first_name      VARCHAR(65535),
  gender          VARCHAR(256),
  item_in_session BIGINT NOT NULL,
  last_name       VARCHAR(65535),
  length          DOUBLE PRECISION,
  level           VARCHAR(256),
  location        VARCHAR(65535),
  method          VARCHAR(256),
  page            VARCHAR(256),
  registration    BIGINT,
  session_id      BIGINT NOT NULL,
  song            VARCHAR(65535),
  status          BIGINT,
  ts              BIGINT NOT NULL,
  user_agent      VARCHAR(65535),
  user_id         BIGINT,
  file_id         BIGINT NOT NULL,   -- the batch (load_files.file_id)
  line            BIGINT NOT NULL    -- 0: COPY does not say which line a row came from
) DISTSTYLE EVEN SORTKEY (file_id);

CREATE TABLE IF NOT EXISTS staging_songs (
  num_songs        BIGINT,
  artist_id        VARCHAR(256) NOT NULL,
  artist_latitude  DOUBLE PRECISION,
  artist_longitude DOUBLE PRECISION,
  artist_location  VARCHAR(65535),
  artist_name      VARCHAR(65535),
  song_id          VARCHAR(256) NOT NULL,
  title            VARCHAR(65535),
  duration         DOUBLE PRECISION,
  year             BIGINT,
  file_id          BIGINT NOT NULL,  -- the batch (load_files.file_id)
  document         BIGINT NOT NULL   -- 0: COPY does not say which document a row came from
) DISTSTYLE ALL SORTKEY (file_id);

-- songplay_id: IDENTITY(0, 1) values are unique but, in loads with INSERT ... SELECT, neither
-- consecutive nor in insertion order (the documentation's words).
CREATE TABLE IF NOT EXISTS songplays (
  songplay_id     BIGINT IDENTITY(0, 1) NOT NULL PRIMARY KEY,
  start_time      TIMESTAMP NOT NULL,
  user_id         BIGINT,
  song_id         VARCHAR(256),
  artist_id       VARCHAR(256),
  session_id      BIGINT NOT NULL,
  item_in_session BIGINT NOT NULL,
  user_level      VARCHAR(256),
  user_location   VARCHAR(65535),
  user_agent      VARCHAR(65535),
  -- what was played, from the event (after text repairs): ranks plays the catalog does not know
  song_title      VARCHAR(65535),
  artist_name     VARCHAR(65535),
  song_length     DOUBLE PRECISION
) DISTKEY (start_time) SORTKEY (start_time);

CREATE TABLE IF NOT EXISTS users (
  user_id              BIGINT NOT NULL PRIMARY KEY,
  first_name           VARCHAR(65535),
  last_name            VARCHAR(65535),
  user_gender          VARCHAR(256),
  user_level           VARCHAR(256),
  last_event_at        TIMESTAMP NOT NULL,  -- the event the attributes come from
  last_session_id      BIGINT NOT NULL,
  last_item_in_session BIGINT NOT NULL
) DISTSTYLE ALL SORTKEY (user_id);

-- users.user_level's history (transform_user_levels.sql), as in sql/postgres/create_tables.sql.
-- A small dimension like users: DISTSTYLE ALL, sorted by user and time, the order in which the
-- transform deletes a user's stretches and analyses read a user's history.
CREATE TABLE IF NOT EXISTS user_levels (
  user_id               BIGINT NOT NULL,
  user_level            VARCHAR(256),
  valid_from            TIMESTAMP NOT NULL,
  valid_to              TIMESTAMP,
  first_session_id      BIGINT NOT NULL,
  first_item_in_session BIGINT NOT NULL,
  PRIMARY KEY (user_id, valid_from, first_session_id, first_item_in_session)
) DISTSTYLE ALL SORTKEY (user_id, valid_from);

CREATE TABLE IF NOT EXISTS songs (
  song_id       VARCHAR(256) NOT NULL PRIMARY KEY,
  song          VARCHAR(65535),
  artist_id     VARCHAR(256) NOT NULL,
  year          BIGINT,
  song_duration DOUBLE PRECISION
) DISTSTYLE ALL SORTKEY (song_id);

CREATE TABLE IF NOT EXISTS artists (
  artist_id        VARCHAR(256) NOT NULL PRIMARY KEY,
  artist           VARCHAR(65535),
  artist_location  VARCHAR(65535),
  artist_latitude  DOUBLE PRECISION,
  artist_longitude DOUBLE PRECISION
) DISTSTYLE ALL SORTKEY (artist_id);

CREATE TABLE IF NOT EXISTS time (
  start_time TIMESTAMP NOT NULL PRIMARY KEY,
  hour       INTEGER NOT NULL,
  day        INTEGER NOT NULL,
  week       INTEGER NOT NULL,
  month      INTEGER NOT NULL,
  year       INTEGER NOT NULL,
  weekday    INTEGER NOT NULL
) DISTKEY (start_time) SORTKEY (start_time);
-- Redshift has no indexes: its tables are ordered by their sort keys (create_tables.sql),
-- so there is nothing to drop before a first load or to build after it.;
COMMIT;
