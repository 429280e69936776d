#include "engine/redshift_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "base/sql_text.h"
#include "engine/sql_catalog.h"

namespace sparkify {
namespace {

// Rows per INSERT statement are bounded by its size (Redshift's limit is 16 MB a statement).
constexpr size_t kInsertBytes = 1 << 20;

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    out.push_back(c);
    if (c == '"') out.push_back('"');
  }
  return out + "\"";
}

// Appends rows with multi-row INSERT ... VALUES statements, run when about 1 MiB is buffered and
// at Finish(). Text is quoted for Redshift's literals (backslashes doubled).
class InsertWriter final : public RowWriter {
 public:
  InsertWriter(Engine& engine, std::string_view table, const std::vector<std::string>& columns)
      : engine_(engine), what_("loading " + std::string(table)), columns_(columns.size()) {
    head_ = "INSERT INTO " + QuoteIdentifier(table) + " (";
    for (size_t i = 0; i < columns.size(); ++i) {
      head_ += (i ? ", " : "") + QuoteIdentifier(columns[i]);
    }
    head_ += ") VALUES\n";
  }

  void Null() override { Next("NULL"); }
  void Integer(int64_t value) override { Next(std::to_string(value)); }
  void Real(double value) override {
    if (std::isnan(value)) {
      Next("CAST('NaN' AS DOUBLE PRECISION)");
    } else if (std::isinf(value)) {
      Next(value > 0 ? "CAST('Infinity' AS DOUBLE PRECISION)"
                     : "CAST('-Infinity' AS DOUBLE PRECISION)");
    } else {
      Next(fmt::format("CAST({} AS DOUBLE PRECISION)", value));  // shortest exact
    }
  }
  void Text(std::string_view value) override { Next(SqlQuote(value, /*backslash_escapes=*/true)); }

  Status EndRow() override {
    if (!status_.ok()) return status_;
    if (column_ != columns_) {
      status_ = Status::InvalidArgument(fmt::format("{}: row {} has {} values, expected {}", what_,
                                                    rows_ + 1, column_, columns_));
      return status_;
    }
    values_ += ")";
    column_ = 0;
    ++rows_;
    if (values_.size() >= kInsertBytes) status_ = Flush();
    return status_;
  }

  Status Finish() override {
    if (status_.ok() && column_ != 0) {
      status_ = Status::InvalidArgument(
          fmt::format("{}: the last row has {} values and no end", what_, column_));
    }
    if (status_.ok()) status_ = Flush();
    return status_;
  }

 private:
  void Next(std::string_view value) {
    values_ += column_++ == 0 ? (values_.empty() ? "(" : ",\n(") : ", ";
    values_ += value;
  }

  Status Flush() {
    if (values_.empty()) return Status::Ok();
    Status status = engine_.Execute(head_ + values_).WithContext(what_);
    values_.clear();
    return status;
  }

  Engine& engine_;
  std::string what_;
  size_t columns_;
  std::string head_;
  std::string values_;  // "(...),\n(..." of the rows not yet inserted
  size_t column_ = 0;
  int64_t rows_ = 0;
  Status status_;
};

}  // namespace

EngineTraits RedshiftEngine::Traits() {
  EngineTraits traits;
  traits.name = "redshift";
  traits.sql_dialects = {"redshift", "postgres", "common"};
  traits.enforces_unique_keys = false;
  traits.backslash_escapes_in_literals = true;
  return traits;
}

std::string RedshiftEngine::SessionSettings() {
  // extra_float_digits: Redshift accepts -15 to 2 (r_extra_float_digits.html); DateStyle: the
  // format of timestamps in results (r_datestyle.html).
  return "SET DateStyle TO ISO, YMD; SET extra_float_digits TO 2";
}

Result<std::string> RedshiftEngine::BeginStatements(int wait_ms, const std::string& restore) {
  return LoadSql(Traits().sql_dialects, "lock_warehouse",
                 {{"wait_ms", std::to_string(wait_ms)}, {"restore_ms", SqlQuote(restore, true)}});
}

Result<std::unique_ptr<Engine>> RedshiftEngine::Open(const RedshiftOptions& options) {
  SessionSetup setup;
  setup.product = "Redshift";
  setup.settings = SessionSettings();
  setup.has_lock_timeout = false;
  setup.default_sslmode = "require";
  setup.read_only_setting = "";  // not a Redshift setting: check, status and errors only SELECT
  auto session = Connect(options.connection, setup);
  if (!session.ok()) return session.status();
  std::unique_ptr<RedshiftEngine> engine(new RedshiftEngine(std::move(session).value(), options));
  // Outside any transaction, so that a missing view fails only this statement.
  if (!engine->Query("SELECT 1 FROM sys_load_error_detail LIMIT 0").ok()) {
    engine->staging_.ReadRejectionsFromStl();
  }
  auto timeout = engine->Query("SHOW statement_timeout");
  if (!timeout.ok()) return timeout.status();
  std::string statement_timeout = "0";  // the session's, restored after the lock wait
  if (!timeout->rows.empty() && !timeout->rows[0].empty() && timeout->rows[0][0]) {
    statement_timeout = *timeout->rows[0][0];
  }
  auto lock = RunLockFor(options.connection.lock_wait_ms, statement_timeout);
  if (!lock.ok()) return lock.status();
  engine->set_run_lock(std::move(lock).value());
  return std::unique_ptr<Engine>(std::move(engine));
}

RedshiftEngine::RedshiftEngine(SessionPtr session, const RedshiftOptions& options)
    : PostgresEngine(Traits(), std::move(session), options.connection),
      staging_(options.staging, *this) {}

Result<RunLock> RedshiftEngine::RunLockFor(int lock_wait_ms, const std::string& restore) {
  // statement_timeout 0 would mean no limit: --lock-timeout 0 waits 1 ms.
  auto text = BeginStatements(std::max(lock_wait_ms, 1), restore);
  if (!text.ok()) return text.status();
  return RunLockFromSql(
      *text, fmt::format("gave up waiting after {} ms (statement_timeout)", lock_wait_ms));
}

Result<std::unique_ptr<RowWriter>> RedshiftEngine::OpenWriter(
    std::string_view table, const std::vector<std::string>& columns) {
  return MakeRedshiftInsertWriter(*this, table, columns);
}

std::unique_ptr<RowWriter> MakeRedshiftInsertWriter(Engine& engine, std::string_view table,
                                                    const std::vector<std::string>& columns) {
  return std::make_unique<InsertWriter>(engine, table, columns);
}

}  // namespace sparkify
