SELECT COUNT(*) FROM songplays WHERE song_id IS NOT NULL;
