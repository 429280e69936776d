-- One songplay per event (session, item in session, user, timestamp).
SELECT session_id, item_in_session, user_id, start_time, COUNT(*) AS copies
FROM songplays
GROUP BY session_id, item_in_session, user_id, start_time
HAVING COUNT(*) > 1;
