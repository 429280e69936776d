-- songplays (Redshift): one row per distinct NextSong event (session, item in session, user,
-- timestamp), as sql/sqlite/transform_songplays.sql. Redshift lacks what the other dialects use
-- here: ON CONFLICT (an event already in songplays is left out by an anti-join instead), IS NOT
-- DISTINCT FROM (user_id may be NULL: equal when both are NULL, written out with COALESCE and
-- CASE so the join keeps its equality conditions), and correlated subqueries in the SELECT list
-- (the catalog match is a join: among the first copy's matches, ordered by song_id, the first).
-- ts (epoch milliseconds) becomes a TIMESTAMP exactly: whole seconds plus milliseconds, both
-- integer multiples of an interval (r_interval_literals.html: fractional quantities are allowed).

-- Plays of songs that no longer exist lose their song; plays of touched songs follow the song's
-- artist.
UPDATE songplays SET song_id = NULL, artist_id = NULL
WHERE song_id IN (SELECT song_id FROM replaced_songs)
  AND song_id NOT IN (SELECT song_id FROM songs);
UPDATE songplays SET artist_id = s.artist_id
FROM songs s
WHERE s.song_id = songplays.song_id
  AND songplays.song_id IN (SELECT song_id FROM staging_songs WHERE file_id >= {{first_file_id}}
                            UNION SELECT song_id FROM replaced_songs);

-- Plays a replaced file version contributed are taken back, then rebuilt from what is staged.
DELETE FROM songplays
USING replaced_events r
WHERE songplays.session_id = r.session_id
  AND songplays.item_in_session = r.item_in_session
  AND COALESCE(songplays.user_id, 0) = COALESCE(r.user_id, 0)
  AND (CASE WHEN songplays.user_id IS NULL THEN 1 ELSE 0 END)
      = (CASE WHEN r.user_id IS NULL THEN 1 ELSE 0 END)
  AND songplays.start_time = TIMESTAMP 'epoch' + (r.ts / 1000) * INTERVAL '1 second'
                                               + (r.ts % 1000) * INTERVAL '0.001 second';

INSERT INTO songplays (start_time, user_id, song_id, artist_id, session_id, item_in_session,
                       user_level, user_location, user_agent, song_title, artist_name,
                       song_length)
SELECT e.start_time, e.user_id, m.song_id, m.artist_id, e.session_id, e.item_in_session,
       e.level, e.location, e.user_agent, e.song, e.artist, e.length
FROM (
  SELECT TIMESTAMP 'epoch' + (ev.ts / 1000) * INTERVAL '1 second'
                           + (ev.ts % 1000) * INTERVAL '0.001 second' AS start_time,
         ev.user_id, ev.session_id, ev.item_in_session, ev.level, ev.location, ev.user_agent,
         ev.song, ev.artist, ev.length, s.song_id AS matched_song_id,
         ROW_NUMBER() OVER (
           PARTITION BY ev.session_id, ev.item_in_session, ev.user_id, ev.ts
           ORDER BY ev.file_id, ev.line, s.song_id) AS pick
  FROM (
    SELECT * FROM staging_events WHERE file_id >= {{first_file_id}} AND page = 'NextSong'
    UNION ALL
    SELECT e.* FROM replaced_events r JOIN staging_events e
      ON e.session_id = r.session_id AND e.item_in_session = r.item_in_session AND e.ts = r.ts
     AND COALESCE(e.user_id, 0) = COALESCE(r.user_id, 0)
     AND (CASE WHEN e.user_id IS NULL THEN 1 ELSE 0 END)
         = (CASE WHEN r.user_id IS NULL THEN 1 ELSE 0 END)
    WHERE e.file_id < {{first_file_id}} AND e.page = 'NextSong'
  ) AS ev
  LEFT JOIN staging_songs s
    ON s.title = ev.song AND s.artist_name = ev.artist AND ABS(s.duration - ev.length) < 0.001
) AS e
LEFT JOIN songs m ON m.song_id = e.matched_song_id
LEFT JOIN songplays sp
  ON sp.session_id = e.session_id AND sp.item_in_session = e.item_in_session
 AND sp.start_time = e.start_time
 AND COALESCE(sp.user_id, 0) = COALESCE(e.user_id, 0)
 AND (CASE WHEN sp.user_id IS NULL THEN 1 ELSE 0 END)
     = (CASE WHEN e.user_id IS NULL THEN 1 ELSE 0 END)
WHERE e.pick = 1 AND sp.songplay_id IS NULL;
