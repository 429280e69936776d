#include "engine/postgres_engine.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "base/sql_text.h"
#include "engine/postgres_connection.h"
#include "engine/postgres_copy.h"
#include "engine/sql_catalog.h"

namespace sparkify {
namespace {

using postgres::Connection;
using postgres::ConninfoHandle;
using postgres::CopyType;
using postgres::ResultHandle;

constexpr const char* kSqlstateLockNotAvailable = "55P03";
constexpr const char* kSqlstateQueryCanceled = "57014";
constexpr Oid kTimestampOid = 1114;  // pg_type.oid of timestamp (without time zone)

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
  if (postgres::IsConnectionString(options.conninfo)) {
    char* error = nullptr;
    ConninfoHandle parsed(PQconninfoParse(options.conninfo.c_str(), &error));
    if (!parsed) {
      std::string reason = error ? postgres::OneLine(error) : "out of memory";
      PQfreemem(error);
      return Status::InvalidArgument(
          "invalid " + product +
          " connection string (expected postgresql://user@host:port/dbname or key=value pairs): " +
          session->Scrub(postgres::HideQuoted(reason)));
    }
    for (const PQconninfoOption* o = parsed.get(); o->keyword != nullptr; ++o) {
      if (o->val == nullptr) continue;
      if (std::strcmp(o->keyword, "password") == 0) session->secrets.push_back(o->val);
      if (std::strcmp(o->keyword, "connect_timeout") == 0) string_sets_timeout = true;
    }
    session->secrets.push_back(postgres::UriPassword(options.conninfo));
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
  PQsetNoticeProcessor(session->get(), postgres::IgnoreNotice, nullptr);
  session->where = postgres::Where(session->get());
  if (const char* used = PQpass(session->get())) session->secrets.push_back(used);  // ~/.pgpass
  if (PQstatus(session->get()) != CONNECTION_OK) {
    return Status::EngineError(session->Scrub(
        fmt::format("cannot connect to {} ({}): {}", product, session->where,
                    postgres::ConnectionFailureReason(PQerrorMessage(session->get())))));
  }

  // The schema: created only when missing, so a user without CREATE on the database can use
  // an existing one; a concurrent creation by another run is not an error.
  const std::string schema = session->QuoteIdentifier(options.schema);
  auto found = session->ExecParams("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1",
                                   {options.schema}, product + ": cannot look up schema " + schema);
  if (!found.ok()) return found.status();
  if (PQntuples(found->get()) == 0 && options.read_only) {
    return Status::InvalidArgument(
        fmt::format("{} ({}) has no schema {}: load it with `sparkify run --schema {}` first",
                    product, session->where, options.schema, options.schema));
  }
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
  if (options.read_only && !setup.read_only_setting.empty()) sql += "; " + setup.read_only_setting;
  if (setup.has_lock_timeout) sql += "; SHOW lock_timeout";
  auto settings = session->Exec(sql, product + ": cannot prepare the session");
  if (!settings.ok()) return settings.status();
  session->lock_timeout = setup.has_lock_timeout
                              ? postgres::Value(PQgetvalue(settings->get(), 0, 0))
                              : std::string("0");
  return session;
}

Result<RunLock> PostgresEngine::RunLockFor(const PostgresOptions& options,
                                           const std::string& session_lock_timeout) {
  // Waits at most lock_timeout: the session's own, else lock_wait_ms.
  const std::string& own_timeout = session_lock_timeout;
  const std::map<std::string, std::string> vars = {
      {"key", std::to_string(LockKey(options.schema))},
      {"wait", own_timeout != "0" ? SqlQuote(own_timeout) : std::to_string(options.lock_wait_ms)},
      {"restore", SqlQuote(own_timeout)}};
  if (own_timeout == "0" && options.lock_wait_ms <= 0) {
    // --lock-timeout 0 means "do not wait", as on SQLite; lock_timeout = 0 would mean "wait
    // forever" to PostgreSQL, so the lock is only tried.
    auto sql = LoadSql(Traits().sql_dialects, "try_lock_warehouse", vars);
    if (!sql.ok()) return sql.status();
    auto lock = RunLockFromSql(*sql, "--lock-timeout 0 does not wait");
    if (lock.ok()) lock->only_tries = true;
    return lock;
  }
  auto sql = LoadSql(Traits().sql_dialects, "lock_warehouse", vars);
  if (!sql.ok()) return sql.status();
  return RunLockFromSql(
      *sql, "gave up waiting after " +
                (own_timeout != "0" ? own_timeout : std::to_string(options.lock_wait_ms) + " ms") +
                " (lock_timeout)");
}

Result<std::unique_ptr<Engine>> PostgresEngine::Open(const PostgresOptions& options) {
  auto session = Connect(options);
  if (!session.ok()) return session.status();
  auto lock = RunLockFor(options, (*session)->lock_timeout);
  if (!lock.ok()) return lock.status();
  std::unique_ptr<PostgresEngine> engine(
      new PostgresEngine(Traits(), std::move(session).value(), options));
  engine->set_run_lock(std::move(lock).value());
  return std::unique_ptr<Engine>(std::move(engine));
}

EngineTraits PostgresEngine::Traits() {
  EngineTraits traits;
  traits.name = "postgres";
  traits.sql_dialects = {"postgres", "common"};
  traits.loads_star_directly = true;
  return traits;
}

PostgresEngine::PostgresEngine(EngineTraits traits, SessionPtr session,
                               const PostgresOptions& options)
    : traits_(std::move(traits)), session_(std::move(session)), schema_(options.schema) {}

PostgresEngine::~PostgresEngine() {
  if (in_transaction_) (void)session_->Run("ROLLBACK");
}

WarehouseTarget PostgresEngine::target() const {
  const PGconn* conn = session_->get();
  WarehouseTarget target;
  target.host = postgres::Value(PQhost(conn));
  target.port = postgres::Value(PQport(conn));
  target.database = postgres::Value(PQdb(conn));
  target.user = postgres::Value(PQuser(conn));
  target.schema = schema_;
  return target;
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
  if (run_lock_.lock.empty()) return Status::EngineError(session_->product + ": no run lock");
  if (!run_lock_.before_begin.empty()) {
    SPARKIFY_RETURN_IF_ERROR(Execute(run_lock_.before_begin));
  }
  auto begun = session_->Exec("BEGIN", "cannot start the run");
  if (!begun.ok()) return begun.status();
  in_transaction_ = true;
  Status locked = TakeLock();
  if (!locked.ok()) (void)Rollback();  // the lock's error is the one to report
  return locked;
}

Status PostgresEngine::TakeLock() {
  ResultHandle result = session_->Run(run_lock_.lock);
  const auto busy = [&] {
    return Status::Busy(session_->Scrub(
        fmt::format("another sparkify run holds the warehouse (schema {} on {}); {}; try again "
                    "later",
                    schema_, session_->where, run_lock_.busy_reason)));
  };
  if (Connection::Succeeded(result.get())) {
    if (!run_lock_.only_tries) return Status::Ok();
    const PGresult* r = result.get();
    const bool taken = PQntuples(r) == 1 && std::strcmp(PQgetvalue(r, 0, 0), "t") == 0;
    return taken ? Status::Ok() : busy();
  }
  // A lock wait that gave up: lock_timeout, or statement_timeout (Redshift) cancelling it.
  const char* sqlstate = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  if (sqlstate && (std::strcmp(sqlstate, kSqlstateLockNotAvailable) == 0 ||
                   std::strcmp(sqlstate, kSqlstateQueryCanceled) == 0)) {
    return busy();
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
  if (!result.ok()) return result.status();
  // ROLLBACK undid the SETs that followed the lock: the session would keep the lock's wait.
  return run_lock_.after_rollback.empty() ? Status::Ok() : Execute(run_lock_.after_rollback);
}

std::string RunLockStatements(const RunLock& lock) {
  return lock.before_begin + "BEGIN;\n" + lock.lock;
}

Result<RunLock> RunLockFromSql(const std::string& text, std::string busy_reason) {
  // "BEGIN;" on a line of its own, then the lock statement.
  size_t at = text.rfind("BEGIN;\n", 0) == 0 ? 0 : text.find("\nBEGIN;\n");
  if (at != 0 && at != std::string::npos) ++at;
  const size_t lock_start = at == std::string::npos ? at : at + std::strlen("BEGIN;\n");
  const size_t lock_end = lock_start == std::string::npos ? lock_start : text.find(';', lock_start);
  if (lock_end == std::string::npos) {
    return Status::EngineError(
        "lock_warehouse.sql: expected statements, BEGIN, the lock, statements");
  }
  RunLock lock;
  lock.before_begin = text.substr(0, at);
  // Comments alone (try_lock_warehouse.sql) are no statement to send.
  bool statements = false;
  for (size_t line = 0; line < at && !statements; line = text.find('\n', line) + 1) {
    statements = text.compare(line, 2, "--") != 0 && text[line] != '\n';
  }
  if (!statements) lock.before_begin.clear();
  lock.lock = text.substr(lock_start);
  const size_t rest = text.find_first_not_of(" \n", lock_end + 1);
  if (rest != std::string::npos) lock.after_rollback = text.substr(rest);
  lock.busy_reason = std::move(busy_reason);
  return lock;
}

Result<std::unique_ptr<RowWriter>> PostgresEngine::OpenWriter(
    std::string_view table, const std::vector<std::string>& columns) {
  // The binary format when every column is BIGINT, DOUBLE PRECISION or TEXT (see CopyWriter).
  std::vector<CopyType> types;
  auto attributes = session_->ExecParams(
      "SELECT a.attname, a.atttypid::pg_catalog.int4 FROM pg_catalog.pg_attribute a "
      "WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
      {session_->QuoteIdentifier(table)}, "cannot load " + std::string(table));
  if (!attributes.ok()) return attributes.status();
  for (const std::string& column : columns) {
    std::optional<CopyType> type;
    const PGresult* r = attributes->get();
    for (int i = 0; i < PQntuples(r); ++i) {
      if (column != PQgetvalue(r, i, 0)) continue;
      type = postgres::CopyTypeOf(std::strtol(PQgetvalue(r, i, 1), nullptr, 10));
    }
    if (!type) {
      types.clear();
      break;
    }
    types.push_back(*type);
  }

  std::string sql = "COPY " + session_->QuoteIdentifier(table) + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? ", " : "") + session_->QuoteIdentifier(columns[i]);
  }
  sql += ") FROM STDIN";
  ResultHandle result = session_->Run(types.empty() ? sql : sql + " (FORMAT binary)");
  if (!result || PQresultStatus(result.get()) != PGRES_COPY_IN) {
    return session_->Failure(result.get(), "cannot load " + std::string(table));
  }
  return postgres::NewCopyWriter(*session_, std::string(table), std::move(sql), columns.size(),
                                 std::move(types));
}

Result<bool> PostgresEngine::TableExists(std::string_view table) {
  auto result = session_->ExecParams(
      "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = $2",
      {schema_, std::string(table)}, session_->product + " query failed");
  if (!result.ok()) return result.status();
  return PQntuples(result->get()) > 0;
}

}  // namespace sparkify
