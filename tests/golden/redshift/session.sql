-- once connected (the schema is looked up in pg_namespace, created when missing):
SET search_path TO "public"; SET DateStyle TO ISO, YMD; SET extra_float_digits TO 2;
SHOW statement_timeout;
-- Begin(): the run's transaction and lock
BEGIN;
-- The run's lock. Redshift has no advisory locks: LOCK takes an ACCESS EXCLUSIVE lock on a table
-- until the transaction ends, "waiting if necessary for any conflicting locks to be released"
-- (r_LOCK.html). The table is sparkify_lock, which holds no rows and which nothing else reads,
-- so runs (and create-tables) take turns without blocking queries of the star schema; it is
-- created when missing, since create-tables takes the lock before any table exists (two very
-- first runs of a new schema may then both try to create it: one waits, then fails). Redshift has
-- no lock_timeout: statement_timeout (r_statement_timeout.html) bounds the wait, then is set back.
SET statement_timeout TO 10000;
CREATE TABLE IF NOT EXISTS sparkify_lock (run_id BIGINT);
LOCK sparkify_lock;
SET statement_timeout TO '0';
