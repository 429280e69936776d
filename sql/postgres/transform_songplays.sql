-- songplays: one row per distinct NextSong event (session, item in session, user, timestamp),
-- whether or not the catalog knows the song. The song matches when title and artist name are
-- equal and the durations differ by less than a millisecond; among several matches the smallest
-- song_id wins. An event already in songplays (a re-delivered file) is not added again.
-- As sql/sqlite: the smallest song_id in byte order (COLLATE "C"), whatever the database's
-- collation.
-- ts (epoch milliseconds) becomes a TIMESTAMP exactly: whole days plus the milliseconds left,
-- so no floating-point product of a large number is involved.
INSERT INTO songplays (start_time, user_id, song_id, artist_id, session_id, item_in_session,
                       user_level, user_location, user_agent)
SELECT e.start_time, e.user_id, m.song_id, m.artist_id, e.session_id, e.item_in_session,
       e.level, e.location, e.user_agent
FROM (
  SELECT TIMESTAMP 'epoch' + (ts / 86400000) * INTERVAL '1 day'
           + (ts % 86400000) * INTERVAL '1 millisecond' AS start_time,
         user_id, session_id, item_in_session, level, location, user_agent,
         (SELECT s.song_id FROM staging_songs s
           WHERE s.title = ev.song AND s.artist_name = ev.artist
             AND ABS(s.duration - ev.length) < 0.001
           ORDER BY s.song_id COLLATE "C" LIMIT 1) AS matched_song_id,
         ROW_NUMBER() OVER (
           PARTITION BY session_id, item_in_session, user_id, ts ORDER BY file_id, line) AS pick
  FROM staging_events ev
  WHERE ev.run_id = {{run_id}} AND ev.page = 'NextSong'
) AS e
LEFT JOIN songs m ON m.song_id = e.matched_song_id
WHERE e.pick = 1
ON CONFLICT DO NOTHING;
