-- Every user_levels.user_id is a user.
SELECT l.user_id, l.valid_from FROM user_levels l
WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.user_id = l.user_id);
