-- songplays.songplay_id is unique (Redshift does not enforce keys, so every engine checks).
SELECT songplay_id, COUNT(*) AS copies FROM songplays GROUP BY songplay_id HAVING COUNT(*) > 1;
