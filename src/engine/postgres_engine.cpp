#include "engine/postgres_engine.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>

namespace sparkify {
namespace {

constexpr size_t kCopyChunk = 64 * 1024;  // bytes per PQputCopyData (see the header)
constexpr const char* kSqlstateLockNotAvailable = "55P03";
constexpr const char* kSqlstateQueryCanceled = "57014";
constexpr Oid kTimestampOid = 1114;  // pg_type.oid of timestamp (without time zone)

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
std::string OneLine(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
      line.remove_prefix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
      line.remove_suffix(1);
    if (!line.empty()) {
      // A new sentence after "; ", a wrapped one ("...abnormally\n\tbefore or...") after " ".
      if (!out.empty()) out += std::isupper(static_cast<unsigned char>(line.front())) ? "; " : " ";
      out += line;
    }
    pos = end + 1;
  }
  for (char& c : out) {
    if (c == '\t' || c == '\r') c = ' ';
  }
  return out;
}

// For a connection string libpq could not parse: its message quotes parts of the string, which
// may be the password, so every quoted part is hidden.
std::string HideQuoted(std::string_view message) {
  std::string out;
  bool quoted = false;
  for (char c : message) {
    if (c == '"') {
      out += quoted ? "\"" : "\"...";
      quoted = !quoted;
    } else if (!quoted) {
      out.push_back(c);
    }
  }
  return out;
}

// The password part of a URI's user info, as written (possibly percent-encoded).
std::string UriPassword(std::string_view uri) {
  const size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = uri.substr(scheme + 3);
  const size_t at = rest.rfind('@', rest.find('/'));
  if (at == std::string_view::npos) return {};
  const size_t colon = rest.substr(0, at).find(':');
  if (colon == std::string_view::npos) return {};
  return std::string(rest.substr(colon + 1, at - colon - 1));
}

std::string Value(const char* text) { return text ? text : ""; }

// Server notices ("table ... does not exist, skipping") are not the library's to print.
void IgnoreNotice(void*, const char*) {}

// The connection and how to describe it. Every message it builds is one line without secrets.
struct Connection {
  ConnectionHandle conn;
  std::string where;                   // host=... port=... dbname=... user=...
  std::vector<std::string> secrets;    // hidden from every message
  std::string lock_timeout;            // the session's lock_timeout, "0" when none
  std::string product = "PostgreSQL";  // the server's name in messages

  PGconn* get() const { return conn.get(); }

  std::string Scrub(std::string text) const {
    for (const std::string& secret : secrets) {
      if (secret.empty()) continue;
      for (size_t pos = text.find(secret); pos != std::string::npos;
           pos = text.find(secret, pos + 3)) {
        text.replace(pos, secret.size(), "***");
      }
    }
    return text;
  }

