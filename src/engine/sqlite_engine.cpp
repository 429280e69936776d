#include "engine/sqlite_engine.h"

#include <sqlite3.h>

#include <filesystem>

namespace sparkify {
namespace {

struct DatabaseCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StatementFinalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using DatabaseHandle = std::unique_ptr<sqlite3, DatabaseCloser>;
using StatementHandle = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

// Every message names the warehouse file: "attempt to write a readonly database" alone does not
// say which one.
Status SqliteError(sqlite3* db, const std::string& path, const std::string& what) {
  const int code = sqlite3_extended_errcode(db) & 0xff;
  std::string message = path + ": " + what + ": " + sqlite3_errmsg(db);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) {
    return Status::Busy(message + " (another sparkify run holds the warehouse; try again later)");
  }
  if (code == SQLITE_FULL) {
    message +=
        " (no room left for the warehouse file or its rollback journal; free some space "
        "and run again)";
  } else if (code == SQLITE_READONLY) {
    message +=
        " (the warehouse file, or its folder where the rollback journal goes, is not "
        "writable)";
  }
  return Status::EngineError(message);
}

class SqliteWriter final : public RowWriter {
 public:
  SqliteWriter(sqlite3* db, const std::string& path, StatementHandle stmt, std::string table,
               bool skips_duplicates)
      : db_(db),
        path_(path),
        stmt_(std::move(stmt)),
        table_(std::move(table)),
        skips_duplicates_(skips_duplicates) {}

  void Null() override { sqlite3_bind_null(stmt_.get(), ++column_); }
  void Integer(int64_t v) override { sqlite3_bind_int64(stmt_.get(), ++column_, v); }
  void Real(double v) override { sqlite3_bind_double(stmt_.get(), ++column_, v); }
  void Text(std::string_view v) override {
    // SQLITE_STATIC: the bytes stay valid until EndRow() has stepped the statement.
    sqlite3_bind_text(stmt_.get(), ++column_, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  Status EndRow() override {
    column_ = 0;
    const int rc = sqlite3_step(stmt_.get());
    sqlite3_reset(stmt_.get());
    if (rc != SQLITE_DONE) return SqliteError(db_, path_, "insert into " + table_);
    // ON CONFLICT DO NOTHING: a skipped row changes nothing.
    if (skips_duplicates_ && sqlite3_changes64(db_) == 0) ++rows_skipped_;
    return Status::Ok();
  }
  Status Finish() override {
    stmt_.reset();
    return Status::Ok();
  }
  int64_t rows_skipped() const override { return rows_skipped_; }

 private:
  sqlite3* db_;
  const std::string& path_;  // the engine's, which outlives its writers
  StatementHandle stmt_;
  std::string table_;
  bool skips_duplicates_;
  int64_t rows_skipped_ = 0;
  int column_ = 0;
};

class SqliteEngine final : public Engine, public SkippingWriters {
 public:
  SqliteEngine(DatabaseHandle db, std::string path)
      : db_(std::move(db)), path_(std::move(path)), traits_(SqliteTraits()) {}
  ~SqliteEngine() override {
    if (in_transaction_) sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }

  const EngineTraits& traits() const override { return traits_; }
  WarehouseTarget target() const override {
    WarehouseTarget target;
    target.file = path_;
    return target;
  }

  Status Execute(std::string_view sql) override {
    const std::string text(sql);
    char* error = nullptr;
    if (sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      sqlite3_free(error);  // the same text as sqlite3_errmsg
      return SqliteError(db_.get(), path_, "SQLite statement failed");
    }
    return Status::Ok();
  }

  Result<QueryResult> Query(std::string_view sql) override {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
        SQLITE_OK) {
      return SqliteError(db_.get(), path_, "SQLite query failed");
    }
    StatementHandle stmt(raw);
    QueryResult result;
    if (!stmt) return result;  // only whitespace or comments
    const int columns = sqlite3_column_count(stmt.get());
    for (int c = 0; c < columns; ++c)
      result.columns.emplace_back(sqlite3_column_name(stmt.get(), c));
    int rc;
    while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
      auto& row = result.rows.emplace_back();
      row.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(stmt.get(), c) == SQLITE_NULL) {
          row.emplace_back(std::nullopt);
        } else {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), c));
          row.emplace_back(std::string(text, sqlite3_column_bytes(stmt.get(), c)));
        }
      }
    }
    if (rc != SQLITE_DONE) return SqliteError(db_.get(), path_, "SQLite query failed");
    return result;
  }

  Status Begin() override {
    if (sqlite3_exec(db_.get(), kSqliteBegin, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqliteError(db_.get(), path_, "cannot start the run");
    }
    in_transaction_ = true;
    return Status::Ok();
  }
  Status Commit() override {
    if (sqlite3_exec(db_.get(), "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqliteError(db_.get(), path_, "commit failed");
    }
    in_transaction_ = false;
    return Status::Ok();
  }
  Status Rollback() override {
    in_transaction_ = false;
    if (sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr) != SQLITE_OK) {
      return SqliteError(db_.get(), path_, "rollback failed");
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<RowWriter>> OpenWriter(std::string_view table,
                                                const std::vector<std::string>& columns) override {
    return OpenInsert(table, columns, "");
  }
  Result<std::unique_ptr<RowWriter>> OpenWriterSkippingDuplicates(
      std::string_view table, const std::vector<std::string>& columns) override {
    return OpenInsert(table, columns, " ON CONFLICT DO NOTHING");
  }
  SkippingWriters* skipping_writers() override { return this; }

  Result<bool> TableExists(std::string_view table) override {
    auto rows = Query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" +
                      std::string(table) + "'");
    if (!rows.ok()) return rows.status();
    return !rows->rows.empty();
  }

 private:
  // One prepared INSERT per writer; several may be open at once (they share the transaction).
  Result<std::unique_ptr<RowWriter>> OpenInsert(std::string_view table,
                                                const std::vector<std::string>& columns,
                                                std::string_view on_conflict) {
    std::string sql = "INSERT INTO " + std::string(table) + " (";
    std::string params;
    for (size_t i = 0; i < columns.size(); ++i) {
      sql += (i ? ", " : "") + columns[i];
      params += i ? ", ?" : "?";
    }
    sql += ") VALUES (" + params + ")" + std::string(on_conflict);
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
      return SqliteError(db_.get(), path_, "cannot prepare insert into " + std::string(table));
    }
    return std::unique_ptr<RowWriter>(std::make_unique<SqliteWriter>(
        db_.get(), path_, StatementHandle(raw), std::string(table), !on_conflict.empty()));
  }

  DatabaseHandle db_;
  std::string path_;  // the warehouse file, named by every message
  EngineTraits traits_;
  bool in_transaction_ = false;
};

}  // namespace

