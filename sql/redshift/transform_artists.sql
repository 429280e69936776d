-- artists (Redshift): one row per artist_id; each attribute comes from the artist's catalog
-- record with the smallest song_id among those where it is non-empty (latitude and longitude as a
-- pair), as sql/sqlite/transform_artists.sql. Redshift has no ON CONFLICT, and rejects the
-- correlated subqueries in the SELECT list the other dialects use: the touched artists are
-- deleted and inserted again, each attribute picked by ROW_NUMBER over the artist's records.
DELETE FROM artists
WHERE artist_id IN (SELECT artist_id FROM staging_songs WHERE file_id >= {{first_file_id}}
                    UNION SELECT artist_id FROM replaced_songs);

INSERT INTO artists (artist_id, artist, artist_location, artist_latitude, artist_longitude)
SELECT a.artist_id, n.artist_name, l.artist_location, g.artist_latitude, g.artist_longitude
FROM (
  SELECT DISTINCT artist_id FROM staging_songs
  WHERE artist_id IN (SELECT artist_id FROM staging_songs WHERE file_id >= {{first_file_id}}
                      UNION SELECT artist_id FROM replaced_songs)
) AS a
LEFT JOIN (
  SELECT artist_id, artist_name,
         ROW_NUMBER() OVER (PARTITION BY artist_id ORDER BY song_id, file_id, document) AS pick
  FROM staging_songs
  WHERE artist_name <> ''
) AS n ON n.artist_id = a.artist_id AND n.pick = 1
LEFT JOIN (
  SELECT artist_id, artist_location,
         ROW_NUMBER() OVER (PARTITION BY artist_id ORDER BY song_id, file_id, document) AS pick
  FROM staging_songs
  WHERE artist_location <> ''
) AS l ON l.artist_id = a.artist_id AND l.pick = 1
LEFT JOIN (
  SELECT artist_id, artist_latitude, artist_longitude,
         ROW_NUMBER() OVER (PARTITION BY artist_id ORDER BY song_id, file_id, document) AS pick
  FROM staging_songs
  WHERE artist_latitude IS NOT NULL AND artist_longitude IS NOT NULL
) AS g ON g.artist_id = a.artist_id AND g.pick = 1;