  // A failed statement or load; `result` may be null (then libpq's connection message counts).
  Status Failure(const PGresult* result, std::string_view what) const {
    if (PQstatus(get()) == CONNECTION_BAD) {
      std::string reason = result ? Value(PQresultErrorMessage(result)) : "";
      if (reason.empty()) reason = Value(PQerrorMessage(get()));
      return Status::EngineError(Scrub(fmt::format("{}: lost the connection to {} ({}): {}", what,
                                                   product, where, OneLine(reason))));
    }
    const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    if (sqlstate == nullptr) {
      std::string reason = result ? Value(PQresultErrorMessage(result)) : "";
      if (reason.empty()) reason = Value(PQerrorMessage(get()));
      return Status::EngineError(Scrub(fmt::format("{}: {}", what, OneLine(reason))));
    }
    std::string message =
        fmt::format("{}: {}", what, Value(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)));
    if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL))
      message += fmt::format("; {}", detail);
    if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT))
      message += fmt::format("; hint: {}", hint);
    if (const char* context = PQresultErrorField(result, PG_DIAG_CONTEXT)) {
      std::string_view first(context);
      message += fmt::format(" ({})", first.substr(0, first.find('\n')));
    }
    message += fmt::format(" [SQLSTATE {}]", sqlstate);
    return Status::EngineError(Scrub(OneLine(message)));
  }

  // Runs `sql` with the simple query protocol (several statements allowed); the result of the
  // last one, or null when libpq could not even send it.
  ResultHandle Run(std::string_view sql) const {
    const std::string text(sql);
    return ResultHandle(PQexec(get(), text.c_str()));
  }

  static bool Succeeded(const PGresult* result) {
    if (result == nullptr) return false;
    const ExecStatusType status = PQresultStatus(result);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;
  }

  Result<ResultHandle> Exec(std::string_view sql, std::string_view what) const {
    ResultHandle result = Run(sql);
    if (!Succeeded(result.get())) return Failure(result.get(), what);
    return result;
  }

  Result<ResultHandle> ExecParams(const char* sql, const std::vector<std::string>& params,
                                  std::string_view what) const {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    ResultHandle result(PQexecParams(get(), sql, static_cast<int>(values.size()), nullptr,
                                     values.data(), nullptr, nullptr, 0));
    if (!Succeeded(result.get())) return Failure(result.get(), what);
    return result;
  }

  std::string QuoteIdentifier(std::string_view name) const {
    char* quoted = PQescapeIdentifier(get(), name.data(), name.size());
    if (quoted == nullptr) return "\"" + std::string(name) + "\"";  // out of memory
    std::string out(quoted);
    PQfreemem(quoted);
    return out;
  }
};

// "host=... port=... dbname=... user=...": where a connection goes, for messages. libpq fills
// in what the user left to its environment and defaults, also after a failed attempt.
std::string Where(const PGconn* conn) {
  std::string host = Value(PQhost(conn));
  if (host.empty()) host = "(default socket)";
  return fmt::format("host={} port={} dbname={} user={}", host, Value(PQport(conn)),
                     Value(PQdb(conn)), Value(PQuser(conn)));
}

// libpq's connection failure without the redundant "connection to server at ..., port ... failed:"
// (our message names host and port already) and the "FATAL:" severity.
std::string ConnectionFailureReason(std::string_view message) {
  std::string text(message);
  const std::string prefix = "connection to server ";
  if (text.rfind(prefix, 0) == 0 && text.find(prefix, prefix.size()) == std::string::npos) {
    const size_t failed = text.find(" failed: ");
    if (failed != std::string::npos) text.erase(0, failed + 9);
  }
  for (const char* severity : {"FATAL:  ", "ERROR:  "}) {
    for (size_t pos = text.find(severity); pos != std::string::npos; pos = text.find(severity))
      text.erase(pos, std::strlen(severity));
  }
  return OneLine(text);
}

// PostgreSQL prints 21:01:46, 21:01:46.8, 21:01:46.796; the warehouse's timestamps have
// milliseconds, printed as SQLite stores them: always three digits.
void MillisecondDigits(std::string& timestamp) {
  if (timestamp.size() < 19 || timestamp[10] != ' ') return;  // not 'YYYY-MM-DD HH:MM:SS...'
  size_t digits = 0;
  if (timestamp.size() > 19 && timestamp[19] == '.') {
    digits = timestamp.size() - 20;
  } else if (timestamp.size() == 19) {
    timestamp.push_back('.');
  } else {
    return;  // BC dates and the like stay as PostgreSQL prints them
  }
  if (digits < 3) timestamp.append(3 - digits, '0');
}

// FNV-1a: a stable advisory lock key for a schema, the same in every sparkify version.
int64_t LockKey(std::string_view schema) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : std::string("sparkify:") + std::string(schema)) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  int64_t key;
  std::memcpy(&key, &hash, sizeof key);
  return key;
}

