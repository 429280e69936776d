-- --direct: the catalog the plays are matched against (transform_songplays.sql's match), read
-- into memory once per run: every staged song that can match, with its song's artist in songs
-- (NULL when songs has no row for it). The duration as text with all its digits: the match
-- compares it to a millisecond, and SQLite's default rendering keeps only 15.
SELECT s.title, s.artist_name, printf('%!.20e', s.duration), s.song_id, m.artist_id
FROM staging_songs s LEFT JOIN songs m ON m.song_id = s.song_id
WHERE s.title IS NOT NULL AND s.artist_name IS NOT NULL AND s.duration IS NOT NULL
