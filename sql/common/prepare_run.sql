-- Per-run scratch tables (temporary: private to the connection, gone at its end). They hold
-- what replaced file versions contributed, so the transforms can take it back.
CREATE TEMPORARY TABLE IF NOT EXISTS replaced_events (
  session_id BIGINT, item_in_session BIGINT, user_id BIGINT, ts BIGINT);
CREATE TEMPORARY TABLE IF NOT EXISTS replaced_songs (song_id TEXT, artist_id TEXT);
DELETE FROM replaced_events;
DELETE FROM replaced_songs;
