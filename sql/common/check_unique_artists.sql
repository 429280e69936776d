-- artists.artist_id is unique (Redshift does not enforce keys, so every engine checks).
SELECT artist_id, COUNT(*) AS copies FROM artists GROUP BY artist_id HAVING COUNT(*) > 1;
