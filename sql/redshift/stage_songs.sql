-- The rows a COPY batch loaded into load_songs become staging_songs rows of batch {{file_id}},
-- each with document 0: COPY does not say which file or document a row came from. A text longer
-- than its staging column (create_tables.sql says why the sizes) quarantines the record, which
-- COPY into load_songs' wide columns neither rejects nor cuts (its file unknown: the manifest
-- stands in).
INSERT INTO load_errors (run_id, file_id, source, path, line, document, byte_offset, field, reason,
                         raw_text)
SELECT {{run_id}}, {{file_id}}, 'songs', {{manifest}}, NULL, NULL, NULL, field,
       field || ': ' || CAST(bytes AS VARCHAR(24)) || ' bytes, longer than the '
       || CAST(max_bytes AS VARCHAR(24)) || ' Redshift keeps',
       'song_id ' || song_id
FROM (
  SELECT song_id,
         CASE WHEN OCTET_LENGTH(title) > 1024 THEN 'title'
              WHEN OCTET_LENGTH(artist_name) > 1024 THEN 'artist_name'
              WHEN OCTET_LENGTH(artist_location) > 512 THEN 'artist_location' END AS field,
         CASE WHEN OCTET_LENGTH(title) > 1024 THEN OCTET_LENGTH(title)
              WHEN OCTET_LENGTH(artist_name) > 1024 THEN OCTET_LENGTH(artist_name)
              ELSE OCTET_LENGTH(artist_location) END AS bytes,
         CASE WHEN OCTET_LENGTH(title) > 1024 OR OCTET_LENGTH(artist_name) > 1024 THEN 1024
              ELSE 512 END AS max_bytes
  FROM load_songs
) AS checked
WHERE field IS NOT NULL;

INSERT INTO staging_songs (num_songs, artist_id, artist_latitude, artist_longitude,
                           artist_location, artist_name, song_id, title, duration, year, file_id,
                           document)
SELECT num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name,
       song_id, title, duration, year, {{file_id}}, 0
FROM load_songs
WHERE COALESCE(OCTET_LENGTH(title), 0) <= 1024 AND COALESCE(OCTET_LENGTH(artist_name), 0) <= 1024
  AND COALESCE(OCTET_LENGTH(artist_location), 0) <= 512;
