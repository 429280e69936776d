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
SELECT MAX(run_id) FROM etl_runs;
-- The run's row, written once the run holds the lock; run_succeeded.sql completes it in the same
-- transaction, so a run killed before its commit leaves no row (run_failed.sql records failures).
INSERT INTO etl_runs (run_id, started_at, status) VALUES (1, '<time>', 'running');
-- Per-run scratch tables (temporary: private to the connection, gone at its end). They hold
-- what replaced file versions contributed, so the transforms can take it back.
CREATE TEMPORARY TABLE IF NOT EXISTS replaced_events (
  session_id BIGINT, item_in_session BIGINT, user_id BIGINT, ts BIGINT);
CREATE TEMPORARY TABLE IF NOT EXISTS replaced_songs (song_id TEXT, artist_id TEXT);
DELETE FROM replaced_events;
DELETE FROM replaced_songs;
SELECT (SELECT COUNT(*) FROM songplays) AS songplays, (SELECT MAX(songplay_id) FROM songplays) AS last_songplay_id, (SELECT MAX(file_id) FROM load_files) AS last_file_id;
-- Whether the staging tables hold any row: 0 means a first load (or a full refresh), which drops
-- the staging indexes before its bulk load and builds them after it.
SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM staging_events LIMIT 1) AS e) + (SELECT COUNT(*) FROM (SELECT 1 FROM staging_songs LIMIT 1) AS s);
-- Redshift has no indexes: its tables are ordered by their sort keys (create_tables.sql),
-- so there is nothing to drop before a first load or to build after it.;
-- The ledger of one source: what decides whether a listed file is unchanged, touched or changed.
SELECT path, file_id, size, mtime_ns, etag, checksum FROM load_files WHERE source = 'songs';
-- The table a COPY of the song catalog loads into: temporary and emptied before each load. Its
-- column names are the catalog's JSON keys, so COPY maps them with FORMAT AS JSON 'auto'
-- (lowercase keys match lowercase column names). song_id and artist_id NOT NULL: COPY rejects
-- records without them, as the decoders do on the other engines.
CREATE TEMP TABLE IF NOT EXISTS load_songs (
  num_songs        BIGINT,
  artist_id        VARCHAR(256) NOT NULL,
  artist_latitude  DOUBLE PRECISION,
  artist_longitude DOUBLE PRECISION,
  artist_location  VARCHAR(65535),
  artist_name      VARCHAR(65535),
  song_id          VARCHAR(256) NOT NULL,
  title            VARCHAR(65535),
  duration         DOUBLE PRECISION,
  year             BIGINT
);
DELETE FROM load_songs;
-- One batch of files loaded by the cluster itself: listed in a manifest written for this run, or,
-- without a staging location ([S3] STAGING), read from the source's folder or one object's key
-- (redshift_staging.h says when which).
-- Checked against the Amazon Redshift Database Developer Guide:
-- * COPY table (columns) FROM 's3://...manifest' IAM_ROLE '...' [FORMAT AS] JSON '...'
--   (r_COPY.html, copy-parameters-data-source-s3.html, copy-parameters-authorization.html);
--   MANIFEST: the FROM object lists the files ({"entries": [{"url": ..., "mandatory": true}]},
--   loading-data-files-using-manifest.html); "mandatory" makes a file deleted since the listing
--   an error instead of a silent gap. Without MANIFEST, FROM is a key prefix: every object whose
--   key begins with it is read (copy-parameters-data-source-s3.html).
-- * JSON 'auto' maps lowercase keys to column names; a JSONPaths file maps its expressions to the
--   column list in order (copy-parameters-data-format.html#copy-json-jsonpaths).
-- * GZIP for the batch of .gz objects (copy-parameters-file-compression.html).
-- * REGION: the region of the S3 objects, when it is not the cluster's.
-- * MAXERROR n: "When the error count equals or exceeds MAXERROR, COPY fails", so n is the
--   budget plus one; 100000 is the largest value (copy-parameters-data-load.html). The rejected
--   records are read back from STL_LOAD_ERRORS (copy_errors.sql).
-- * No EMPTYASNULL or BLANKSASNULL: the other engines keep "" and "  " apart from NULL in text
--   columns; empty strings for numeric columns load as NULL anyway. No TIMEFORMAT: ts stays epoch
--   milliseconds (BIGINT) as on every engine; TIMEFORMAT applies only to TIMESTAMP columns.
-- * COMPUPDATE OFF, STATUPDATE OFF: a temporary load table needs no compression analysis or
--   statistics.
COPY load_songs (num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name, song_id, title, duration, year)
FROM 's3://sparkify-staging/runs/run-1-<time>/songs.manifest'
IAM_ROLE 'arn:aws:iam::123456789012:role/dwhRole'
FORMAT AS JSON 'auto'
REGION 'us-west-2'
MANIFEST
MAXERROR 11
COMPUPDATE OFF
STATUPDATE OFF;
-- The records the last COPY of this session rejected, from SYS_LOAD_ERROR_DETAIL
-- (SYS_LOAD_ERROR_DETAIL.html): the view Redshift Serverless has (it cannot read STL views) and
-- that also covers queries run on concurrency-scaling clusters. The CHAR columns are
-- blank-padded, hence TRIM. It has no raw line: the record is named by file and line, where
-- line_number is the last line of the rejected JSON object. copy_errors_stl.sql is used instead
-- on clusters without this view (redshift_engine.cpp probes for it when it connects).
SELECT TRIM(file_name) AS filename, line_number, TRIM(column_name) AS colname,
       TRIM(error_message) AS err_reason, CAST(NULL AS VARCHAR(1)) AS raw_line
FROM sys_load_error_detail
WHERE query_id = PG_LAST_COPY_ID()
ORDER BY filename, line_number;
-- One batch of files loaded by the cluster itself: listed in a manifest written for this run, or,
-- without a staging location ([S3] STAGING), read from the source's folder or one object's key
-- (redshift_staging.h says when which).
-- Checked against the Amazon Redshift Database Developer Guide:
-- * COPY table (columns) FROM 's3://...manifest' IAM_ROLE '...' [FORMAT AS] JSON '...'
--   (r_COPY.html, copy-parameters-data-source-s3.html, copy-parameters-authorization.html);
--   MANIFEST: the FROM object lists the files ({"entries": [{"url": ..., "mandatory": true}]},
--   loading-data-files-using-manifest.html); "mandatory" makes a file deleted since the listing
--   an error instead of a silent gap. Without MANIFEST, FROM is a key prefix: every object whose
--   key begins with it is read (copy-parameters-data-source-s3.html).
-- * JSON 'auto' maps lowercase keys to column names; a JSONPaths file maps its expressions to the
--   column list in order (copy-parameters-data-format.html#copy-json-jsonpaths).
-- * GZIP for the batch of .gz objects (copy-parameters-file-compression.html).
-- * REGION: the region of the S3 objects, when it is not the cluster's.
-- * MAXERROR n: "When the error count equals or exceeds MAXERROR, COPY fails", so n is the
--   budget plus one; 100000 is the largest value (copy-parameters-data-load.html). The rejected
--   records are read back from STL_LOAD_ERRORS (copy_errors.sql).
-- * No EMPTYASNULL or BLANKSASNULL: the other engines keep "" and "  " apart from NULL in text
--   columns; empty strings for numeric columns load as NULL anyway. No TIMEFORMAT: ts stays epoch
--   milliseconds (BIGINT) as on every engine; TIMEFORMAT applies only to TIMESTAMP columns.
-- * COMPUPDATE OFF, STATUPDATE OFF: a temporary load table needs no compression analysis or
--   statistics.
COPY load_songs (num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name, song_id, title, duration, year)
FROM 's3://sparkify-staging/runs/run-1-<time>/songs-gzip.manifest'
IAM_ROLE 'arn:aws:iam::123456789012:role/dwhRole'
FORMAT AS JSON 'auto' GZIP
REGION 'us-west-2'
MANIFEST
MAXERROR 11
COMPUPDATE OFF
STATUPDATE OFF;
-- The records the last COPY of this session rejected, from SYS_LOAD_ERROR_DETAIL
-- (SYS_LOAD_ERROR_DETAIL.html): the view Redshift Serverless has (it cannot read STL views) and
-- that also covers queries run on concurrency-scaling clusters. The CHAR columns are
-- blank-padded, hence TRIM. It has no raw line: the record is named by file and line, where
-- line_number is the last line of the rejected JSON object. copy_errors_stl.sql is used instead
-- on clusters without this view (redshift_engine.cpp probes for it when it connects).
SELECT TRIM(file_name) AS filename, line_number, TRIM(column_name) AS colname,
       TRIM(error_message) AS err_reason, CAST(NULL AS VARCHAR(1)) AS raw_line
FROM sys_load_error_detail
WHERE query_id = PG_LAST_COPY_ID()
ORDER BY filename, line_number;
SELECT COUNT(*) FROM load_songs;
-- The rows a COPY batch loaded into load_songs become staging_songs rows of batch 1,
-- each with document 0: COPY does not say which file or document a row came from. A text longer
-- than its staging column (create_tables.sql says why the sizes) quarantines the record, which
-- COPY into load_songs' wide columns neither rejects nor cuts (its file unknown: the manifest
-- stands in).
INSERT INTO load_errors (run_id, file_id, source, path, line, document, byte_offset, field, reason,
                         raw_text)
SELECT 1, 1, 'songs', 's3://sparkify-staging/runs/run-1-<time>/songs.manifest', NULL, NULL, NULL, field,
       field || ': ' || CAST(bytes AS VARCHAR(24)) || ' bytes, longer than the '
       || CAST(max_bytes AS VARCHAR(24)) || ' Redshift keeps',
       'song_id ' || song_id
FROM (
  SELECT song_id,
         CASE WHEN OCTET_LENGTH(title) > 1024 THEN 'title'
              WHEN OCTET_LENGTH(artist_name) > 1024 THEN 'artist_name'
              WHEN OCTET_LENGTH(artist_location) > 512 THEN 'artist_location' END AS field,
         CASE WHEN OCTET_LENGTH(title) > 1024 THEN OCTET_LENGTH(title)
              WHEN OCTET_LENGTH(artist_name) > 1024 THEN OCTET_LENGTH(artist_name)
              ELSE OCTET_LENGTH(artist_location) END AS bytes,
         CASE WHEN OCTET_LENGTH(title) > 1024 OR OCTET_LENGTH(artist_name) > 1024 THEN 1024
              ELSE 512 END AS max_bytes
  FROM load_songs
) AS checked
WHERE field IS NOT NULL;

INSERT INTO staging_songs (num_songs, artist_id, artist_latitude, artist_longitude,
                           artist_location, artist_name, song_id, title, duration, year, file_id,
                           document)
SELECT num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name,
       song_id, title, duration, year, 1, 0
FROM load_songs
WHERE COALESCE(OCTET_LENGTH(title), 0) <= 1024 AND COALESCE(OCTET_LENGTH(artist_name), 0) <= 1024
  AND COALESCE(OCTET_LENGTH(artist_location), 0) <= 512;
SELECT COUNT(*) FROM staging_songs WHERE file_id = 1;
INSERT INTO "load_files" ("file_id", "source", "path", "size", "mtime_ns", "etag", "checksum", "records", "run_id", "loaded_at") VALUES
(1, 'songs', 's3://sparkify-data/song_data/A/one.json', 182, 0, '1c793673e257e61eee61230ccadc9ae9', 'etag:1c793673e257e61eee61230ccadc9ae9', NULL, 1, '<time>'),
(1, 'songs', 's3://sparkify-data/song_data/A/two.json', 188, 0, '891546be67e2accdfe265e2801a70178', 'etag:891546be67e2accdfe265e2801a70178', NULL, 1, '<time>'),
(1, 'songs', 's3://sparkify-data/song_data/B/three.json.gz', 132, 0, '8fbf97e0b06a8b5544f4f038c929a592', 'etag:8fbf97e0b06a8b5544f4f038c929a592', NULL, 1, '<time>');
-- The ledger of one source: what decides whether a listed file is unchanged, touched or changed.
SELECT path, file_id, size, mtime_ns, etag, checksum FROM load_files WHERE source = 'logs';
-- The table a COPY of event logs loads into: temporary (private to the session, dropped with it)
-- and emptied before each load. Its columns follow the JSONPaths order (LOG_JSONPATH, or
-- sparkify's own file: artist ... userId); stage_events.sql moves the rows to staging_events.
-- Types differ from staging_events where COPY needs it: registration arrives as a float
-- (1540919166796.0), so it is DOUBLE PRECISION here and checked to be whole in stage_events.sql.
-- userId "" loads as NULL into user_id: "Empty strings for other data types, such as INT, are
-- always loaded with NULL" (COPY from JSON, copy-parameters-data-format.html#copy-json).
-- The three NOT NULL columns make COPY reject records without ts, sessionId or itemInSession,
-- which the decoders reject on the other engines.
CREATE TEMP TABLE IF NOT EXISTS load_events (
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
  registration    DOUBLE PRECISION,
  session_id      BIGINT NOT NULL,
  song            VARCHAR(65535),
  status          BIGINT,
  ts              BIGINT NOT NULL,
  user_agent      VARCHAR(65535),
  user_id         BIGINT
);
DELETE FROM load_events;
-- One batch of files loaded by the cluster itself: listed in a manifest written for this run, or,
-- without a staging location ([S3] STAGING), read from the source's folder or one object's key
-- (redshift_staging.h says when which).
-- Checked against the Amazon Redshift Database Developer Guide:
-- * COPY table (columns) FROM 's3://...manifest' IAM_ROLE '...' [FORMAT AS] JSON '...'
--   (r_COPY.html, copy-parameters-data-source-s3.html, copy-parameters-authorization.html);
--   MANIFEST: the FROM object lists the files ({"entries": [{"url": ..., "mandatory": true}]},
--   loading-data-files-using-manifest.html); "mandatory" makes a file deleted since the listing
--   an error instead of a silent gap. Without MANIFEST, FROM is a key prefix: every object whose
--   key begins with it is read (copy-parameters-data-source-s3.html).
-- * JSON 'auto' maps lowercase keys to column names; a JSONPaths file maps its expressions to the
--   column list in order (copy-parameters-data-format.html#copy-json-jsonpaths).
-- * GZIP for the batch of .gz objects (copy-parameters-file-compression.html).
-- * REGION: the region of the S3 objects, when it is not the cluster's.
-- * MAXERROR n: "When the error count equals or exceeds MAXERROR, COPY fails", so n is the
--   budget plus one; 100000 is the largest value (copy-parameters-data-load.html). The rejected
--   records are read back from STL_LOAD_ERRORS (copy_errors.sql).
-- * No EMPTYASNULL or BLANKSASNULL: the other engines keep "" and "  " apart from NULL in text
--   columns; empty strings for numeric columns load as NULL anyway. No TIMEFORMAT: ts stays epoch
--   milliseconds (BIGINT) as on every engine; TIMEFORMAT applies only to TIMESTAMP columns.
-- * COMPUPDATE OFF, STATUPDATE OFF: a temporary load table needs no compression analysis or
--   statistics.
COPY load_events (artist, auth, first_name, gender, item_in_session, last_name, length, level, location, method, page, registration, session_id, song, status, ts, user_agent, user_id)
FROM 's3://sparkify-staging/runs/run-1-<time>/logs.manifest'
IAM_ROLE 'arn:aws:iam::123456789012:role/dwhRole'
FORMAT AS JSON 's3://sparkify-data/log_json_path.json'
REGION 'us-west-2'
MANIFEST
MAXERROR 11
COMPUPDATE OFF
STATUPDATE OFF;
-- The records the last COPY of this session rejected, from SYS_LOAD_ERROR_DETAIL
-- (SYS_LOAD_ERROR_DETAIL.html): the view Redshift Serverless has (it cannot read STL views) and
-- that also covers queries run on concurrency-scaling clusters. The CHAR columns are
-- blank-padded, hence TRIM. It has no raw line: the record is named by file and line, where
-- line_number is the last line of the rejected JSON object. copy_errors_stl.sql is used instead
-- on clusters without this view (redshift_engine.cpp probes for it when it connects).
SELECT TRIM(file_name) AS filename, line_number, TRIM(column_name) AS colname,
       TRIM(error_message) AS err_reason, CAST(NULL AS VARCHAR(1)) AS raw_line
FROM sys_load_error_detail
WHERE query_id = PG_LAST_COPY_ID()
ORDER BY filename, line_number;
INSERT INTO "load_errors" ("run_id", "file_id", "source", "path", "line", "document", "byte_offset", "field", "reason", "raw_text") VALUES
(1, 2, 'logs', 's3://sparkify-data/log_data/2018/11/2018-11-02-events.json', 3, NULL, NULL, 'ts', 'Invalid digit, Value ''y'', Pos 0, Type: Long', '{"ts":"yesterday","sessionId":1,"song":"a\\\\\\\\N"}');
SELECT COUNT(*) FROM load_events;
-- The rows a COPY batch loaded into load_events become staging_events rows of batch
-- 2. COPY does not say which file or line a row came from: every row carries the
-- batch's file id and line 0 (README, "Amazon Redshift"). What COPY does not check is checked
-- here, as the decoders check it on the other engines: a ts outside 1970-01-01 .. 9999-12-31, or a
-- registration with a fraction, quarantines the record (its file unknown: the manifest stands in),
-- and so does a text longer than its staging column (create_tables.sql says why the sizes), which
-- COPY into load_events' wide columns neither rejects nor cuts.
INSERT INTO load_errors (run_id, file_id, source, path, line, document, byte_offset, field, reason,
                         raw_text)
SELECT 1, 2, 'logs', 's3://sparkify-staging/runs/run-1-<time>/logs.manifest', NULL, NULL, NULL, field,
       CASE WHEN field = 'ts'
            THEN 'ts: timestamp ' || CAST(ts AS VARCHAR(24))
                 || ' is outside 1970-01-01 .. 9999-12-31 (epoch milliseconds expected)'
            WHEN field = 'registration' THEN 'registration: expected an integer, got a fraction'
            ELSE field || ': ' || CAST(bytes AS VARCHAR(24)) || ' bytes, longer than the '
                 || CAST(max_bytes AS VARCHAR(24)) || ' Redshift keeps' END,
       'sessionId ' || CAST(session_id AS VARCHAR(24)) || ', itemInSession '
       || CAST(item_in_session AS VARCHAR(24)) || ', ts ' || CAST(ts AS VARCHAR(24))
FROM (
  SELECT ts, session_id, item_in_session,
         CASE WHEN ts < 0 OR ts > 253402300799999 THEN 'ts'
              WHEN registration <> FLOOR(registration) THEN 'registration'
              WHEN OCTET_LENGTH(artist) > 1024 THEN 'artist'
              WHEN OCTET_LENGTH(song) > 1024 THEN 'song'
              WHEN OCTET_LENGTH(user_agent) > 1024 THEN 'userAgent'
              WHEN OCTET_LENGTH(location) > 512 THEN 'location'
              WHEN OCTET_LENGTH(first_name) > 256 THEN 'firstName'
              WHEN OCTET_LENGTH(last_name) > 256 THEN 'lastName' END AS field,
         CASE WHEN OCTET_LENGTH(artist) > 1024 THEN OCTET_LENGTH(artist)
              WHEN OCTET_LENGTH(song) > 1024 THEN OCTET_LENGTH(song)
              WHEN OCTET_LENGTH(user_agent) > 1024 THEN OCTET_LENGTH(user_agent)
              WHEN OCTET_LENGTH(location) > 512 THEN OCTET_LENGTH(location)
              WHEN OCTET_LENGTH(first_name) > 256 THEN OCTET_LENGTH(first_name)
              ELSE OCTET_LENGTH(last_name) END AS bytes,
         CASE WHEN OCTET_LENGTH(artist) > 1024 OR OCTET_LENGTH(song) > 1024
                OR OCTET_LENGTH(user_agent) > 1024 THEN 1024
              WHEN OCTET_LENGTH(location) > 512 THEN 512 ELSE 256 END AS max_bytes
  FROM load_events
) AS checked
WHERE field IS NOT NULL;

INSERT INTO staging_events (artist, auth, first_name, gender, item_in_session, last_name, length,
                            level, location, method, page, registration, session_id, song, status,
                            ts, user_agent, user_id, file_id, line)
SELECT artist, auth, first_name, gender, item_in_session, last_name, length, level, location,
       method, page, CAST(registration AS BIGINT), session_id, song, status, ts, user_agent,
       user_id, 2, 0
FROM load_events
WHERE ts >= 0 AND ts <= 253402300799999
  AND (registration IS NULL OR registration = FLOOR(registration))
  AND COALESCE(OCTET_LENGTH(artist), 0) <= 1024 AND COALESCE(OCTET_LENGTH(song), 0) <= 1024
  AND COALESCE(OCTET_LENGTH(user_agent), 0) <= 1024 AND COALESCE(OCTET_LENGTH(location), 0) <= 512
  AND COALESCE(OCTET_LENGTH(first_name), 0) <= 256 AND COALESCE(OCTET_LENGTH(last_name), 0) <= 256;
SELECT COUNT(*) FROM staging_events WHERE file_id = 2;
SELECT path, reason FROM load_errors WHERE file_id = 2 AND line IS NULL ORDER BY reason LIMIT 5;
INSERT INTO "load_files" ("file_id", "source", "path", "size", "mtime_ns", "etag", "checksum", "records", "run_id", "loaded_at") VALUES
(2, 'logs', 's3://sparkify-data/log_data/2018/11/2018-11-01-events.json', 1525, 0, 'dcd163eb3b3c746884cbe67fffb44df2', 'etag:dcd163eb3b3c746884cbe67fffb44df2', NULL, 1, '<time>'),
(2, 'logs', 's3://sparkify-data/log_data/2018/11/2018-11-02-events.json', 1830, 0, '141a6d1611582c42f64e15b21783402d', 'etag:141a6d1611582c42f64e15b21783402d', NULL, 1, '<time>');
-- Redshift has no indexes: its tables are ordered by their sort keys (create_tables.sql),
-- so there is nothing to drop before a first load or to build after it.;
-- songs (Redshift): the rules of sql/sqlite/transform_songs.sql, without ON CONFLICT, which
-- Redshift lacks (no upsert; keys are not enforced): the touched song ids (staged in this run,
-- file_id >= 1, or by a replaced version) are deleted, then inserted again from
-- everything staged. Among records sharing a song_id, the one from the first file by path (then
-- first document) wins. A COPY batch's rows share one file id, so a record's path is its batch's
-- first path: between batches the first batch by path wins, within one batch either record.
-- Text order is byte order: Redshift compares VARCHAR byte by byte (no linguistic collation).
-- year 0 in the Million Song Dataset means "unknown" and becomes NULL.
DELETE FROM songs
WHERE song_id IN (SELECT song_id FROM staging_songs WHERE file_id >= 1
                  UNION SELECT song_id FROM replaced_songs);

INSERT INTO songs (song_id, song, artist_id, year, song_duration)
SELECT song_id, title, artist_id, NULLIF(year, 0), duration
FROM (
  SELECT s.song_id, s.title, s.artist_id, s.year, s.duration,
         ROW_NUMBER() OVER (PARTITION BY s.song_id ORDER BY f.path, s.document) AS pick
  FROM staging_songs s
  JOIN (SELECT file_id, MIN(path) AS path FROM load_files GROUP BY file_id) AS f
    ON f.file_id = s.file_id
  WHERE s.song_id IN (SELECT song_id FROM staging_songs WHERE file_id >= 1
                      UNION SELECT song_id FROM replaced_songs)
) AS ranked
WHERE pick = 1;
-- artists (Redshift): one row per artist_id; each attribute comes from the artist's catalog
-- record with the smallest song_id among those where it is non-empty (latitude and longitude as a
-- pair), as sql/sqlite/transform_artists.sql. Redshift has no ON CONFLICT, and rejects the
-- correlated subqueries in the SELECT list the other dialects use: the touched artists are
-- deleted and inserted again, each attribute picked by ROW_NUMBER over the artist's records.
DELETE FROM artists
WHERE artist_id IN (SELECT artist_id FROM staging_songs WHERE file_id >= 1
                    UNION SELECT artist_id FROM replaced_songs);

INSERT INTO artists (artist_id, artist, artist_location, artist_latitude, artist_longitude)
SELECT a.artist_id, n.artist_name, l.artist_location, g.artist_latitude, g.artist_longitude
FROM (
  SELECT DISTINCT artist_id FROM staging_songs
  WHERE artist_id IN (SELECT artist_id FROM staging_songs WHERE file_id >= 1
                      UNION SELECT artist_id FROM replaced_songs)
) AS a
LEFT JOIN (
  SELECT artist_id, artist_name,
         ROW_NUMBER() OVER (PARTITION BY artist_id ORDER BY song_id, file_id, document) AS pick
  FROM staging_songs
  WHERE artist_name <> ''
) AS n ON n.artist_id = a.artist_id AND n.pick = 1
LEFT JOIN (
  SELECT artist_id, artist_location,
         ROW_NUMBER() OVER (PARTITION BY artist_id ORDER BY song_id, file_id, document) AS pick
  FROM staging_songs
  WHERE artist_location <> ''
) AS l ON l.artist_id = a.artist_id AND l.pick = 1
LEFT JOIN (
  SELECT artist_id, artist_latitude, artist_longitude,
         ROW_NUMBER() OVER (PARTITION BY artist_id ORDER BY song_id, file_id, document) AS pick
  FROM staging_songs
  WHERE artist_latitude IS NOT NULL AND artist_longitude IS NOT NULL
) AS g ON g.artist_id = a.artist_id AND g.pick = 1;
-- users (Redshift): one row per user id seen in any event, with the attributes of that user's
-- latest event (by timestamp, then session, then item in session) across every run, as
-- sql/sqlite/transform_users.sql. Without ON CONFLICT (and the row-value comparison that decides
-- which version is newer), the users of this run's events and of replaced file versions are
-- deleted and computed again from everything staged, which keeps every user's history: the
-- result is the same, and a backfill of older days still never overwrites newer attributes.
DELETE FROM users
WHERE user_id IN (SELECT user_id FROM staging_events WHERE file_id >= 1
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
  WHERE e.user_id IN (SELECT user_id FROM staging_events WHERE file_id >= 1
                      UNION SELECT user_id FROM replaced_events)
) AS latest
WHERE pick = 1;
-- user_levels (Redshift): each user's level history (a type-2 slowly changing dimension), as
-- sql/sqlite/transform_user_levels.sql (the reasons are there): the stretches of each user
-- touched by this run or by a replaced file version are deleted and computed again from all of
-- that user's staged events, an event delivered twice counting once. Without IS DISTINCT FROM,
-- a level differs from the previous one by a CASE that treats NULL as a level of its own.
-- Within one COPY batch (one file id, line 0) which copy of a repeated event counts is not
-- defined, as for users (README).
-- https://docs.aws.amazon.com/redshift/latest/dg/r_WF_LAG.html
-- https://docs.aws.amazon.com/redshift/latest/dg/r_WF_LEAD.html
DELETE FROM user_levels
WHERE user_id IN (SELECT user_id FROM staging_events WHERE file_id >= 1
                  UNION SELECT user_id FROM replaced_events);

INSERT INTO user_levels (user_id, user_level, valid_from, valid_to, first_session_id,
                         first_item_in_session)
SELECT user_id, level, valid_from,
       LEAD(valid_from) OVER (PARTITION BY user_id ORDER BY ts, session_id, item_in_session),
       session_id, item_in_session
FROM (
  SELECT user_id, level, ts, session_id, item_in_session,
         TIMESTAMP 'epoch' + (ts / 1000) * INTERVAL '1 second'
                           + (ts % 1000) * INTERVAL '0.001 second' AS valid_from
  FROM (
    SELECT user_id, level, ts, session_id, item_in_session,
           ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY ts, session_id, item_in_session)
             AS position,
           LAG(level) OVER (PARTITION BY user_id ORDER BY ts, session_id, item_in_session)
             AS previous_level
    FROM (
      SELECT user_id, level, ts, session_id, item_in_session,
             ROW_NUMBER() OVER (PARTITION BY user_id, ts, session_id, item_in_session
                                ORDER BY file_id, line) AS copy
      FROM staging_events
      WHERE user_id IN (SELECT user_id FROM staging_events WHERE file_id >= 1
                        UNION SELECT user_id FROM replaced_events)
    ) AS events
    WHERE copy = 1
  ) AS ordered
  WHERE position = 1
     OR CASE WHEN level IS NULL THEN previous_level IS NOT NULL
             WHEN previous_level IS NULL THEN TRUE
             ELSE level <> previous_level END
) AS stretch_starts;
-- songplays (Redshift): one row per distinct NextSong event (session, item in session, user,
-- timestamp), as sql/sqlite/transform_songplays.sql. Redshift lacks what the other dialects use
-- here: ON CONFLICT (an event already in songplays is left out by an anti-join instead), IS NOT
-- DISTINCT FROM (user_id may be NULL: equal when both are NULL, written out with COALESCE and
-- CASE so the join keeps its equality conditions), and correlated subqueries in the SELECT list
-- (the catalog match is a join: among the first copy's matches, ordered by song_id, the first).
-- ts (epoch milliseconds) becomes a TIMESTAMP exactly: whole seconds plus milliseconds, both
-- integer multiples of an interval (r_interval_literals.html: fractional quantities are allowed).

-- Plays of songs that no longer exist lose their song; plays of touched songs follow the song's
-- artist.
UPDATE songplays SET song_id = NULL, artist_id = NULL
WHERE song_id IN (SELECT song_id FROM replaced_songs)
  AND song_id NOT IN (SELECT song_id FROM songs);
UPDATE songplays SET artist_id = s.artist_id
FROM songs s
WHERE s.song_id = songplays.song_id
  AND songplays.song_id IN (SELECT song_id FROM staging_songs WHERE file_id >= 1
                            UNION SELECT song_id FROM replaced_songs);

-- Plays a replaced file version contributed are taken back, then rebuilt from what is staged.
DELETE FROM songplays
USING replaced_events r
WHERE songplays.session_id = r.session_id
  AND songplays.item_in_session = r.item_in_session
  AND COALESCE(songplays.user_id, 0) = COALESCE(r.user_id, 0)
  AND (CASE WHEN songplays.user_id IS NULL THEN 1 ELSE 0 END)
      = (CASE WHEN r.user_id IS NULL THEN 1 ELSE 0 END)
  AND songplays.start_time = TIMESTAMP 'epoch' + (r.ts / 1000) * INTERVAL '1 second'
                                               + (r.ts % 1000) * INTERVAL '0.001 second';

INSERT INTO songplays (start_time, user_id, song_id, artist_id, session_id, item_in_session,
                       user_level, user_location, user_agent, song_title, artist_name,
                       song_length)
SELECT e.start_time, e.user_id, m.song_id, m.artist_id, e.session_id, e.item_in_session,
       e.level, e.location, e.user_agent, e.song, e.artist, e.length
FROM (
  SELECT TIMESTAMP 'epoch' + (ev.ts / 1000) * INTERVAL '1 second'
                           + (ev.ts % 1000) * INTERVAL '0.001 second' AS start_time,
         ev.user_id, ev.session_id, ev.item_in_session, ev.level, ev.location, ev.user_agent,
         ev.song, ev.artist, ev.length, s.song_id AS matched_song_id,
         ROW_NUMBER() OVER (
           PARTITION BY ev.session_id, ev.item_in_session, ev.user_id, ev.ts
           ORDER BY ev.file_id, ev.line, s.song_id) AS pick
  FROM (
    SELECT * FROM staging_events WHERE file_id >= 1 AND page = 'NextSong'
    UNION ALL
    SELECT e.* FROM replaced_events r JOIN staging_events e
      ON e.session_id = r.session_id AND e.item_in_session = r.item_in_session AND e.ts = r.ts
     AND COALESCE(e.user_id, 0) = COALESCE(r.user_id, 0)
     AND (CASE WHEN e.user_id IS NULL THEN 1 ELSE 0 END)
         = (CASE WHEN r.user_id IS NULL THEN 1 ELSE 0 END)
    WHERE e.file_id < 1 AND e.page = 'NextSong'
  ) AS ev
  LEFT JOIN staging_songs s
    ON s.title = ev.song AND s.artist_name = ev.artist AND ABS(s.duration - ev.length) < 0.001
) AS e
LEFT JOIN songs m ON m.song_id = e.matched_song_id
LEFT JOIN songplays sp
  ON sp.session_id = e.session_id AND sp.item_in_session = e.item_in_session
 AND sp.start_time = e.start_time
 AND COALESCE(sp.user_id, 0) = COALESCE(e.user_id, 0)
 AND (CASE WHEN sp.user_id IS NULL THEN 1 ELSE 0 END)
     = (CASE WHEN e.user_id IS NULL THEN 1 ELSE 0 END)
WHERE e.pick = 1 AND sp.songplay_id IS NULL;
-- time (Redshift): one row per distinct songplays.start_time, as sql/postgres/transform_time.sql
-- without ON CONFLICT: times already present are left out by an anti-join. EXTRACT(WEEK) is the
-- ISO 8601 week and EXTRACT(DOW) counts 0 (Sunday) to 6 in Redshift as in PostgreSQL
-- (r_DATE_PART_function.html, r_Dateparts_for_datetime_functions.html).
DELETE FROM time
WHERE start_time IN (SELECT TIMESTAMP 'epoch' + (ts / 1000) * INTERVAL '1 second'
                                              + (ts % 1000) * INTERVAL '0.001 second'
                     FROM replaced_events)
  AND start_time NOT IN (SELECT start_time FROM songplays);

INSERT INTO time (start_time, hour, day, week, month, year, weekday)
SELECT t.start_time,
       CAST(EXTRACT(HOUR FROM t.start_time) AS INTEGER),
       CAST(EXTRACT(DAY FROM t.start_time) AS INTEGER),
       CAST(EXTRACT(WEEK FROM t.start_time) AS INTEGER),
       CAST(EXTRACT(MONTH FROM t.start_time) AS INTEGER),
       CAST(EXTRACT(YEAR FROM t.start_time) AS INTEGER),
       CAST(EXTRACT(DOW FROM t.start_time) AS INTEGER)
FROM (
  SELECT DISTINCT TIMESTAMP 'epoch' + (ts / 1000) * INTERVAL '1 second'
                                    + (ts % 1000) * INTERVAL '0.001 second' AS start_time
  FROM staging_events
  WHERE file_id >= 1 AND page = 'NextSong'
) AS t
LEFT JOIN time x ON x.start_time = t.start_time
WHERE x.start_time IS NULL;
-- artists.artist_id is unique (Redshift does not enforce keys, so every engine checks).
SELECT artist_id, COUNT(*) AS copies FROM artists GROUP BY artist_id HAVING COUNT(*) > 1;
-- One songplay per event (session, item in session, user, timestamp).
SELECT session_id, item_in_session, user_id, start_time, COUNT(*) AS copies
FROM songplays
GROUP BY session_id, item_in_session, user_id, start_time
HAVING COUNT(*) > 1;
-- songplays.songplay_id is unique (Redshift does not enforce keys, so every engine checks).
SELECT songplay_id, COUNT(*) AS copies FROM songplays GROUP BY songplay_id HAVING COUNT(*) > 1;
-- songs.song_id is unique (Redshift does not enforce keys, so every engine checks).
SELECT song_id, COUNT(*) AS copies FROM songs GROUP BY song_id HAVING COUNT(*) > 1;
-- time.start_time is unique (Redshift does not enforce keys, so every engine checks).
SELECT start_time, COUNT(*) AS copies FROM time GROUP BY start_time HAVING COUNT(*) > 1;
-- user_levels' key (user, valid_from, the opening event's session and item) is unique (Redshift
-- does not enforce keys, so every engine checks).
SELECT user_id, valid_from, first_session_id, first_item_in_session, COUNT(*) AS copies
FROM user_levels
GROUP BY user_id, valid_from, first_session_id, first_item_in_session
HAVING COUNT(*) > 1;
-- users.user_id is unique (Redshift does not enforce keys, so every engine checks).
SELECT user_id, COUNT(*) AS copies FROM users GROUP BY user_id HAVING COUNT(*) > 1;
SELECT COUNT(*) FROM staging_events;
SELECT COUNT(*) FROM staging_songs;
SELECT COUNT(*) FROM songplays;
SELECT COUNT(*) FROM users;
SELECT COUNT(*) FROM user_levels;
SELECT COUNT(*) FROM songs;
SELECT COUNT(*) FROM artists;
SELECT COUNT(*) FROM time;
SELECT COUNT(*) FROM load_errors;
SELECT COUNT(*) FROM songplays WHERE song_id IS NOT NULL;
UPDATE etl_runs SET finished_at = '<time>', status = 'succeeded', report = '{"status": "succeeded", "error": null, "sparkify_version": "<version>", "run_id": 1, "engine": "redshift", "target": null, "started_at": "<time>", "finished_at": "<time>", "this_run": {"sources": {"songs": {"files": 3, "files_skipped": 0, "files_replaced": 0, "files_out_of_range": 0, "entries_skipped": 0, "bytes": 502, "read": 3, "loaded": 3, "filtered": 0, "quarantined": 0, "repaired": 0, "repaired_fields": {}}, "logs": {"files": 2, "files_skipped": 0, "files_replaced": 0, "files_out_of_range": 0, "entries_skipped": 0, "bytes": 3355, "read": 11, "loaded": 9, "filtered": 0, "quarantined": 2, "repaired": 0, "repaired_fields": {}, "songplays": 0}}, "songplays": {"added": 0}, "seconds": {...}, "first_errors": ["s3://sparkify-data/log_data/2018/11/2018-11-02-events.json:3: ts: Invalid digit, Value ''y'', Pos 0, Type: Long", "s3://manifest: ts: timestamp -5 is outside 1970-01-01 .. 9999-12-31 (epoch milliseconds expected)"], "warnings": []}, "warehouse": {"tables": {"artists": 0, "load_errors": 0, "songplays": 0, "songs": 0, "staging_events": 0, "staging_songs": 0, "time": 0, "user_levels": 0, "users": 0}, "songplays": {"matched": 0}}}' WHERE run_id = 1;
COMMIT;
