-- The run's lock without waiting (--lock-timeout 0, when the session sets no lock_timeout of its
-- own: lock_timeout 0 would mean waiting forever): true when the lock was free and is now held.
BEGIN;
SELECT pg_try_advisory_xact_lock({{key}});
