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
