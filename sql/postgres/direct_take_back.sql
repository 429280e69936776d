-- The direct load, after the logs, when changed files replaced versions loaded before
-- (direct_replaced_files), as sql/sqlite/direct_take_back.sql (the reasons are there): what
-- those versions gave songplays, direct_user_events, direct_user_names and time is taken back,
-- and the first remaining copy of each event by file and line (direct_event_copies) takes its
-- place, its song matched again (transform_songplays.sql's match).
SET LOCAL jit = off;  -- see transform_artists.sql

INSERT INTO replaced_plays (start_time)
SELECT DISTINCT start_time FROM songplays
WHERE file_id IN (SELECT file_id FROM direct_replaced_files);

INSERT INTO replaced_user_events (user_id, earliest_ts)
SELECT user_id, (EXTRACT(EPOCH FROM MIN(start_time)) * 1000)::BIGINT
FROM direct_user_events
WHERE file_id IN (SELECT file_id FROM direct_replaced_files)
GROUP BY user_id;

DELETE FROM songplays WHERE file_id IN (SELECT file_id FROM direct_replaced_files);
DELETE FROM direct_user_events WHERE file_id IN (SELECT file_id FROM direct_replaced_files);
DELETE FROM direct_event_copies WHERE file_id IN (SELECT file_id FROM direct_replaced_files);
DELETE FROM direct_user_names WHERE file_id IN (SELECT file_id FROM direct_replaced_files);

-- Copies go in by file and line; one whose event is still held stays a copy.
INSERT INTO songplays (start_time, user_id, song_id, artist_id, session_id, item_in_session,
                       user_level, user_location, user_agent, song_title, artist_name,
                       song_length, file_id, line)
SELECT c.start_time, c.user_id, m.song_id, m.artist_id, c.session_id, c.item_in_session,
       c.user_level, c.user_location, c.user_agent, c.song_title, c.artist_name, c.song_length,
       c.file_id, c.line
FROM (
  SELECT c.*,
         (SELECT MIN(s.song_id COLLATE "C") FROM staging_songs s
           WHERE s.title = c.song_title AND s.artist_name = c.artist_name
             AND ABS(s.duration - c.song_length) < 0.001) AS matched_song_id
  FROM direct_event_copies c
  WHERE c.targets & 1 <> 0
) AS c
LEFT JOIN songs m ON m.song_id = c.matched_song_id
ORDER BY c.file_id, c.line
ON CONFLICT DO NOTHING;

-- (A copy's names are its file's, in direct_user_names, as any event's.)
INSERT INTO direct_user_events (user_id, start_time, session_id, item_in_session, user_level,
                                file_id, line)
SELECT user_id, start_time, session_id, item_in_session, user_level, file_id, line
FROM direct_event_copies
WHERE targets & 4 <> 0
ORDER BY file_id, line
ON CONFLICT DO NOTHING;

-- A copy that went in is a copy no more.
UPDATE direct_event_copies c SET targets = c.targets & ~1
WHERE c.targets & 1 <> 0 AND EXISTS (
  SELECT 1 FROM songplays sp
  WHERE sp.start_time = c.start_time AND sp.session_id = c.session_id
    AND sp.item_in_session = c.item_in_session AND sp.user_id IS NOT DISTINCT FROM c.user_id
    AND sp.file_id = c.file_id AND sp.line = c.line);
UPDATE direct_event_copies c SET targets = c.targets & ~4
WHERE c.targets & 4 <> 0 AND EXISTS (
  SELECT 1 FROM direct_user_events u
  WHERE u.user_id = c.user_id AND u.start_time = c.start_time AND u.session_id = c.session_id
    AND u.item_in_session = c.item_in_session AND u.file_id = c.file_id AND u.line = c.line);
DELETE FROM direct_event_copies WHERE targets & 5 = 0;

-- A start time no play has any more leaves time.
DELETE FROM time
WHERE start_time IN (SELECT start_time FROM replaced_plays)
  AND NOT EXISTS (SELECT 1 FROM songplays sp WHERE sp.start_time = time.start_time);
