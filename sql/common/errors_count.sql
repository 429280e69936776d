-- sparkify errors: how many quarantined records the filters select, all of them.
SELECT COUNT(*) FROM load_errors
{{include errors_filter}};
