-- Plays of songs that no longer exist lose their song; plays of touched songs follow the song's
-- artist.
-- (The leading EXISTS terms do not depend on the row: SQLite evaluates them once, but still walks
-- songplays testing them, about 0.1 s per 2.4M plays; a --direct run that touched no song skips
-- this step altogether.)
UPDATE songplays SET song_id = NULL, artist_id = NULL
WHERE EXISTS (SELECT 1 FROM replaced_songs)
  AND song_id IN (SELECT song_id FROM replaced_songs)
  AND NOT EXISTS (SELECT 1 FROM songs s WHERE s.song_id = songplays.song_id);
UPDATE songplays SET artist_id = (SELECT s.artist_id FROM songs s WHERE s.song_id = songplays.song_id)
WHERE (EXISTS (SELECT 1 FROM staging_songs WHERE file_id >= {{first_file_id}})
       OR EXISTS (SELECT 1 FROM replaced_songs))
  AND song_id IN (SELECT song_id FROM staging_songs WHERE file_id >= {{first_file_id}}
                  UNION SELECT song_id FROM replaced_songs);