void AppendCopyText(std::string& out, std::string_view value) {
  size_t start = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char* escaped;
    switch (value[i]) {
      case '\\':
        escaped = "\\\\";
        break;
      case '\t':
        escaped = "\\t";
        break;
      case '\n':
        escaped = "\\n";
        break;
      case '\r':
        escaped = "\\r";
        break;
      default:
        continue;
    }
    out.append(value.data() + start, i - start);
    out.append(escaped, 2);
    start = i + 1;
  }
  out.append(value.data() + start, value.size() - start);
}

// COPY table (columns) FROM STDIN, text format: tab-separated, \N for NULL, backslash escapes.
class CopyWriter final : public RowWriter {
 public:
  CopyWriter(const Connection& connection, std::string table, size_t columns)
      : connection_(connection), what_("loading " + table), columns_(columns) {
    buffer_.reserve(kCopyChunk + 4096);
  }
  ~CopyWriter() override {
    if (!ended_) (void)End("sparkify: load abandoned");
  }
  CopyWriter(const CopyWriter&) = delete;
  CopyWriter& operator=(const CopyWriter&) = delete;

  void Null() override {
    Next();
    buffer_ += "\\N";
  }
  void Integer(int64_t value) override {
    Next();
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    buffer_.append(digits, end);
  }
  void Real(double value) override {
    Next();
    if (std::isnan(value)) {
      buffer_ += "NaN";
    } else if (std::isinf(value)) {
      buffer_ += value > 0 ? "Infinity" : "-Infinity";
    } else {
      fmt::format_to(std::back_inserter(buffer_), "{}", value);  // shortest exact
    }
  }
  void Text(std::string_view value) override {
    Next();
    AppendCopyText(buffer_, value);
  }

  Status EndRow() override {
    if (!status_.ok()) {  // rows after a failure are dropped
      buffer_.clear();
      column_ = 0;
      return status_;
    }
    if (column_ != columns_) {
      status_ = Status::InvalidArgument(fmt::format("{}: row {} has {} values, expected {}", what_,
                                                    rows_ + 1, column_, columns_));
      return status_;
    }
    buffer_.push_back('\n');
    column_ = 0;
    ++rows_;
    if (buffer_.size() >= kCopyChunk) status_ = Send(/*everything=*/false);
    return status_;
  }

  Status Finish() override {
    if (ended_) return status_;
    if (status_.ok() && column_ != 0) {
      status_ = Status::InvalidArgument(
          fmt::format("{}: the last row has {} values and no end", what_, column_));
    }
    if (status_.ok()) status_ = Send(/*everything=*/true);
    if (ended_) return status_;  // Send failed and ended the COPY
    const Status outcome = End(status_.ok() ? nullptr : "sparkify: load abandoned");
    if (status_.ok()) status_ = outcome;
    return status_;
  }

 private:
  void Next() {
    if (column_++ > 0) buffer_.push_back('\t');
  }

  // Sends whole chunks of kCopyChunk bytes (and with `everything`, the rest too).
  Status Send(bool everything) {
    size_t offset = 0;
    while (buffer_.size() - offset >= kCopyChunk || (everything && offset < buffer_.size())) {
      const size_t n = std::min(kCopyChunk, buffer_.size() - offset);
      if (PQputCopyData(connection_.get(), buffer_.data() + offset, static_cast<int>(n)) != 1) {
        buffer_.clear();
        // The server usually refused the data already; its error comes with the COPY's result.
        Status outcome = End("sparkify: COPY data could not be sent");
        return outcome.ok() ? connection_.Failure(nullptr, what_) : outcome;
      }
      offset += n;
    }
    buffer_.erase(0, offset);
    return Status::Ok();
  }

