-- The loaded rows of the tables every engine has (full_refresh.sql).
DELETE FROM songplays;
DELETE FROM users;
DELETE FROM user_levels;
DELETE FROM songs;
DELETE FROM artists;
DELETE FROM time;
DELETE FROM staging_events;
DELETE FROM staging_songs;
DELETE FROM load_errors;
DELETE FROM load_files;
