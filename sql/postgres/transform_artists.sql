-- artists: one row per artist_id. Each attribute comes from the artist's catalog record with the
-- smallest song_id among those where it is non-empty (latitude and longitude as a pair), so an
-- artist's name or location is never lost to a record that left it blank. Records sharing a
-- song_id are taken in file path order, then document, as for songs: never in load order.
-- As sql/sqlite: song_id order is byte order (COLLATE "C"), whatever the database's collation.
-- The planner's costs for the per-artist subqueries are high enough to make PostgreSQL JIT-compile
-- them with inlining and optimization, which takes longer than running them; so, as in every
-- transform, no JIT.
SET LOCAL jit = off;

DELETE FROM artists
WHERE artist_id IN (SELECT artist_id FROM replaced_songs)
  AND NOT EXISTS (SELECT 1 FROM staging_songs s WHERE s.artist_id = artists.artist_id);

INSERT INTO artists (artist_id, artist, artist_location, artist_latitude, artist_longitude)
SELECT a.artist_id,
  (SELECT s.artist_name FROM staging_songs s JOIN load_files f ON f.file_id = s.file_id
    WHERE s.artist_id = a.artist_id AND s.artist_name <> ''
    ORDER BY s.song_id COLLATE "C", f.path COLLATE "C", s.document LIMIT 1),
  (SELECT s.artist_location FROM staging_songs s JOIN load_files f ON f.file_id = s.file_id
    WHERE s.artist_id = a.artist_id AND s.artist_location <> ''
    ORDER BY s.song_id COLLATE "C", f.path COLLATE "C", s.document LIMIT 1),
  (SELECT s.artist_latitude FROM staging_songs s JOIN load_files f ON f.file_id = s.file_id
    WHERE s.artist_id = a.artist_id AND s.artist_latitude IS NOT NULL
      AND s.artist_longitude IS NOT NULL
    ORDER BY s.song_id COLLATE "C", f.path COLLATE "C", s.document LIMIT 1),
  (SELECT s.artist_longitude FROM staging_songs s JOIN load_files f ON f.file_id = s.file_id
    WHERE s.artist_id = a.artist_id AND s.artist_latitude IS NOT NULL
      AND s.artist_longitude IS NOT NULL
    ORDER BY s.song_id COLLATE "C", f.path COLLATE "C", s.document LIMIT 1)
FROM (SELECT artist_id FROM staging_songs WHERE file_id >= {{first_file_id}}
      UNION SELECT artist_id FROM replaced_songs) AS a
WHERE EXISTS (SELECT 1 FROM staging_songs s WHERE s.artist_id = a.artist_id)
ON CONFLICT (artist_id) DO UPDATE SET
  artist = excluded.artist,
  artist_location = excluded.artist_location,
  artist_latitude = excluded.artist_latitude,
  artist_longitude = excluded.artist_longitude;
