-- Every song's artist is an artist.
SELECT s.song_id, s.artist_id FROM songs s
WHERE NOT EXISTS (SELECT 1 FROM artists a WHERE a.artist_id = s.artist_id);
