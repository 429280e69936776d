// PostgresEngine: a PostgreSQL warehouse through libpq.
//
// Connection: a libpq URI or key=value string, or else dwh.cfg's [CLUSTER] keys. Whatever neither
// gives comes from libpq as usual (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGSSLMODE, ...,
// ~/.pgpass, its defaults): the engine sets no connection parameter the user did not give, except
// client_encoding (always UTF8, the encoding of every text the pipeline writes), a default
// application_name and connect_timeout (10 s, unless PGCONNECT_TIMEOUT or the string sets one).
// On connect it creates its schema when missing, makes it the whole search_path and fixes the
// session settings the text of query results depends on (DateStyle ISO, extra_float_digits 3:
// shortest exact doubles, standard_conforming_strings on).
//
// Runs: Begin() takes a transaction-level advisory lock whose key is derived from the schema
// name, so two runs on one schema of one database never interleave (other schemas do not wait).
// A second run waits for the lock up to the session's lock_timeout when the connection sets one
// (options='-c lock_timeout=30s'), else up to PostgresOptions::lock_wait_ms, then fails with
// kBusy; with a wait of 0 the lock is only tried. The lock ends with the transaction, also when
// the connection drops. The statements are sql/postgres/lock_warehouse.sql (try_lock_warehouse
// for no wait), run as a RunLock says.
//
// Bulk loads: COPY ... FROM STDIN, sent in chunks of at most 64 KiB; in binary format when every
// column loaded is BIGINT, DOUBLE PRECISION or TEXT (the staging tables), else in text format.
// Query results are libpq's text, except timestamps: always three fraction digits
// ('2018-11-01 21:01:46.000'), as SQLite stores them.
//
// Errors: every message is one line. Connection failures (refused, authentication, unknown
// database, a connection lost during a statement or a load) name host, port and database; no
// message ever contains the password, whatever libpq says.
//
// Extension: Redshift is PostgreSQL with other types, another COPY and no advisory locks. A
// subclass connects with Connect() and its own SessionSetup (settings, TLS default, the name in
// messages), passes its own traits to the protected constructor, gives its own RunLock
// (set_run_lock) and overrides what differs (OpenWriter, server_staging). Begin, Commit and
// Rollback are the same for every PostgreSQL-based engine.
//
// Not thread-safe. At most one RowWriter is open at a time; it must not outlive the engine.
#pragma once

#include <memory>
#include <string>

#include "sparkify/engine.h"

namespace sparkify {

struct PostgresOptions {
  // A libpq connection URI (postgresql://user@host:port/dbname?sslmode=require) or key=value
  // string ("host=... dbname=..."); a plain word is a database name. When empty, the fields
  // below are used, each only when set.
  std::string conninfo;
  std::string host;
  std::string port;
  std::string dbname;
  std::string user;
  std::string password;  // secret: never part of a message

  std::string schema = "public";  // created when missing; letters, digits and _
  // For commands that only read (check, status, errors): a missing schema is an error rather
  // than created, and the session's transactions are read-only (default_transaction_read_only).
  bool read_only = false;
  // How long Begin() waits for another run's lock when the connection sets no lock_timeout.
  int lock_wait_ms = 10000;
};

// How Begin() takes the run's lock, as statements, and what a failed wait means. Made from a
// dialect's lock_warehouse.sql by RunLockFromSql when the engine opens.
struct RunLock {
  std::string before_begin;  // autocommitted before BEGIN (settings for the wait), may be empty
  std::string lock;  // the transaction's first statements: the one that waits for the lock, then
                     // those that set back what before_begin set (run as one)
  // Run after every rollback, which undoes a SET made inside the transaction: the statements of
  // `lock` after its first.
  std::string after_rollback;
  // Why a failed wait is kBusy, for the message: "gave up waiting after 300 ms (lock_timeout)".
  std::string busy_reason;
  // `lock` only tries: it answers one row, 't' when it took the lock (else kBusy).
  bool only_tries = false;
};

// Splits a lock_warehouse.sql text at its "BEGIN;" line: the statements before it, and the lock
// statement with those after it; an error when the text has no BEGIN followed by a statement.
Result<RunLock> RunLockFromSql(const std::string& text, std::string busy_reason);
// The statements Begin() sends for `lock`, in order, as one text (for plans).
std::string RunLockStatements(const RunLock& lock);

class PostgresEngine : public Engine {
 public:
  // Connects and prepares the session (schema, search_path, settings).
  static Result<std::unique_ptr<Engine>> Open(const PostgresOptions& options);
  // The traits of an engine Open() returns (for plans made without connecting).
  static EngineTraits Traits();
  // The lock Begin() takes on a connection with `options` whose session sets lock_timeout to
  // `session_lock_timeout` ("0": none, the lock then waits options.lock_wait_ms).
  static Result<RunLock> RunLockFor(const PostgresOptions& options,
                                    const std::string& session_lock_timeout);

  ~PostgresEngine() override;
  PostgresEngine(const PostgresEngine&) = delete;
  PostgresEngine& operator=(const PostgresEngine&) = delete;

  const EngineTraits& traits() const override { return traits_; }
  WarehouseTarget target() const override;
  Status Execute(std::string_view sql) override;
  Result<QueryResult> Query(std::string_view sql) override;
  // Runs the RunLock: before_begin, BEGIN, lock; a failed lock rolls back.
  Status Begin() final;
  Status Commit() final;
  Status Rollback() final;  // then the RunLock's after_rollback
  Result<std::unique_ptr<RowWriter>> OpenWriter(std::string_view table,
                                                const std::vector<std::string>& columns) override;
  Result<bool> TableExists(std::string_view table) override;

 protected:
  // The connection and what names it in messages (host, port, database; the secrets to hide).
  // Defined in postgres_engine.cpp; the deleter lets subclasses hold one without its definition.
  class Session;
  struct SessionDeleter {
    void operator()(Session* session) const noexcept;
  };
  using SessionPtr = std::unique_ptr<Session, SessionDeleter>;

  // What differs in the session of a server built on PostgreSQL. The defaults are PostgreSQL's.
  struct SessionSetup {
    std::string product = "PostgreSQL";  // the server's name in messages
    // Run once connected, after SET search_path: the settings the text of results depends on.
    std::string settings =
        "SET DateStyle TO ISO, YMD; SET extra_float_digits TO 3; "
        "SET standard_conforming_strings TO on";
    bool has_lock_timeout = true;  // the server has the lock_timeout setting (read after settings)
    // The sslmode used when neither the connection string nor PGSSLMODE sets one; empty: libpq's.
    std::string default_sslmode;
    // What makes a read-only session's transactions read-only; empty when the server has none.
    std::string read_only_setting = "SET default_transaction_read_only TO on";
  };

  static Result<SessionPtr> Connect(const PostgresOptions& options);
  static Result<SessionPtr> Connect(const PostgresOptions& options, const SessionSetup& setup);
  PostgresEngine(EngineTraits traits, SessionPtr session, const PostgresOptions& options);

  // Replaces the lock Begin() takes (PostgreSQL's advisory lock), for a subclass's own.
  void set_run_lock(RunLock lock) { run_lock_ = std::move(lock); }

 private:
  // Runs the RunLock's lock inside the new transaction: kBusy when the wait gave up.
  Status TakeLock();

  EngineTraits traits_;
  SessionPtr session_;
  std::string schema_;
  RunLock run_lock_;
  bool in_transaction_ = false;
};

inline Result<std::unique_ptr<Engine>> OpenPostgresEngine(const PostgresOptions& options) {
  return PostgresEngine::Open(options);
}

}  // namespace sparkify
