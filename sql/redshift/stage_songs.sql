-- The rows a COPY batch loaded into load_songs become staging_songs rows of batch {{file_id}},
-- each with document 0: COPY does not say which file or document a row came from.
INSERT INTO staging_songs (num_songs, artist_id, artist_latitude, artist_longitude,
                           artist_location, artist_name, song_id, title, duration, year, file_id,
                           document)
SELECT num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name,
       song_id, title, duration, year, {{file_id}}, 0
FROM load_songs;