EngineTraits SqliteTraits() {
  EngineTraits traits;
  traits.name = "sqlite";
  traits.sql_dialects = {"sqlite", "common"};
  traits.loads_star_directly = true;
  return traits;
}

Result<std::unique_ptr<Engine>> OpenSqliteEngine(const SqliteOptions& options) {
  // No memory statistics: they take a global mutex on every allocation. Only possible before
  // SQLite initializes; later calls fail harmlessly.
  static const int no_memstatus = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)no_memstatus;
  sqlite3* raw = nullptr;
  // NOMUTEX: an Engine is used by one thread at a time (engine.h), so the connection's mutex,
  // taken by every bind and step, would only cost time (about 4% of a --direct load).
  const int mode =
      options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  const int rc = sqlite3_open_v2(options.path.c_str(), &raw, mode | SQLITE_OPEN_NOMUTEX, nullptr);
  DatabaseHandle db(raw);
  if (rc == SQLITE_CANTOPEN && options.read_only && !std::filesystem::exists(options.path)) {
    return Status::InvalidArgument(options.path +
                                   ": no such warehouse (load one with 'sparkify etl' first)");
  }
  if (rc != SQLITE_OK) {
    return Status::EngineError(options.path + ": cannot open SQLite database: " +
                               (raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(db.get(), options.busy_timeout_ms);
  // A read-only connection sets only what reading needs (page_size and journal_mode write).
  const std::string pragmas =
      options.read_only
          ? "PRAGMA temp_store = MEMORY;"
          :
          // 16 KiB pages (taken when the file is created) cost about 10% less CPU than 4 KiB ones
          // on a bulk load: fewer pages to allocate, split and write (docs/BENCHMARKS.md).
          "PRAGMA page_size = 16384; PRAGMA journal_mode = DELETE; PRAGMA synchronous = NORMAL; "
          "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -" +
              std::to_string(options.cache_mib * 1024) + ";";
  if (sqlite3_exec(db.get(), pragmas.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteError(db.get(), options.path, "cannot set up the connection");
  }
  return std::unique_ptr<Engine>(std::make_unique<SqliteEngine>(std::move(db), options.path));
}

}  // namespace sparkify
