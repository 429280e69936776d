// The Sparkify job: create the warehouse, extract and stage both sources, transform them into the
// star schema, and check the result. Each call works on one Engine and is not thread-safe
// with respect to it; RunEtl may use more threads internally.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sparkify/config.h"
#include "sparkify/engine.h"
#include "sparkify/s3_options.h"
#include "sparkify/status.h"

namespace sparkify {

// Opens the engine `config.engine` names (one of EngineKinds(), src/engine/engine_kinds.h).
Result<std::unique_ptr<Engine>> OpenEngine(const Config& config,
                                           WarehouseAccess access = WarehouseAccess::kReadWrite);

// The line a command prints first: the engine, what chose it and where it goes, e.g.
// "engine redshift (from dwh.cfg: [CLUSTER]), host=... port=5439 database=dwh user=dwhuser
// schema=public" (DescribeTarget) or
// "engine sqlite (the default), file sparkify.db". Never a password; connects to nothing.
std::string DescribeWarehouse(const Config& config);

// Drops (when `drop_first`) and creates the staging tables, the ledger and the star schema.
Status CreateTables(Engine& engine, bool drop_first);
// What `CreateTables(engine, true)` would run on the engine `config` names, as SQL text, without
// connecting to or touching anything (create-tables --dry-run).
Result<std::string> CreateTablesStatements(const Config& config);

// How many quarantined records a run accepts before it fails and changes nothing.
struct ErrorBudget {
  std::optional<int64_t> max_count;  // "N": at most N records
  double max_percent = 1.0;          // "P%": at most P percent of the records read (default 1%)
};
// Parses "N" or "P%" (e.g. "100", "0.5%"); the message names the value.
Result<ErrorBudget> ParseErrorBudget(const std::string& text);
// Parses a --max-record-size: bytes, or with a binary unit K/KiB, M/MiB, G/GiB ("64MiB").
Result<size_t> ParseRecordSizeLimit(const std::string& text);

enum class EventLoad {
  kDefault,  // direct where the engine can, unless the warehouse keeps staged events
  kDirect,   // --direct
  kStaged,   // --stage-events
};

struct EtlOptions {
  std::string song_data;  // folder, file or s3:// URI
  std::string log_data;
  bool create_missing_tables = false;  // `run`: create the tables when they are missing
  bool progress = false;               // progress lines on stderr (set for terminals)
  bool full_refresh = false;           // forget everything loaded and load all files again
  std::optional<std::string> since;    // YYYY-MM-DD: only log files dated on or after it
  std::optional<std::string> until;    // YYYY-MM-DD: only log files dated on or before it
  // How the events reach the star schema. The direct load builds songplays, time and users
  // straight from the event stream (engines that load the star themselves: SQLite); the staged
  // load stages them in staging_events first and transforms them in SQL (kept there to audit).
  // A warehouse is loaded one way or the other: by default, the way it was loaded before, and
  // directly when it is new and the engine can.
  EventLoad event_load = EventLoad::kDefault;
  ErrorBudget max_errors;
  // The largest record (one JSON document, or one chunk of text that is not JSON) the decoders
  // accept, in bytes; larger ones are quarantined. Default 16 MiB (--max-record-size).
  size_t max_record_size = size_t{16} << 20;
  S3Options s3;  // for s3:// sources
};

// Per source: every record read ends as loaded, filtered or quarantined.
struct SourceCounts {
  int64_t files = 0;               // files read in this run
  int64_t files_skipped = 0;       // already in the ledger with the same contents
  int64_t files_replaced = 0;      // changed since loaded: their previous version was taken back
  int64_t files_out_of_range = 0;  // log files outside --since/--until
  // Listed entries that are not files to read (dangling links, FIFOs, link loops): each one is
  // also a line of LoadReport::warnings.
  int64_t entries_skipped = 0;
  int64_t bytes = 0;
  int64_t read = 0;
  int64_t loaded = 0;
  int64_t filtered = 0;  // records of a file whose bytes equal an already-loaded file's
  int64_t quarantined = 0;
  // Of `loaded`, the records loaded with a repaired value (README, "Reading the input"), and
  // per field the records whose field was repaired.
  int64_t repaired = 0;
  std::map<std::string, int64_t> repaired_fields;
};

struct LoadReport {
  int64_t run_id = 0;  // 0 when the run failed before it had one
  std::string engine;
  WarehouseTarget target;  // where the warehouse is (no password)
  // ISO 8601 UTC ("2018-11-30T23:00:00Z"); empty when the run did not get that far.
  std::string started_at, finished_at;
  std::optional<std::string> error;  // set when the run failed: its one-line message
  SourceCounts songs;
  SourceCounts logs;
  int64_t songplays_added = 0;            // new songplays rows in this run
  int64_t songplays_matched = 0;          // songplays (all) with a catalog song
  std::map<std::string, int64_t> tables;  // row count per table after the run
  std::vector<std::pair<std::string, double>> phase_seconds;
  double total_seconds = 0;
  std::vector<std::string> first_errors;  // a few quarantine reasons, for the summary
  std::vector<std::string> warnings;      // what the run passed over, one line each
};

// One run and what it did. A run that fails after taking the warehouse's lock (the error
// budget, a source, a statement) rolls back, and is then recorded in etl_runs with status
// 'failed' and its error, in a transaction of its own, when the warehouse can still be written
// (not after a lost connection or on a full disk). A failure before the lock (no tables, busy) is
// not recorded. started_at is when the run got the lock.
struct EtlOutcome {
  Status status;
  LoadReport report;  // also on failure: what the run did before it failed, and report.error
};
EtlOutcome RunEtlReporting(Engine& engine, const EtlOptions& options);
// RunEtlReporting's report, or its error.
Result<LoadReport> RunEtl(Engine& engine, const EtlOptions& options);

// Where the warehouse `config` names is, without connecting (for a report when the engine could
// not be opened): the SQLite file, or host, port, database, user and schema as given.
WarehouseTarget DescribeTarget(const Config& config);

// `etl --dry-run`: RunEtlReporting on the recording engine of the engine `config` names
// (engine/recording_engine.h), as SQL text with comments: a header with what each source gave
// (files, bytes, records), then every statement in order. Queries answer no rows, so it is the
// plan of a first load: into a new warehouse when options.create_missing_tables (`run`), else
// into an empty one. Connects to no warehouse and changes nothing; the sources are listed and,
// where the client loads them, read. An error is the run's. No password or secret key appears
// in it (the IAM role ARN does: it is not a secret).
Result<std::string> PlanEtl(const Config& config, const EtlOptions& options);

// The load report as one JSON object (etl --json, etl_runs.report): status ("succeeded" or
// "failed") and error, sparkify_version, run_id, engine, target, started_at, finished_at, then
// "this_run" (what this run read, loaded and took: sources, songplays added, seconds, first
// errors, warnings) and "warehouse" (totals after the run: rows per table, songplays matched;
// null when the run failed, which changed nothing).
std::string FormatReportJson(const LoadReport& report);
std::string FormatReportText(const LoadReport& report);
// The version of this library ("0.1.0").
const char* SparkifyVersion();

struct CheckResult {
  std::string name;         // e.g. "unique_users"
  std::string description;  // the check's leading comment
  int64_t violations = 0;
  std::vector<std::string> examples;  // up to 5 violating rows, rendered
};

Result<std::vector<CheckResult>> RunChecks(Engine& engine);

}  // namespace sparkify
