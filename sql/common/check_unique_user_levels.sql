-- user_levels' key (user, valid_from, the opening event's session and item) is unique (Redshift
-- does not enforce keys, so every engine checks).
SELECT user_id, valid_from, first_session_id, first_item_in_session, COUNT(*) AS copies
FROM user_levels
GROUP BY user_id, valid_from, first_session_id, first_item_in_session
HAVING COUNT(*) > 1;
