-- A changed file replaces its previous version: remember what that version staged (for the
-- transforms to take back), then remove its staged rows, its quarantine rows and its ledger row.
INSERT INTO replaced_events (session_id, item_in_session, user_id, ts)
SELECT session_id, item_in_session, user_id, ts FROM staging_events WHERE file_id = {{file_id}};
INSERT INTO replaced_songs (song_id, artist_id)
SELECT song_id, artist_id FROM staging_songs WHERE file_id = {{file_id}};
DELETE FROM staging_events WHERE file_id = {{file_id}};
DELETE FROM staging_songs WHERE file_id = {{file_id}};
DELETE FROM load_errors WHERE file_id = {{file_id}};
DELETE FROM load_files WHERE file_id = {{file_id}};
