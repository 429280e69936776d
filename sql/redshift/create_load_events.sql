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
