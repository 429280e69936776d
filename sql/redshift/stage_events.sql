-- The rows a COPY batch loaded into load_events become staging_events rows of batch
-- {{file_id}}. COPY does not say which file or line a row came from: every row carries the
-- batch's file id and line 0 (README, "Amazon Redshift"). What COPY does not check is checked
-- here, as the decoders check it on the other engines: a ts outside 1970-01-01 .. 9999-12-31, or a
-- registration with a fraction, quarantines the record (its file unknown: the manifest stands in),
-- and so does a text longer than its staging column (create_tables.sql says why the sizes), which
-- COPY into load_events' wide columns neither rejects nor cuts.
INSERT INTO load_errors (run_id, file_id, source, path, line, document, byte_offset, field, reason,
                         raw_text)
SELECT {{run_id}}, {{file_id}}, 'logs', {{manifest}}, NULL, NULL, NULL, field,
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
       user_id, {{file_id}}, 0
FROM load_events
WHERE ts >= 0 AND ts <= 253402300799999
  AND (registration IS NULL OR registration = FLOOR(registration))
  AND COALESCE(OCTET_LENGTH(artist), 0) <= 1024 AND COALESCE(OCTET_LENGTH(song), 0) <= 1024
  AND COALESCE(OCTET_LENGTH(user_agent), 0) <= 1024 AND COALESCE(OCTET_LENGTH(location), 0) <= 512
  AND COALESCE(OCTET_LENGTH(first_name), 0) <= 256 AND COALESCE(OCTET_LENGTH(last_name), 0) <= 256;
