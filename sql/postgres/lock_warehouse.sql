-- The run's lock: a transaction-level advisory lock whose key is derived from the schema name,
-- so two runs on one schema of one database take turns (other schemas do not wait); it ends
-- with the transaction, also when the connection drops. lock_timeout bounds the wait: set
-- before BEGIN to the wait (the session's own lock_timeout, else --lock-timeout), set back after
-- the lock, and again after a rollback, which undoes a SET made inside the transaction.
SET lock_timeout TO {{wait}};
BEGIN;
SELECT pg_advisory_xact_lock({{key}});
SET lock_timeout TO {{restore}};
