-- Every non-null songplays.song_id is a song.
SELECT sp.songplay_id, sp.song_id FROM songplays sp
WHERE sp.song_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM songs s WHERE s.song_id = sp.song_id);
