-- artists: one row per artist_id. Each attribute comes from the artist's catalog record with the
-- smallest song_id among those where it is non-empty (latitude and longitude as a pair), so an
-- artist's name or location is never lost to a record that left it blank. Records sharing a
-- song_id are taken in file path order, then document, as for songs: never in load order.
-- As sql/sqlite: song_id order is byte order (COLLATE "C"), whatever the database's collation.
-- The planner's costs for these statements are high enough to make PostgreSQL JIT-compile
-- them with inlining and optimization, which takes longer than running them; so, as in every
-- transform, no JIT.
SET LOCAL jit = off;

DELETE FROM artists
WHERE artist_id IN (SELECT artist_id FROM replaced_songs)
  AND NOT EXISTS (SELECT 1 FROM staging_songs s WHERE s.artist_id = artists.artist_id);

-- In one pass: the records of every touched artist (with their file paths) once, then per
-- attribute one sort that keeps, per artist, the first record where it is non-empty; instead of
-- four correlated subqueries per artist.
SET LOCAL work_mem = '256MB';

WITH touched AS (
  SELECT artist_id FROM staging_songs WHERE file_id >= {{first_file_id}}
  UNION SELECT artist_id FROM replaced_songs
), records AS MATERIALIZED (
  SELECT s.artist_id, s.artist_name, s.artist_location, s.artist_latitude, s.artist_longitude,
         s.song_id, f.path, s.document
  FROM staging_songs s JOIN load_files f ON f.file_id = s.file_id
  WHERE s.artist_id IN (SELECT artist_id FROM touched)
)
INSERT INTO artists (artist_id, artist, artist_location, artist_latitude, artist_longitude)
SELECT a.artist_id, n.artist_name, l.artist_location, g.artist_latitude, g.artist_longitude
FROM (SELECT DISTINCT artist_id FROM staging_songs
      WHERE artist_id IN (SELECT artist_id FROM touched)) AS a
LEFT JOIN (
  SELECT DISTINCT ON (artist_id) artist_id, artist_name FROM records WHERE artist_name <> ''
  ORDER BY artist_id, song_id COLLATE "C", path COLLATE "C", document
) AS n ON n.artist_id = a.artist_id
LEFT JOIN (
  SELECT DISTINCT ON (artist_id) artist_id, artist_location FROM records
  WHERE artist_location <> ''
  ORDER BY artist_id, song_id COLLATE "C", path COLLATE "C", document
) AS l ON l.artist_id = a.artist_id
LEFT JOIN (
  SELECT DISTINCT ON (artist_id) artist_id, artist_latitude, artist_longitude FROM records
  WHERE artist_latitude IS NOT NULL AND artist_longitude IS NOT NULL
  ORDER BY artist_id, song_id COLLATE "C", path COLLATE "C", document
) AS g ON g.artist_id = a.artist_id
ON CONFLICT (artist_id) DO UPDATE SET
  artist = excluded.artist,
  artist_location = excluded.artist_location,
  artist_latitude = excluded.artist_latitude,
  artist_longitude = excluded.artist_longitude;