  // Ends the COPY (aborting it when `abort_reason` is set), then reads results until none is
  // left, as libpq requires; the first failure is the outcome.
  Status End(const char* abort_reason) {
    ended_ = true;
    const int sent = PQputCopyEnd(connection_.get(), abort_reason);
    Status outcome;
    for (int i = 0; i < 16; ++i) {  // bounded: a broken connection must not spin
      ResultHandle result(PQgetResult(connection_.get()));
      if (!result) break;
      const ExecStatusType status = PQresultStatus(result.get());
      if (status == PGRES_COMMAND_OK) continue;
      if (status == PGRES_COPY_IN) {  // the end could not be sent: try once more, aborting
        (void)PQputCopyEnd(connection_.get(), "sparkify: load abandoned");
        continue;
      }
      if (outcome.ok()) outcome = connection_.Failure(result.get(), what_);
    }
    if (outcome.ok() && sent != 1) outcome = connection_.Failure(nullptr, what_);
    if (outcome.ok() && abort_reason != nullptr) {
      outcome = Status::EngineError(what_ + ": abandoned");
    }
    return outcome;
  }

  const Connection& connection_;
  std::string what_;
  size_t columns_;
  size_t column_ = 0;
  int64_t rows_ = 0;
  std::string buffer_;
  Status status_;
  bool ended_ = false;
};

}  // namespace

class PostgresEngine::Session : public Connection {};

void PostgresEngine::SessionDeleter::operator()(Session* session) const noexcept { delete session; }

Result<PostgresEngine::SessionPtr> PostgresEngine::Connect(const PostgresOptions& options) {
  return Connect(options, SessionSetup{});
}

