-- Report: the user locations with the most plays, with their listeners (see report_top_songs.sql
-- for how ties at place {{top}} (offset {{top_offset}}) come back).
WITH counts AS (
  SELECT user_location, COUNT(*) AS plays, COUNT(DISTINCT user_id) AS listeners
  FROM songplays
  WHERE user_location IS NOT NULL
  GROUP BY user_location
)
SELECT user_location, plays, listeners
FROM counts
WHERE plays >= COALESCE((SELECT plays FROM counts ORDER BY plays DESC LIMIT 1 OFFSET {{top_offset}}), 0)
ORDER BY plays DESC;
