-- Report: quarantined records by reason: per source and field (NULL when the record as a whole
-- was rejected, as malformed JSON), their count and one of their reasons as an example.
SELECT source, field, COUNT(*) AS records, MIN(reason) AS example
FROM load_errors
GROUP BY source, field
ORDER BY COUNT(*) DESC, source, field;
