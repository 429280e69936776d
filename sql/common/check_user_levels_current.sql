-- Every user has exactly one current level stretch (valid_to NULL) in user_levels, and it is
-- users.user_level (NULL included).
SELECT u.user_id, u.user_level, COUNT(l.user_id) AS current_stretches,
       MIN(l.user_level) AS current_level
FROM users u
LEFT JOIN user_levels l ON l.user_id = u.user_id AND l.valid_to IS NULL
GROUP BY u.user_id, u.user_level
HAVING COUNT(l.user_id) <> 1
    OR CASE WHEN u.user_level IS NULL THEN MIN(l.user_level) IS NOT NULL
            WHEN MIN(l.user_level) IS NULL THEN TRUE
            ELSE MIN(l.user_level) <> u.user_level END;
