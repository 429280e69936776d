-- The rows a COPY batch loaded into load_events become staging_events rows of batch
-- {{file_id}}. COPY does not say which file or line a row came from: every row carries the
-- batch's file id and line 0 (README, "Amazon Redshift"). What COPY does not check is checked
-- here, as the decoders check it on the other engines: a ts outside 1970-01-01 .. 9999-12-31, or a
-- registration with a fraction, quarantines the record (its file unknown: the manifest stands in).
INSERT INTO load_errors (run_id, file_id, source, path, line, document, byte_offset, field, reason,
                         raw_text)
SELECT {{run_id}}, {{file_id}}, 'logs', {{manifest}}, NULL, NULL, NULL,
       CASE WHEN ts < 0 OR ts > 253402300799999 THEN 'ts' ELSE 'registration' END,
       CASE WHEN ts < 0 OR ts > 253402300799999
            THEN 'ts: timestamp ' || CAST(ts AS VARCHAR(24))
                 || ' is outside 1970-01-01 .. 9999-12-31 (epoch milliseconds expected)'
            ELSE 'registration: expected an integer, got a fraction' END,
       'sessionId ' || CAST(session_id AS VARCHAR(24)) || ', itemInSession '
       || CAST(item_in_session AS VARCHAR(24)) || ', ts ' || CAST(ts AS VARCHAR(24))
FROM load_events
WHERE ts < 0 OR ts > 253402300799999 OR registration <> FLOOR(registration);

INSERT INTO staging_events (artist, auth, first_name, gender, item_in_session, last_name, length,
                            level, location, method, page, registration, session_id, song, status,
                            ts, user_agent, user_id, file_id, line)
SELECT artist, auth, first_name, gender, item_in_session, last_name, length, level, location,
       method, page, CAST(registration AS BIGINT), session_id, song, status, ts, user_agent,
       user_id, {{file_id}}, 0
FROM load_events
WHERE ts >= 0 AND ts <= 253402300799999
  AND (registration IS NULL OR registration = FLOOR(registration));
