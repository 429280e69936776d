-- The direct load: the catalog the plays are matched against (transform_songplays.sql's match),
-- read into memory once per run: every staged song that can match, with its song's artist in
-- songs (NULL when songs has no row for it). A double's text is its shortest exact form
-- (extra_float_digits 1, the default), so the millisecond comparison sees the stored value.
SELECT s.title, s.artist_name, s.duration::TEXT, s.song_id, m.artist_id
FROM staging_songs s LEFT JOIN songs m ON m.song_id = s.song_id
WHERE s.title IS NOT NULL AND s.artist_name IS NOT NULL AND s.duration IS NOT NULL
