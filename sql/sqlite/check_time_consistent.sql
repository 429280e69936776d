-- Each time row's parts agree with its start_time (ISO week; weekday 0 = Sunday).
SELECT start_time, hour, day, week, month, year, weekday FROM time
WHERE hour <> CAST(strftime('%H', start_time) AS INTEGER)
   OR day <> CAST(strftime('%d', start_time) AS INTEGER)
   OR week <> (CAST(strftime('%j', date(start_time, '-3 days', 'weekday 4')) AS INTEGER) - 1) / 7 + 1
   OR month <> CAST(strftime('%m', start_time) AS INTEGER)
   OR year <> CAST(strftime('%Y', start_time) AS INTEGER)
   OR weekday <> CAST(strftime('%w', start_time) AS INTEGER);