Result<PostgresEngine::SessionPtr> PostgresEngine::Connect(const PostgresOptions& options,
                                                           const SessionSetup& setup) {
  const std::string& product = setup.product;
  if (options.schema.empty()) return Status::InvalidArgument(product + ": empty schema name");
  SessionPtr session(new Session);
  session->product = product;
  session->secrets.push_back(options.password);
  if (const char* env = std::getenv("PGPASSWORD")) session->secrets.push_back(env);

  // Parameters in order: an entry after the expanded connection string overrides it, an entry
  // before it is only a default.
  std::vector<std::pair<std::string, std::string>> params;
  bool string_sets_timeout = false;
  // As libpq decides: a URI, or key=value pairs; any other string is a database name.
  const std::string_view info = options.conninfo;
  const bool connection_string = info.rfind("postgresql://", 0) == 0 ||
                                 info.rfind("postgres://", 0) == 0 ||
                                 info.find('=') != std::string_view::npos;
  if (connection_string) {
    char* error = nullptr;
    ConninfoHandle parsed(PQconninfoParse(options.conninfo.c_str(), &error));
    if (!parsed) {
      std::string reason = error ? OneLine(error) : "out of memory";
      PQfreemem(error);
      return Status::InvalidArgument(
          "invalid " + product +
          " connection string (expected postgresql://user@host:port/dbname or key=value pairs): " +
          session->Scrub(HideQuoted(reason)));
    }
    for (const PQconninfoOption* o = parsed.get(); o->keyword != nullptr; ++o) {
      if (o->val == nullptr) continue;
      if (std::strcmp(o->keyword, "password") == 0) session->secrets.push_back(o->val);
      if (std::strcmp(o->keyword, "connect_timeout") == 0) string_sets_timeout = true;
    }
    session->secrets.push_back(UriPassword(options.conninfo));
  }
  if (std::getenv("PGCONNECT_TIMEOUT") == nullptr && !string_sets_timeout) {
    params.emplace_back("connect_timeout", "10");
  }
  // Before the connection string, so that an sslmode in it wins.
  if (!setup.default_sslmode.empty() && std::getenv("PGSSLMODE") == nullptr) {
    params.emplace_back("sslmode", setup.default_sslmode);
  }
  if (!options.conninfo.empty()) {
    params.emplace_back("dbname", options.conninfo);
  } else {
    const std::pair<const char*, const std::string*> fields[] = {{"host", &options.host},
                                                                 {"port", &options.port},
                                                                 {"dbname", &options.dbname},
                                                                 {"user", &options.user},
                                                                 {"password", &options.password}};
    for (const auto& [key, value] : fields) {
      if (!value->empty()) params.emplace_back(key, *value);
    }
  }
  params.emplace_back("client_encoding", "UTF8");
  params.emplace_back("fallback_application_name", "sparkify");

  std::vector<const char*> keys, values;
  for (const auto& [key, value] : params) {
    keys.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  session->conn.reset(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
  if (!session->conn) return Status::EngineError(product + ": out of memory");
  PQsetNoticeProcessor(session->get(), IgnoreNotice, nullptr);
  session->where = Where(session->get());
  if (const char* used = PQpass(session->get())) session->secrets.push_back(used);  // ~/.pgpass
  if (PQstatus(session->get()) != CONNECTION_OK) {
    return Status::EngineError(
        session->Scrub(fmt::format("cannot connect to {} ({}): {}", product, session->where,
                                   ConnectionFailureReason(PQerrorMessage(session->get())))));
  }

  // The schema: created only when missing, so a user without CREATE on the database can use
  // an existing one; a concurrent creation by another run is not an error.
  const std::string schema = session->QuoteIdentifier(options.schema);
  auto found = session->ExecParams("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1",
                                   {options.schema}, product + ": cannot look up schema " + schema);
  if (!found.ok()) return found.status();
  if (PQntuples(found->get()) == 0) {
    ResultHandle created = session->Run("CREATE SCHEMA IF NOT EXISTS " + schema);
    const char* sqlstate = created ? PQresultErrorField(created.get(), PG_DIAG_SQLSTATE) : nullptr;
    const bool raced =
        sqlstate && (std::strcmp(sqlstate, "42P06") == 0 || std::strcmp(sqlstate, "23505") == 0);
    if (!Connection::Succeeded(created.get()) && !raced) {
      return session->Failure(created.get(), product + ": cannot create schema " + schema);
    }
  }
  std::string sql = "SET search_path TO " + schema + "; " + setup.settings;
  if (setup.has_lock_timeout) sql += "; SHOW lock_timeout";
  auto settings = session->Exec(sql, product + ": cannot prepare the session");
  if (!settings.ok()) return settings.status();
  session->lock_timeout =
      setup.has_lock_timeout ? Value(PQgetvalue(settings->get(), 0, 0)) : std::string("0");
  return session;
}

Result<std::unique_ptr<Engine>> PostgresEngine::Open(const PostgresOptions& options) {
  auto session = Connect(options);
  if (!session.ok()) return session.status();
  return std::unique_ptr<Engine>(new PostgresEngine(Traits(), std::move(session).value(), options));
}

EngineTraits PostgresEngine::Traits() {
  EngineTraits traits;
  traits.name = "postgres";
  traits.sql_dialects = {"postgres", "common"};
  return traits;
}

PostgresEngine::PostgresEngine(EngineTraits traits, SessionPtr session,
                               const PostgresOptions& options)
    : traits_(std::move(traits)),
      session_(std::move(session)),
      schema_(options.schema),
      lock_wait_ms_(options.lock_wait_ms) {}

PostgresEngine::~PostgresEngine() {
  if (in_transaction_) (void)session_->Run("ROLLBACK");
}

Status PostgresEngine::Execute(std::string_view sql) {
  auto result = session_->Exec(sql, session_->product + " statement failed");
  return result.ok() ? Status::Ok() : result.status();
}

Result<QueryResult> PostgresEngine::Query(std::string_view sql) {
  auto result = session_->Exec(sql, session_->product + " query failed");
  if (!result.ok()) return result.status();
  const PGresult* r = result->get();
  QueryResult out;
  const int columns = PQnfields(r), rows = PQntuples(r);
  std::vector<bool> timestamp(columns);
  for (int c = 0; c < columns; ++c) {
    out.columns.emplace_back(PQfname(r, c));
    timestamp[c] = PQftype(r, c) == kTimestampOid;
  }
  out.rows.reserve(rows);
  for (int i = 0; i < rows; ++i) {
    auto& row = out.rows.emplace_back();
    row.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(r, i, c)) {
        row.emplace_back(std::nullopt);
      } else {
        std::string value(PQgetvalue(r, i, c), PQgetlength(r, i, c));
        if (timestamp[c]) MillisecondDigits(value);
        row.emplace_back(std::move(value));
      }
    }
  }
  return out;
}

