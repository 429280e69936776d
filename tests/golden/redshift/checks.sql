-- No star table is empty.
SELECT 'songplays' AS empty_table WHERE NOT EXISTS (SELECT 1 FROM songplays)
UNION ALL SELECT 'users' WHERE NOT EXISTS (SELECT 1 FROM users)
UNION ALL SELECT 'songs' WHERE NOT EXISTS (SELECT 1 FROM songs)
UNION ALL SELECT 'artists' WHERE NOT EXISTS (SELECT 1 FROM artists)
UNION ALL SELECT 'time' WHERE NOT EXISTS (SELECT 1 FROM time);
-- Every non-null songplays.artist_id is an artist.
SELECT sp.songplay_id, sp.artist_id FROM songplays sp
WHERE sp.artist_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM artists a WHERE a.artist_id = sp.artist_id);
-- Every non-null songplays.song_id is a song.
SELECT sp.songplay_id, sp.song_id FROM songplays sp
WHERE sp.song_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM songs s WHERE s.song_id = sp.song_id);
-- Every songplays.start_time is in time.
SELECT sp.songplay_id, sp.start_time FROM songplays sp
WHERE NOT EXISTS (SELECT 1 FROM time t WHERE t.start_time = sp.start_time);
-- Every non-null songplays.user_id is a user.
SELECT sp.songplay_id, sp.user_id FROM songplays sp
WHERE sp.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = sp.user_id);
-- Every song's artist is an artist.
SELECT s.song_id, s.artist_id FROM songs s
WHERE NOT EXISTS (SELECT 1 FROM artists a WHERE a.artist_id = s.artist_id);
-- Each time row's parts agree with its start_time (ISO week; weekday 0 = Sunday).
SELECT start_time, hour, day, week, month, year, weekday FROM time
WHERE hour <> EXTRACT(HOUR FROM start_time)
   OR day <> EXTRACT(DAY FROM start_time)
   OR week <> EXTRACT(WEEK FROM start_time)
   OR month <> EXTRACT(MONTH FROM start_time)
   OR year <> EXTRACT(YEAR FROM start_time)
   OR weekday <> EXTRACT(DOW FROM start_time);
-- artists.artist_id is unique (Redshift does not enforce keys, so every engine checks).
SELECT artist_id, COUNT(*) AS copies FROM artists GROUP BY artist_id HAVING COUNT(*) > 1;
-- One songplay per event (session, item in session, user, timestamp).
SELECT session_id, item_in_session, user_id, start_time, COUNT(*) AS copies
FROM songplays
GROUP BY session_id, item_in_session, user_id, start_time
HAVING COUNT(*) > 1;
-- songplays.songplay_id is unique (Redshift does not enforce keys, so every engine checks).
SELECT songplay_id, COUNT(*) AS copies FROM songplays GROUP BY songplay_id HAVING COUNT(*) > 1;
-- songs.song_id is unique (Redshift does not enforce keys, so every engine checks).
SELECT song_id, COUNT(*) AS copies FROM songs GROUP BY song_id HAVING COUNT(*) > 1;
-- time.start_time is unique (Redshift does not enforce keys, so every engine checks).
SELECT start_time, COUNT(*) AS copies FROM time GROUP BY start_time HAVING COUNT(*) > 1;
-- user_levels' key (user, valid_from, the opening event's session and item) is unique (Redshift
-- does not enforce keys, so every engine checks).
SELECT user_id, valid_from, first_session_id, first_item_in_session, COUNT(*) AS copies
FROM user_levels
GROUP BY user_id, valid_from, first_session_id, first_item_in_session
HAVING COUNT(*) > 1;
-- users.user_id is unique (Redshift does not enforce keys, so every engine checks).
SELECT user_id, COUNT(*) AS copies FROM users GROUP BY user_id HAVING COUNT(*) > 1;
-- Every user has exactly one current level stretch (valid_to NULL) in user_levels, and it is
-- users.user_level (NULL included).
SELECT u.user_id, u.user_level, COUNT(l.user_id) AS current_stretches,
       MIN(l.user_level) AS current_level
FROM users u
LEFT JOIN user_levels l ON l.user_id = u.user_id AND l.valid_to IS NULL
GROUP BY u.user_id, u.user_level
HAVING COUNT(l.user_id) <> 1
    OR CASE WHEN u.user_level IS NULL THEN MIN(l.user_level) IS NOT NULL
            WHEN MIN(l.user_level) IS NULL THEN TRUE
            ELSE MIN(l.user_level) <> u.user_level END;
-- Every user_levels.user_id is a user.
SELECT l.user_id, l.valid_from FROM user_levels l
WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = l.user_id);
