-- Every non-null songplays.user_id is a user.
SELECT sp.songplay_id, sp.user_id FROM songplays sp
WHERE sp.user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = sp.user_id);