Status PostgresEngine::Begin() {
  auto begun = session_->Exec("BEGIN", "cannot start the run");
  if (!begun.ok()) return begun.status();
  in_transaction_ = true;
  Status locked = LockWarehouse();
  if (!locked.ok()) (void)Rollback();  // the lock's error is the one to report
  return locked;
}

Status PostgresEngine::LockWarehouse() {
  // Waits at most lock_timeout: the session's own, else lock_wait_ms_ for this statement only.
  const bool own_timeout = session_->lock_timeout != "0";
  std::string sql;
  if (!own_timeout) sql += fmt::format("SET LOCAL lock_timeout = '{}ms'; ", lock_wait_ms_);
  sql += fmt::format("SELECT pg_advisory_xact_lock({})", LockKey(schema_));
  if (!own_timeout) sql += "; SET LOCAL lock_timeout TO DEFAULT";
  return TakeLock(sql, own_timeout ? session_->lock_timeout + " (lock_timeout)"
                                   : fmt::format("{} ms (lock_timeout)", lock_wait_ms_));
}

Status PostgresEngine::TakeLock(const std::string& sql, const std::string& waited) {
  ResultHandle result = session_->Run(sql);
  if (Connection::Succeeded(result.get())) return Status::Ok();
  const char* sqlstate = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  if (sqlstate && (std::strcmp(sqlstate, kSqlstateLockNotAvailable) == 0 ||
                   std::strcmp(sqlstate, kSqlstateQueryCanceled) == 0)) {
    return Status::Busy(session_->Scrub(
        fmt::format("another sparkify run holds the warehouse (schema {} on {}); gave up waiting "
                    "after {}; try again later",
                    schema_, session_->where, waited)));
  }
  return session_->Failure(result.get(), "cannot lock the warehouse for the run");
}

Status PostgresEngine::Commit() {
  auto result = session_->Exec("COMMIT", "commit failed");
  in_transaction_ = false;
  if (!result.ok()) return result.status();
  // COMMIT of a transaction that already failed answers ROLLBACK, successfully.
  if (std::strcmp(PQcmdStatus(result->get()), "COMMIT") != 0) {
    return Status::EngineError("commit failed: " + session_->product +
                               " rolled the run's transaction back");
  }
  return Status::Ok();
}

Status PostgresEngine::Rollback() {
  in_transaction_ = false;
  auto result = session_->Exec("ROLLBACK", "rollback failed");
  return result.ok() ? Status::Ok() : result.status();
}

Result<std::unique_ptr<RowWriter>> PostgresEngine::OpenWriter(
    std::string_view table, const std::vector<std::string>& columns) {
  std::string sql = "COPY " + session_->QuoteIdentifier(table) + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? ", " : "") + session_->QuoteIdentifier(columns[i]);
  }
  sql += ") FROM STDIN";
  ResultHandle result = session_->Run(sql);
  if (!result || PQresultStatus(result.get()) != PGRES_COPY_IN) {
    return session_->Failure(result.get(), "cannot load " + std::string(table));
  }
  return std::unique_ptr<RowWriter>(
      std::make_unique<CopyWriter>(*session_, std::string(table), columns.size()));
}

Result<bool> PostgresEngine::TableExists(std::string_view table) {
  auto result = session_->ExecParams(
      "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = $2",
      {schema_, std::string(table)}, session_->product + " query failed");
  if (!result.ok()) return result.status();
  return PQntuples(result->get()) > 0;
}

}  // namespace sparkify
