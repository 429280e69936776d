-- Indexes the transforms need. A run's files have the highest file ids, so "rows of this run"
-- is a range on file_id.
-- After a bulk load these are built from scratch: memory enough to sort in memory (and for
-- PostgreSQL's parallel index build to use its workers), for this transaction only.
SET LOCAL maintenance_work_mem = '256MB';
CREATE INDEX IF NOT EXISTS staging_events_file ON staging_events (file_id);
CREATE INDEX IF NOT EXISTS staging_events_user ON staging_events (user_id, ts);
CREATE INDEX IF NOT EXISTS staging_songs_file ON staging_songs (file_id);
CREATE INDEX IF NOT EXISTS staging_songs_song ON staging_songs (song_id);
CREATE INDEX IF NOT EXISTS staging_songs_artist ON staging_songs (artist_id);
CREATE INDEX IF NOT EXISTS staging_songs_title ON staging_songs (title, artist_name);
SET LOCAL maintenance_work_mem TO DEFAULT;
-- Statistics for the transforms' plans: after a bulk load into empty tables the planner would
-- otherwise guess their sizes and distributions (autovacuum runs only after the commit, if at
-- all). ANALYZE also counts the rows of this uncommitted transaction. A small sample (3,000
-- rows) is plenty for the row counts and the few selectivities the transforms' plans need.
SET LOCAL default_statistics_target = 10;
ANALYZE staging_events;
ANALYZE staging_songs;
SET LOCAL default_statistics_target TO DEFAULT;
