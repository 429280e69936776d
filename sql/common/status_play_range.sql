-- sparkify status: the time the plays in the warehouse span.
SELECT MIN(start_time) AS first_play, MAX(start_time) AS last_play FROM songplays;
