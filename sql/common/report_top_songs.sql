-- Report: the most played songs, by what the event says was played (song_title, artist_name), so
-- plays the catalog does not know count too. Every song with at least the plays of the one at
-- place {{top}} (offset {{top_offset}}) comes back, ties included: the program orders ties by
-- their bytes and keeps {{top}}, so the list does not depend on a dialect's collation.
WITH counts AS (
  SELECT song_title, artist_name, COUNT(*) AS plays
  FROM songplays
  WHERE song_title IS NOT NULL
  GROUP BY song_title, artist_name
)
SELECT song_title, artist_name, plays
FROM counts
WHERE plays >= COALESCE((SELECT plays FROM counts ORDER BY plays DESC LIMIT 1 OFFSET {{top_offset}}), 0)
ORDER BY plays DESC;
