-- Every songplays.start_time is in time.
SELECT sp.songplay_id, sp.start_time FROM songplays sp
WHERE NOT EXISTS (SELECT 1 FROM time t WHERE t.start_time = sp.start_time);
