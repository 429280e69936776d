-- Every non-null songplays.artist_id is an artist.
SELECT sp.songplay_id, sp.artist_id FROM songplays sp
WHERE sp.artist_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM artists a WHERE a.artist_id = sp.artist_id);
