-- songplays: one row per distinct NextSong event (session, item in session, user, timestamp),
-- whether or not the catalog knows the song. The song matches when title and artist name are
-- equal and the durations differ by less than a millisecond; among several matches the smallest
-- song_id wins. A play is matched against the catalog loaded so far (each run stages songs
-- before logs); --full-refresh re-matches everything. An event already in songplays (a
-- re-delivered file) is not added again; among copies of one event the first by file and line
-- gives the attributes.

{{include rematch_songplays}}

-- Plays a replaced file version contributed are taken back, then rebuilt from what is staged.
DELETE FROM songplays WHERE songplay_id IN (
  SELECT sp.songplay_id FROM replaced_events r JOIN songplays sp
    ON sp.session_id = r.session_id AND sp.item_in_session = r.item_in_session
   AND sp.user_id IS r.user_id
   AND sp.start_time = strftime('%Y-%m-%d %H:%M:%S', r.ts / 1000, 'unixepoch')
                       || printf('.%03d', r.ts % 1000));

-- SQLite inserts rows in the order the SELECT yields them, so ON CONFLICT DO NOTHING keeps the
-- first copy of an event by file and line without a sort: older files (copies of replaced
-- events, few, sorted) come first, then this run's files in staging_events_file order, which is
-- file then rowid, i.e. file then line.
INSERT INTO songplays (start_time, user_id, song_id, artist_id, session_id, item_in_session,
                       user_level, user_location, user_agent, song_title, artist_name,
                       song_length, file_id, line)
SELECT e.start_time, e.user_id, m.song_id, m.artist_id, e.session_id, e.item_in_session,
       e.level, e.location, e.user_agent, e.song, e.artist, e.length, e.file_id, e.line
FROM (
  SELECT strftime('%Y-%m-%d %H:%M:%S', ts / 1000, 'unixepoch') || printf('.%03d', ts % 1000)
           AS start_time,
         user_id, session_id, item_in_session, level, location, user_agent, song, artist, length,
         file_id, line,
         (SELECT MIN(s.song_id) FROM staging_songs s
           WHERE s.title = ev.song AND s.artist_name = ev.artist
             AND ABS(s.duration - ev.length) < 0.001) AS matched_song_id
  FROM (
    SELECT * FROM (
      SELECT e.* FROM replaced_events r JOIN staging_events e
        ON e.user_id IS r.user_id AND e.ts = r.ts AND e.session_id = r.session_id
       AND e.item_in_session = r.item_in_session
      WHERE e.file_id < {{first_file_id}} AND e.page = 'NextSong'
      ORDER BY e.file_id, e.line)
    UNION ALL
    SELECT * FROM staging_events WHERE file_id >= {{first_file_id}} AND page = 'NextSong'
  ) AS ev
) AS e
LEFT JOIN songs m ON m.song_id = e.matched_song_id
WHERE true
ON CONFLICT DO NOTHING;
