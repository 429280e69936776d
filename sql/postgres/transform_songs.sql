-- songs: one row per song_id. When several catalog records share a song_id, the one from the
-- first file by path (then first document) wins, so the result does not depend on load order.
-- year 0 in the Million Song Dataset means "unknown" and becomes NULL.
-- Touched: song ids staged in this run (file_id >= {{first_file_id}}) or by a replaced version.
-- As sql/sqlite: paths are ordered by their bytes (COLLATE "C"), whatever the database's collation.
-- No JIT: see transform_artists.sql.
SET LOCAL jit = off;

DELETE FROM songs
WHERE song_id IN (SELECT song_id FROM replaced_songs)
  AND NOT EXISTS (SELECT 1 FROM staging_songs s WHERE s.song_id = songs.song_id);

INSERT INTO songs (song_id, song, artist_id, year, song_duration)
SELECT song_id, title, artist_id, NULLIF(year, 0), duration
FROM (
  SELECT s.*, ROW_NUMBER() OVER (
      PARTITION BY s.song_id ORDER BY f.path COLLATE "C", s.document) AS pick
  FROM staging_songs s JOIN load_files f ON f.file_id = s.file_id
  WHERE s.song_id IN (SELECT song_id FROM staging_songs WHERE file_id >= {{first_file_id}}
                      UNION SELECT song_id FROM replaced_songs)
) AS ranked
WHERE pick = 1
ON CONFLICT (song_id) DO UPDATE SET
  song = excluded.song,
  artist_id = excluded.artist_id,
  year = excluded.year,
  song_duration = excluded.song_duration;
