-- user_levels (Redshift): each user's level history (a type-2 slowly changing dimension), as
-- sql/sqlite/transform_user_levels.sql (the reasons are there): the stretches of each user
-- touched by this run or by a replaced file version are deleted and computed again from all of
-- that user's staged events, an event delivered twice counting once. Without IS DISTINCT FROM,
-- a level differs from the previous one by a CASE that treats NULL as a level of its own.
-- Within one COPY batch (one file id, line 0) which copy of a repeated event counts is not
-- defined, as for users (README).
-- https://docs.aws.amazon.com/redshift/latest/dg/r_WF_LAG.html
-- https://docs.aws.amazon.com/redshift/latest/dg/r_WF_LEAD.html
DELETE FROM user_levels
WHERE user_id IN (SELECT user_id FROM staging_events WHERE file_id >= {{first_file_id}}
                  UNION SELECT user_id FROM replaced_events);

INSERT INTO user_levels (user_id, user_level, valid_from, valid_to, first_session_id,
                         first_item_in_session)
SELECT user_id, level, valid_from,
       LEAD(valid_from) OVER (PARTITION BY user_id ORDER BY ts, session_id, item_in_session),
       session_id, item_in_session
FROM (
  SELECT user_id, level, ts, session_id, item_in_session,
         TIMESTAMP 'epoch' + (ts / 1000) * INTERVAL '1 second'
                           + (ts % 1000) * INTERVAL '0.001 second' AS valid_from
  FROM (
    SELECT user_id, level, ts, session_id, item_in_session,
           ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY ts, session_id, item_in_session)
             AS position,
           LAG(level) OVER (PARTITION BY user_id ORDER BY ts, session_id, item_in_session)
             AS previous_level
    FROM (
      SELECT user_id, level, ts, session_id, item_in_session,
             ROW_NUMBER() OVER (PARTITION BY user_id, ts, session_id, item_in_session
                                ORDER BY file_id, line) AS copy
      FROM staging_events
      WHERE user_id IN (SELECT user_id FROM staging_events WHERE file_id >= {{first_file_id}}
                        UNION SELECT user_id FROM replaced_events)
    ) AS events
    WHERE copy = 1
  ) AS ordered
  WHERE position = 1
     OR CASE WHEN level IS NULL THEN previous_level IS NOT NULL
             WHEN previous_level IS NULL THEN TRUE
             ELSE level <> previous_level END
) AS stretch_starts;
