-- Before the bulk load of a run into empty staging tables (a first load, --full-refresh):
-- create_staging_indexes.sql builds them again afterwards, in one pass each.
DROP INDEX IF EXISTS staging_events_file;
DROP INDEX IF EXISTS staging_events_user;
DROP INDEX IF EXISTS staging_songs_file;
DROP INDEX IF EXISTS staging_songs_song;
DROP INDEX IF EXISTS staging_songs_artist;
DROP INDEX IF EXISTS staging_songs_title;
