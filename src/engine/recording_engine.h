// RecordingEngine: an Engine that runs nothing and records what it is given. Every statement is
// appended to one SQL text (the transcript), in order; queries are answered from a script (by
// default: no rows, so every count is 0 and every MAX is NULL); rows written to it are counted.
//
// It is what a dry run runs on: `--dry-run` is the run itself (RunEtlReporting, CreateTables)
// over the recording engine of the warehouse's kind (EngineKind::plan: the kind's traits, the
// statements its Begin() sends, its row writer and server staging), so the plan cannot drift from
// the run. The Redshift tests record the SQL of whole runs with it, with scripted answers.
//
// Rows: by default a writer appends one comment when it finishes, "-- load N row(s) into t (a,
// b)", and a comment line for each row of the tables in Options::rows_shown (in a plan the ledger
// and the quarantine: the files a run reads, the records it sets aside). Options::open_writer
// replaces that (Redshift: its multi-row INSERT statements, which are SQL the run sends).
//
// Not thread-safe, like every Engine; its writers must not outlive it.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/server_staging.h"
#include "sparkify/engine.h"

namespace sparkify {

class RecordingEngine final : public Engine, public SkippingWriters {
 public:
  // A query's scripted answer (the query's text as sent); std::nullopt for "no rows".
  using Answer = std::function<std::optional<QueryResult>(std::string_view sql)>;
  // What Execute(sql) returns (a test's injected failure); Ok when unset.
  using Failure = std::function<Status(std::string_view sql)>;
  using WriterFactory = std::function<std::unique_ptr<RowWriter>(
      Engine& engine, std::string_view table, const std::vector<std::string>& columns)>;

  struct Options {
    EngineTraits traits;
    // What Begin() records: the statements the engine's Begin() sends to start the run's
    // transaction and take its lock.
    std::string begin;
    WarehouseTarget target;
    bool tables_exist = true;             // what TableExists() answers
    std::vector<std::string> rows_shown;  // tables whose rows the default writer shows
    WriterFactory open_writer;            // unset: the default writer
    // Whether the engine it stands for has skipping_writers() (SQLite); they skip no row here
    // (nothing is in the tables).
    bool skipping_writers = false;
  };

  explicit RecordingEngine(Options options);
  ~RecordingEngine() override;

  const EngineTraits& traits() const override { return options_.traits; }
  WarehouseTarget target() const override { return options_.target; }
  Status Execute(std::string_view sql) override;
  Result<QueryResult> Query(std::string_view sql) override;
  Status Begin() override;
  Status Commit() override;
  Status Rollback() override;
  Result<std::unique_ptr<RowWriter>> OpenWriter(std::string_view table,
                                                const std::vector<std::string>& columns) override;
  Result<std::unique_ptr<RowWriter>> OpenWriterSkippingDuplicates(
      std::string_view table, const std::vector<std::string>& columns) override;
  Result<bool> TableExists(std::string_view table) override;
  ServerStaging* server_staging() override { return staging_; }
  SkippingWriters* skipping_writers() override {
    return options_.skipping_writers ? this : nullptr;
  }

  // Appends `text` as comment lines: what a step does outside the warehouse (S3 uploads).
  void Note(std::string_view text);
  const std::string& transcript() const { return transcript_; }

  void set_answer(Answer answer) { answer_ = std::move(answer); }
  void set_failure(Failure fail) { fail_ = std::move(fail); }
  void set_tables_exist(bool exist) { options_.tables_exist = exist; }
  // The warehouse-side staging server_staging() returns: owned (a plan's), or borrowed (a test's,
  // which must outlive the engine).
  void set_server_staging(std::unique_ptr<ServerStaging> staging);
  void set_server_staging(ServerStaging* staging);

 private:
  void Record(std::string_view sql);

  Options options_;
  Answer answer_;
  Failure fail_;
  std::unique_ptr<ServerStaging> owned_staging_;
  ServerStaging* staging_ = nullptr;
  std::string transcript_;
};

}  // namespace sparkify
