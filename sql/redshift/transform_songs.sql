-- songs (Redshift): the rules of sql/sqlite/transform_songs.sql, without ON CONFLICT, which
-- Redshift lacks (no upsert; keys are not enforced): the touched song ids (staged in this run,
-- file_id >= {{first_file_id}}, or by a replaced version) are deleted, then inserted again from
-- everything staged. Among records sharing a song_id, the one from the first file by path (then
-- first document) wins. A COPY batch's rows share one file id, so a record's path is its batch's
-- first path: between batches the first batch by path wins, within one batch either record.
-- Text order is byte order: Redshift compares VARCHAR byte by byte (no linguistic collation).
-- year 0 in the Million Song Dataset means "unknown" and becomes NULL.
DELETE FROM songs
WHERE song_id IN (SELECT song_id FROM staging_songs WHERE file_id >= {{first_file_id}}
                  UNION SELECT song_id FROM replaced_songs);

INSERT INTO songs (song_id, song, artist_id, year, song_duration)
SELECT song_id, title, artist_id, NULLIF(year, 0), duration
FROM (
  SELECT s.song_id, s.title, s.artist_id, s.year, s.duration,
         ROW_NUMBER() OVER (PARTITION BY s.song_id ORDER BY f.path, s.document) AS pick
  FROM staging_songs s
  JOIN (SELECT file_id, MIN(path) AS path FROM load_files GROUP BY file_id) AS f
    ON f.file_id = s.file_id
  WHERE s.song_id IN (SELECT song_id FROM staging_songs WHERE file_id >= {{first_file_id}}
                      UNION SELECT song_id FROM replaced_songs)
) AS ranked
WHERE pick = 1;
