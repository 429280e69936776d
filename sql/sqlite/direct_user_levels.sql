-- --direct: user_levels as transform_user_levels.sql makes them (the reasons are there), from
-- direct_user_events instead of staging_events: the stretches of this run's users (run_users)
-- are deleted and computed again from all of their events, each there once with its first
-- copy's level. start_time orders as ts does (fixed-width UTC text).
DELETE FROM user_levels WHERE user_id IN (SELECT user_id FROM run_users);

INSERT INTO user_levels (user_id, user_level, valid_from, valid_to, first_session_id,
                         first_item_in_session)
SELECT user_id, user_level, start_time,
       LEAD(start_time) OVER (PARTITION BY user_id
                              ORDER BY start_time, session_id, item_in_session),
       session_id, item_in_session
FROM (
  SELECT user_id, user_level, start_time, session_id, item_in_session,
         ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY start_time, session_id, item_in_session)
           AS position,
         LAG(user_level) OVER (PARTITION BY user_id
                               ORDER BY start_time, session_id, item_in_session)
           AS previous_level
  FROM direct_user_events
  WHERE user_id IN (SELECT user_id FROM run_users)
) AS ordered
WHERE position = 1 OR user_level IS NOT previous_level;
