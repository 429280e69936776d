-- Report: level changes per day, from user_levels (a type 2 slowly changing dimension): a
-- stretch that follows another of the same user (whose valid_to is its valid_from) is a change
-- to its level; a user's first stretch is none, also when it lasted no time (two events in one
-- millisecond) and so ends where it starts: a predecessor starts earlier or has another level. TO_CHAR is PostgreSQL's and Redshift's.
SELECT TO_CHAR(ul.valid_from, 'YYYY-MM-DD') AS day,
       SUM(CASE WHEN ul.user_level = 'paid' THEN 1 ELSE 0 END) AS to_paid,
       SUM(CASE WHEN ul.user_level = 'paid' THEN 0 ELSE 1 END) AS to_free
FROM user_levels ul
WHERE EXISTS (SELECT 1 FROM user_levels p
              WHERE p.user_id = ul.user_id AND p.valid_to = ul.valid_from
                AND (p.valid_from < ul.valid_from
                     OR COALESCE(p.user_level, '') <> COALESCE(ul.user_level, '')))
GROUP BY TO_CHAR(ul.valid_from, 'YYYY-MM-DD')
ORDER BY day;
