-- Each time row's parts agree with its start_time (ISO week; weekday 0 = Sunday).
SELECT start_time, hour, day, week, month, year, weekday FROM time
WHERE hour <> EXTRACT(HOUR FROM start_time)
   OR day <> EXTRACT(DAY FROM start_time)
   OR week <> EXTRACT(WEEK FROM start_time)
   OR month <> EXTRACT(MONTH FROM start_time)
   OR year <> EXTRACT(YEAR FROM start_time)
   OR weekday <> EXTRACT(DOW FROM start_time);
