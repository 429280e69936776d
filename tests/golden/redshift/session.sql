-- once connected (the schema is looked up in pg_namespace, created when missing):
SET search_path TO "public"; SET DateStyle TO ISO, YMD; SET extra_float_digits TO 2;
SHOW statement_timeout;
-- Begin(): the run's transaction and lock
-- The run's lock. Redshift has no advisory locks: LOCK takes an ACCESS EXCLUSIVE lock on a table
-- until the transaction ends, "waiting if necessary for any conflicting locks to be released"
-- (r_LOCK.html). The table is sparkify_lock, which holds no rows and which nothing else reads,
-- so runs (and create-tables) take turns without blocking queries of the star schema.
--
-- Order matters. A Redshift transaction takes its snapshot at its first SELECT, DML or CREATE
-- TABLE, so the table is created before BEGIN (in its own, autocommitted statement) and LOCK is
-- the transaction's first statement: a run that waited then sees everything the run before it
-- committed (etl_runs, load_files), instead of a stale snapshot or a serializable isolation
-- violation (ERROR 1023) at commit. Redshift has no lock_timeout: statement_timeout
-- (r_statement_timeout.html), set before BEGIN, bounds the wait, and is set back after the lock
-- (and again after a rollback, which undoes a SET made inside the transaction).
CREATE TABLE IF NOT EXISTS sparkify_lock (run_id BIGINT);
SET statement_timeout TO 10000;
BEGIN;
LOCK sparkify_lock;
SET statement_timeout TO '0';
