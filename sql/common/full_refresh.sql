-- --full-refresh: forget everything loaded so far (the run history in etl_runs stays).
DELETE FROM songplays;
DELETE FROM users;
DELETE FROM songs;
DELETE FROM artists;
DELETE FROM time;
DELETE FROM staging_events;
DELETE FROM staging_songs;
DELETE FROM load_errors;
DELETE FROM load_files;
