// A real, throwaway PostgreSQL server for the tests of one executable.
//
// PostgresEnvironment (registered by postgres_fixture.cpp, so linking the file is enough) starts
// one server before the first test and stops it after the last: a fresh cluster (initdb) in a
// temporary folder, listening on a free TCP port of 127.0.0.1 and a private unix socket folder,
// with settings for speed (fsync off, no autovacuum). Nothing depends on a system cluster.
//
// The server refuses to run as root; as root (CI) initdb and postgres run as the `postgres`
// system user, which owns the temporary folder. It stops whatever happens: TearDown and atexit
// stop it, a fatal signal to the test process stops it from the signal handler, and the
// postmaster is told to quit when the test process dies in any other way (PR_SET_PDEATHSIG).
// A folder left behind by a killed test process is removed by a later start, once it is ten
// minutes old and its postmaster is gone.
//
// Binaries: $SPARKIFY_PG_BIN, else /usr/lib/postgresql/15/bin. Without them every test fails
// with a message saying so (install postgresql-15).
//
// The cluster accepts every local connection without a password, except role kPasswordRole,
// which must give kPassword over TCP (scram-sha-256): the tests of password errors use it.
// Not thread-safe, except PgClient objects used from one thread each.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sparkify::testing {

inline constexpr const char* kPasswordRole = "sparkify_pw";
// Has characters a URI must percent-encode, to test that both forms are hidden.
inline constexpr const char* kPassword = "Zq9/s3cr3t@pw";
inline constexpr const char* kPasswordInUri = "Zq9%2Fs3cr3t%40pw";

// Rows as text (NULL as nullopt) with each column's type OID.
struct PgRows {
  std::vector<std::string> columns;
  std::vector<Oid> types;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// A libpq connection for test code: move-only, closed on destruction.
class PgClient {
 public:
  explicit PgClient(const std::string& conninfo);
  bool ok() const;
  std::string error() const;  // the connection's last error, one line
  // Runs SQL; returns "" on success, else the error message.
  std::string Exec(const std::string& sql);
  // Runs a query; fails the current test (and returns no rows) on error.
  PgRows Query(const std::string& sql);
  // The first column of the first row, or "" (and a test failure) when there is none.
  std::string Scalar(const std::string& sql);
  PGconn* get() const { return conn_.get(); }

 private:
  struct Closer {
    void operator()(PGconn* c) const noexcept { PQfinish(c); }
  };
  std::unique_ptr<PGconn, Closer> conn_;
};

class PostgresServer {
 public:
  // Starts a server; on failure returns null and explains in `error`.
  static std::unique_ptr<PostgresServer> Start(std::string& error);
  ~PostgresServer();  // stops the server and removes its folder
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  const std::string& host() const { return host_; }
  int port() const { return port_; }
  // postgresql://USER@127.0.0.1:PORT/DBNAME
  std::string Uri(const std::string& dbname, const std::string& user = "postgres") const;
  // (Re)creates database `name`, empty; returns its URI. Fails the current test on error.
  std::string CreateDatabase(const std::string& name);
  // The last lines of the server's log, for failure messages.
  std::string LogTail() const;

 private:
  PostgresServer() = default;
  void Stop() noexcept;

  std::string dir_;  // temporary folder: data/, socket/, server.log
  std::string host_ = "127.0.0.1";
  int port_ = 0;
  int pid_ = -1;  // the postmaster, our child
};

// The server of this test executable; fails the calling test when it could not start.
PostgresServer& Postgres();

}  // namespace sparkify::testing
