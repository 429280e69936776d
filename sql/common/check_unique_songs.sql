-- songs.song_id is unique (Redshift does not enforce keys, so every engine checks).
SELECT song_id, COUNT(*) AS copies FROM songs GROUP BY song_id HAVING COUNT(*) > 1;
