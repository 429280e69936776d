// RedshiftEngine: an Amazon Redshift warehouse. Redshift speaks PostgreSQL's protocol, so this is
// a PostgresEngine that overrides only what Redshift does differently:
//
// Connection: a libpq URI or key=value string, or else dwh.cfg's [CLUSTER] HOST, DB_NAME,
// DB_USER, DB_PASSWORD, DB_PORT, as for PostgreSQL, except that TLS is required: sslmode=require
// unless the connection string or PGSSLMODE sets another mode (verify-full, with Redshift's CA
// bundle as sslrootcert, also checks the certificate). The session sets search_path, DateStyle
// ISO and extra_float_digits 2 (Redshift's largest value: 17 significant digits, still exact);
// Redshift has neither lock_timeout nor standard_conforming_strings.
//
// Runs: Redshift has no advisory locks. Begin() (PostgresEngine's, given RunLockFor's statements)
// takes LOCK sparkify_lock (a table of no rows,
// created when missing, before the transaction) as the run's transaction's first statement
// (sql/redshift/lock_warehouse.sql says why); the lock ends with the transaction.
// statement_timeout bounds the wait (the lock wait, --lock-timeout) and is set back to the
// session's value afterwards; a timeout is kBusy, and so is a serializable isolation violation
// (ERROR 1023): another transaction changed the same tables, and the run can simply be repeated.
//
// Data: the cluster stages the files itself (server_staging(): COPY from S3, see
// redshift_staging.h); traits() say keys are not enforced (the pipeline checks uniqueness after
// each run) and a backslash escapes in string literals. OpenWriter() writes rows with multi-row
// INSERT statements (Redshift has no COPY FROM STDIN); the pipeline uses it for small tables only
// (the ledger, rejected records).
//
// Not thread-safe. At most one RowWriter is open at a time; it must not outlive the engine.
#pragma once

#include <memory>
#include <string>

#include "engine/postgres_engine.h"
#include "engine/redshift_staging.h"

namespace sparkify {

struct RedshiftOptions {
  PostgresOptions connection;  // as for PostgreSQL; schema and lock wait included
  RedshiftStagingOptions staging;
};

class RedshiftEngine final : public PostgresEngine {
 public:
  static Result<std::unique_ptr<Engine>> Open(const RedshiftOptions& options);
  static EngineTraits Traits();
  // What Open() runs on a new connection, and Begin() to take the lock, for the golden files.
  static std::string SessionSettings();
  // Begin()'s statements (sql/redshift/lock_warehouse.sql), in order, as text.
  static Result<std::string> BeginStatements(int wait_ms, const std::string& restore);
  // Those statements as the RunLock Begin() runs: waiting up to `lock_wait_ms` (at least 1 ms),
  // then setting statement_timeout back to `restore` (also after every rollback).
  static Result<RunLock> RunLockFor(int lock_wait_ms, const std::string& restore);

  Result<std::unique_ptr<RowWriter>> OpenWriter(std::string_view table,
                                                const std::vector<std::string>& columns) override;
  ServerStaging* server_staging() override { return &staging_; }

 private:
  RedshiftEngine(SessionPtr session, const RedshiftOptions& options);

  RedshiftStaging staging_;
};

// The RowWriter RedshiftEngine::OpenWriter returns, over any engine's Execute(): multi-row
// INSERT ... VALUES statements of about 1 MiB, text quoted for Redshift's literals (backslashes
// doubled). Exposed for the tests that record the statements.
std::unique_ptr<RowWriter> MakeRedshiftInsertWriter(Engine& engine, std::string_view table,
                                                    const std::vector<std::string>& columns);

}  // namespace sparkify
