-- songplays: one row per distinct NextSong event (session, item in session, user, timestamp),
-- whether or not the catalog knows the song. The song matches when title and artist name are
-- equal and the durations differ by less than a millisecond; among several matches the smallest
-- song_id (byte order, COLLATE "C", as sql/sqlite) wins. A play is matched against the catalog
-- loaded so far (each run stages songs before logs); --full-refresh re-matches everything. An
-- event already in songplays (a re-delivered file) is not added again; among copies of one
-- event the first by file and line gives the attributes.
-- ts (epoch milliseconds) becomes a TIMESTAMP exactly: whole days plus the milliseconds left,
-- so no floating-point product of a large number is involved.

-- Plays of songs that no longer exist lose their song; plays of touched songs follow the song's
-- artist.
UPDATE songplays SET song_id = NULL, artist_id = NULL
WHERE song_id IN (SELECT song_id FROM replaced_songs)
  AND NOT EXISTS (SELECT 1 FROM songs s WHERE s.song_id = songplays.song_id);
UPDATE songplays SET artist_id = s.artist_id
FROM songs s
WHERE s.song_id = songplays.song_id
  AND songplays.song_id IN (SELECT song_id FROM staging_songs WHERE file_id >= {{first_file_id}}
                            UNION SELECT song_id FROM replaced_songs);

-- Plays a replaced file version contributed are taken back, then rebuilt from what is staged.
DELETE FROM songplays sp USING replaced_events r
WHERE sp.session_id = r.session_id AND sp.item_in_session = r.item_in_session
  AND sp.user_id IS NOT DISTINCT FROM r.user_id
  AND sp.start_time = TIMESTAMP 'epoch' + (r.ts / 86400000) * INTERVAL '1 day'
                      + (r.ts % 86400000) * INTERVAL '1 millisecond';

INSERT INTO songplays (start_time, user_id, song_id, artist_id, session_id, item_in_session,
                       user_level, user_location, user_agent)
SELECT e.start_time, e.user_id, m.song_id, m.artist_id, e.session_id, e.item_in_session,
       e.level, e.location, e.user_agent
FROM (
  SELECT TIMESTAMP 'epoch' + (ts / 86400000) * INTERVAL '1 day' + (ts % 86400000) * INTERVAL '1 millisecond' AS start_time,
         user_id, session_id, item_in_session, level, location, user_agent,
         (SELECT s.song_id FROM staging_songs s
           WHERE s.title = ev.song AND s.artist_name = ev.artist
             AND ABS(s.duration - ev.length) < 0.001
           ORDER BY s.song_id COLLATE "C" LIMIT 1) AS matched_song_id,
         ROW_NUMBER() OVER (
           PARTITION BY session_id, item_in_session, user_id, ts ORDER BY file_id, line) AS pick
  FROM (
    SELECT * FROM staging_events WHERE file_id >= {{first_file_id}} AND page = 'NextSong'
    UNION ALL
    SELECT e.* FROM replaced_events r JOIN staging_events e
      ON e.user_id IS NOT DISTINCT FROM r.user_id AND e.ts = r.ts
     AND e.session_id = r.session_id AND e.item_in_session = r.item_in_session
    WHERE e.file_id < {{first_file_id}} AND e.page = 'NextSong'
  ) AS ev
) AS e
LEFT JOIN songs m ON m.song_id = e.matched_song_id
WHERE e.pick = 1
ON CONFLICT DO NOTHING;
