-- Plays of songs that no longer exist lose their song; plays of touched songs follow the song's
-- artist (the start of transform_songplays.sql; the direct load runs it before the logs).
-- (The leading EXISTS terms do not depend on the row: PostgreSQL evaluates them once and skips
-- the scan of songplays when this run touched no song.)
UPDATE songplays SET song_id = NULL, artist_id = NULL
WHERE EXISTS (SELECT 1 FROM replaced_songs)
  AND song_id IN (SELECT song_id FROM replaced_songs)
  AND NOT EXISTS (SELECT 1 FROM songs s WHERE s.song_id = songplays.song_id);
UPDATE songplays SET artist_id = s.artist_id
FROM songs s
WHERE (EXISTS (SELECT 1 FROM staging_songs WHERE file_id >= {{first_file_id}})
       OR EXISTS (SELECT 1 FROM replaced_songs))
  AND s.song_id = songplays.song_id
  AND songplays.song_id IN (SELECT song_id FROM staging_songs WHERE file_id >= {{first_file_id}}
                            UNION SELECT song_id FROM replaced_songs);
