// Engine: the one narrow interface between the pipeline and a warehouse.
//
// An Engine runs SQL, bulk-loads typed rows, and wraps a run in one transaction that also
// holds the warehouse's write lock (so two runs never interleave). What differs between
// engines is data (EngineTraits), not branches on the engine's name in the pipeline.
//
// Implementations: SQLite (embedded, default), PostgreSQL (libpq, COPY), Amazon Redshift (a
// PostgreSQL subclass whose cluster stages the files itself, COPY from S3). An Engine owns its
// connection; it is not thread-safe, and at most one RowWriter may be open at a time (except
// those of skipping_writers()).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sparkify/status.h"

namespace sparkify {

class ServerStaging;  // src/engine/server_staging.h

struct EngineTraits {
  std::string name;  // "sqlite", "postgres", "redshift"
  // Folders of sql/ searched in order for a statement file, most specific first.
  std::vector<std::string> sql_dialects;
  // Whether the warehouse stages the files itself is not a trait: it is server_staging(), the
  // one way to ask.
  // False when the warehouse does not enforce primary keys and unique constraints (Redshift):
  // the pipeline then runs the check_unique_* queries after the transforms and fails the run
  // on a violation, before it commits.
  bool enforces_unique_keys = true;
  // True when a backslash in a string literal is an escape character (Redshift, as
  // PostgreSQL with standard_conforming_strings off): SqlLiteral() then doubles backslashes.
  bool backslash_escapes_in_literals = false;
  // True when the pipeline can build the star rows itself from the event stream (the direct
  // load, pipeline/direct_load.h) and this engine takes them (SQLite, PostgreSQL); false when
  // the warehouse stages the events itself (Redshift).
  bool loads_star_directly = false;
  // Whether several writers may be open at once is not a trait either: it is skipping_writers().
};

// How a command uses the warehouse: kReadOnly (check, status, errors) never creates or changes
// it; a SQLite file or a PostgreSQL schema that does not exist is then an error rather than
// created empty, and PostgreSQL transactions are read-only.
enum class WarehouseAccess { kReadWrite, kReadOnly };

// Where an engine's warehouse is, for reports (etl --json, status): the SQLite file, or the
// server's host, port, database, user and schema. Never a password.
struct WarehouseTarget {
  std::string file;                                // SQLite
  std::string host, port, database, user, schema;  // server engines
};

// Rows of a query, every value as text (NULL as nullopt), in the engine's text rendering.
struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

// Appends typed rows to one table. Values are given column by column, in the column order the
// writer was opened with, then EndRow(). Finish() flushes; a writer dropped without Finish()
// discards what it buffered (the surrounding transaction rolls back anyway).
class RowWriter {
 public:
  virtual ~RowWriter() = default;
  virtual void Null() = 0;
  virtual void Integer(int64_t value) = 0;
  virtual void Real(double value) = 0;
  virtual void Text(std::string_view value) = 0;  // valid UTF-8 without NUL
  virtual Status EndRow() = 0;
  virtual Status Finish() = 0;
  // Rows EndRow() skipped so far because their key was already in the table (a writer opened
  // with SkippingWriters::OpenWriterSkippingDuplicates); 0 for any other writer.
  virtual int64_t rows_skipped() const { return 0; }

  template <typename T>
  void Optional(const std::optional<T>& value) {
    if (!value) {
      Null();
    } else if constexpr (std::is_same_v<T, double>) {
      Real(*value);
    } else if constexpr (std::is_integral_v<T>) {
      Integer(*value);
    } else {
      Text(*value);
    }
  }
};

// Writers of an engine that holds several open at once in the run's transaction, each skipping a
// row whose key is already in its table (SQLite): the direct load then routes each row to its
// tables as it comes. Without them (a PostgreSQL connection carries one COPY at a time) it COPYs
// batches of rows table by table (pipeline/direct_load.h).
class SkippingWriters {
 public:
  virtual ~SkippingWriters() = default;
  // As Engine::OpenWriter, but a row whose key (primary key or unique index) is already in the
  // table is skipped (RowWriter::rows_skipped), not an error; other writers may stay open.
  virtual Result<std::unique_ptr<RowWriter>> OpenWriterSkippingDuplicates(
      std::string_view table, const std::vector<std::string>& columns) = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;
  virtual const EngineTraits& traits() const = 0;
  // Where this engine's warehouse is (the connection's, as libpq resolved it, for servers).
  virtual WarehouseTarget target() const { return {}; }

  // Runs one or more statements separated by semicolons; no result rows.
  virtual Status Execute(std::string_view sql) = 0;
  virtual Result<QueryResult> Query(std::string_view sql) = 0;

  // Starts the run's transaction and takes the warehouse's write lock; fails with kBusy when
  // another run holds it longer than the engine's wait.
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  virtual Result<std::unique_ptr<RowWriter>> OpenWriter(
      std::string_view table, const std::vector<std::string>& columns) = 0;

  // Whether `table` exists (in the engine's schema).
  virtual Result<bool> TableExists(std::string_view table) = 0;

  // The engine's way of staging files on the warehouse side (owned by the engine): non-null when
  // the warehouse reads the files itself (Redshift COPY from S3); null when staging rows pass
  // through this process (RowWriter).
  virtual ServerStaging* server_staging() { return nullptr; }
  // The engine's writers that may be open several at once and skip duplicate keys (owned by the
  // engine): non-null on SQLite, null where a connection carries one load at a time.
  virtual SkippingWriters* skipping_writers() { return nullptr; }
};

}  // namespace sparkify
