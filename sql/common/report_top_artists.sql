-- Report: the most played artists, by the event's artist_name (see report_top_songs.sql for how
-- ties at place {{top}} (offset {{top_offset}}) come back).
WITH counts AS (
  SELECT artist_name, COUNT(*) AS plays, COUNT(DISTINCT song_title) AS songs
  FROM songplays
  WHERE artist_name IS NOT NULL
  GROUP BY artist_name
)
SELECT artist_name, plays, songs
FROM counts
WHERE plays >= COALESCE((SELECT plays FROM counts ORDER BY plays DESC LIMIT 1 OFFSET {{top_offset}}), 0)
ORDER BY plays DESC;
