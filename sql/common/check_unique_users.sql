-- users.user_id is unique (Redshift does not enforce keys, so every engine checks).
SELECT user_id, COUNT(*) AS copies FROM users GROUP BY user_id HAVING COUNT(*) > 1;
