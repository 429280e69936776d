-- Indexes the transforms need. A run's files have the highest file ids, so "rows of this run"
-- is a range on file_id.
CREATE INDEX IF NOT EXISTS staging_events_file ON staging_events (file_id);
-- Ordered as users' "latest event" is, so finding it is one index probe per user.
CREATE INDEX IF NOT EXISTS staging_events_user_latest
  ON staging_events (user_id, ts, session_id, item_in_session, file_id DESC, line DESC);
CREATE INDEX IF NOT EXISTS staging_songs_file ON staging_songs (file_id);
CREATE INDEX IF NOT EXISTS staging_songs_song ON staging_songs (song_id);
CREATE INDEX IF NOT EXISTS staging_songs_artist ON staging_songs (artist_id);
CREATE INDEX IF NOT EXISTS staging_songs_title ON staging_songs (title, artist_name);
