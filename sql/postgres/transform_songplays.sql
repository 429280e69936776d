-- songplays: one row per distinct NextSong event (session, item in session, user, timestamp),
-- whether or not the catalog knows the song. The song matches when title and artist name are
-- equal and the durations differ by less than a millisecond; among several matches the smallest
-- song_id (byte order, COLLATE "C", as sql/sqlite) wins. A play is matched against the catalog
-- loaded so far (each run stages songs before logs); --full-refresh re-matches everything. An
-- event already in songplays (a re-delivered file) is not added again; among copies of one
-- event the first by file and line gives the attributes.
-- ts (epoch milliseconds) becomes a TIMESTAMP exactly: whole days plus the milliseconds left,
-- so no floating-point product of a large number is involved.

{{include rematch_songplays}}

-- Plays a replaced file version contributed are taken back, then rebuilt from what is staged.
DELETE FROM songplays sp USING replaced_events r
WHERE sp.session_id = r.session_id AND sp.item_in_session = r.item_in_session
  AND sp.user_id IS NOT DISTINCT FROM r.user_id
  AND sp.start_time = TIMESTAMP 'epoch' + (r.ts / 86400000) * INTERVAL '1 day'
                      + (r.ts % 86400000) * INTERVAL '1 millisecond';

-- The plays in one pass: the catalog match is a hash join (each event against the staged
-- records of its title and artist, with their songs row; the records are a materialized CTE so
-- that the planner cannot probe staging_songs_title once per play instead), then one sort by event, then file and
-- line, then song_id keeps the first copy of each event with its smallest matching song; the
-- sort starts with ts, so the rows arrive in start_time order for songplays_event. Events already
-- in songplays are left out by an anti-join (the rows inserted are distinct events, so a plain
-- INSERT does what ON CONFLICT DO NOTHING did, without its per-row speculative insertion).
-- Memory for that sort; a merge join would sort every play by title and artist text instead.
SET LOCAL work_mem = '256MB';
SET LOCAL enable_mergejoin = off;
SET LOCAL jit = off;  -- see transform_artists.sql

WITH catalog AS MATERIALIZED (
  SELECT s.title, s.artist_name, s.duration, s.song_id AS staged_song_id, m.song_id, m.artist_id
  FROM staging_songs s LEFT JOIN songs m ON m.song_id = s.song_id
)
INSERT INTO songplays (start_time, user_id, song_id, artist_id, session_id, item_in_session,
                       user_level, user_location, user_agent, song_title, artist_name,
                       song_length, file_id, line)
SELECT e.start_time, e.user_id, e.song_id, e.artist_id, e.session_id, e.item_in_session,
       e.level, e.location, e.user_agent, e.song, e.artist, e.length, e.file_id, e.line
FROM (
  SELECT DISTINCT ON (ev.ts, ev.session_id, ev.item_in_session, ev.user_id)
         TIMESTAMP 'epoch' + (ev.ts / 86400000) * INTERVAL '1 day'
           + (ev.ts % 86400000) * INTERVAL '1 millisecond' AS start_time,
         ev.user_id, ev.session_id, ev.item_in_session, ev.level, ev.location, ev.user_agent,
         ev.song, ev.artist, ev.length, c.song_id, c.artist_id, ev.file_id, ev.line
  FROM (
    SELECT * FROM staging_events WHERE file_id >= {{first_file_id}} AND page = 'NextSong'
    UNION ALL
    SELECT e.* FROM replaced_events r JOIN staging_events e
      ON e.user_id IS NOT DISTINCT FROM r.user_id AND e.ts = r.ts
     AND e.session_id = r.session_id AND e.item_in_session = r.item_in_session
    WHERE e.file_id < {{first_file_id}} AND e.page = 'NextSong'
  ) AS ev
  LEFT JOIN catalog AS c
    ON c.title = ev.song AND c.artist_name = ev.artist AND ABS(c.duration - ev.length) < 0.001
  ORDER BY ev.ts, ev.session_id, ev.item_in_session, ev.user_id, ev.file_id, ev.line,
           c.staged_song_id COLLATE "C"
) AS e
WHERE NOT EXISTS (
  SELECT 1 FROM songplays sp
  WHERE sp.start_time = e.start_time AND sp.session_id = e.session_id
    AND sp.item_in_session = e.item_in_session AND sp.user_id IS NOT DISTINCT FROM e.user_id);

SET LOCAL enable_mergejoin TO DEFAULT;
