SELECT (SELECT COUNT(*) FROM songplays) AS songplays, (SELECT MAX(songplay_id) FROM songplays) AS last_songplay_id, (SELECT MAX(file_id) FROM load_files) AS last_file_id;
