// The libpq connection of the PostgreSQL and Redshift engines and how to describe it: RAII owners
// of libpq's handles, statements run with one-line failures, and the scrubbing of secrets.
//
// Every message built here is one line and holds no secret: a Connection's `secrets` (the
// password, a URI's password part) are replaced by *** in whatever it reports, and a connection
// string libpq cannot parse is quoted with its quoted parts hidden.
//
// A Connection is used by one thread at a time (engine.h); the free functions are pure.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sparkify/status.h"

namespace sparkify::postgres {

struct ConnectionCloser {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
struct ResultClearer {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
struct ConninfoFreer {
  void operator()(PQconninfoOption* options) const noexcept { PQconninfoFree(options); }
};
using ConnectionHandle = std::unique_ptr<PGconn, ConnectionCloser>;
using ResultHandle = std::unique_ptr<PGresult, ResultClearer>;
using ConninfoHandle = std::unique_ptr<PQconninfoOption, ConninfoFreer>;

// libpq's messages span lines ("...failed: ...\n\tIs the server running...?\n"): one line.
std::string OneLine(std::string_view text);
// For a connection string libpq could not parse: its message quotes parts of the string, which
// may be the password, so every quoted part is hidden.
std::string HideQuoted(std::string_view message);
// The password part of a URI's user info, as written (possibly percent-encoded).
std::string UriPassword(std::string_view uri);
// As libpq decides: a URI or key=value pairs is a connection string; any other text is a
// database name.
bool IsConnectionString(std::string_view conninfo);
// A failure a repeated run would not have (kBusy): PostgreSQL's serialization_failure or
// Redshift's ERROR 1023 (serializable isolation violation), by SQLSTATE or message.
bool IsSerializationFailure(std::string_view sqlstate, std::string_view message);
// A libpq string, "" for a null pointer.
std::string Value(const char* text);
// Server notices ("table ... does not exist, skipping") are not the library's to print.
void IgnoreNotice(void*, const char*);

// The connection and how to describe it. Every message it builds is one line without secrets.
struct Connection {
  ConnectionHandle conn;
  std::string where;                   // host=... port=... dbname=... user=...
  std::vector<std::string> secrets;    // hidden from every message
  std::string lock_timeout;            // the session's lock_timeout, "0" when none
  std::string product = "PostgreSQL";  // the server's name in messages

  PGconn* get() const { return conn.get(); }
  std::string Scrub(std::string text) const;
  // A failed statement or load; `result` may be null (then libpq's connection message counts).
  Status Failure(const PGresult* result, std::string_view what) const;
  // Runs `sql` with the simple query protocol (several statements allowed); the result of the
  // last one, or null when libpq could not even send it.
  ResultHandle Run(std::string_view sql) const;
  static bool Succeeded(const PGresult* result);
  Result<ResultHandle> Exec(std::string_view sql, std::string_view what) const;
  Result<ResultHandle> ExecParams(const char* sql, const std::vector<std::string>& params,
                                  std::string_view what) const;
  std::string QuoteIdentifier(std::string_view name) const;
};

// "host=... port=... dbname=... user=...": where a connection goes, for messages. libpq fills
// in what the user left to its environment and defaults, also after a failed attempt.
std::string Where(const PGconn* conn);
// libpq's connection failure without the redundant "connection to server at ..., port ... failed:"
// (our message names host and port already) and the "FATAL:" severity.
std::string ConnectionFailureReason(std::string_view message);

}  // namespace sparkify::postgres
