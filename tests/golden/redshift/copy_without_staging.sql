COPY load_songs (num_songs, artist_id, artist_latitude, artist_longitude, artist_location, artist_name, song_id, title, duration, year)
FROM 's3://sparkify-data/song_data/'
IAM_ROLE 'arn:aws:iam::123456789012:role/dwhRole'
FORMAT AS JSON 'auto'
REGION 'us-west-2'
MAXERROR 11
COMPUPDATE OFF
STATUPDATE OFF;
COPY load_events (artist, auth, first_name, gender, item_in_session, last_name, length, level, location, method, page, registration, session_id, song, status, ts, user_agent, user_id)
FROM 's3://sparkify-data/log_data/'
IAM_ROLE 'arn:aws:iam::123456789012:role/dwhRole'
FORMAT AS JSON 's3://sparkify-data/log_json_path.json'
REGION 'us-west-2'
MAXERROR 11
COMPUPDATE OFF
STATUPDATE OFF;
