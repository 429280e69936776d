-- Report: the headline figures, one row. Days are year * 10000 + month * 100 + day from the time
-- table, so no dialect's date functions are needed.
SELECT (SELECT COUNT(*) FROM songplays) AS plays,
       (SELECT COUNT(*) FROM songplays WHERE user_level = 'paid') AS paid_plays,
       (SELECT COUNT(*) FROM songplays WHERE song_id IS NOT NULL) AS matched_plays,
       (SELECT COUNT(DISTINCT user_id) FROM songplays) AS listeners,
       (SELECT COUNT(*) FROM users) AS users,
       (SELECT COUNT(*) FROM users WHERE user_level = 'paid') AS paid_users,
       (SELECT MIN(year * 10000 + month * 100 + day) FROM time) AS first_day,
       (SELECT MAX(year * 10000 + month * 100 + day) FROM time) AS last_day;
