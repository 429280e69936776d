// The Sparkify job: create the warehouse, extract and stage both sources, transform them into the
// star schema, and check the result. Each call works on one Engine and is not thread-safe
// with respect to it; RunEtl may use more threads internally.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sparkify/config.h"
#include "sparkify/engine.h"
#include "sparkify/s3_options.h"
#include "sparkify/status.h"

namespace sparkify {

// Opens the engine `config.engine` names (sqlite, postgres).
Result<std::unique_ptr<Engine>> OpenEngine(const Config& config);

// Drops (when `drop_first`) and creates the staging tables, the ledger and the star schema.
Status CreateTables(Engine& engine, bool drop_first);

struct EtlOptions {
  std::string song_data;  // folder, file or s3:// URI
  std::string log_data;
  bool create_missing_tables = false;  // `run`: create the tables when they are missing
  bool progress = false;               // progress lines on stderr (set for terminals)
  S3Options s3;                        // for s3:// sources
};

// Per source: every record read ends as loaded, filtered or quarantined.
struct SourceCounts {
  int64_t files = 0;          // files loaded in this run
  int64_t files_skipped = 0;  // already in the ledger, unchanged
  int64_t bytes = 0;
  int64_t read = 0;
  int64_t loaded = 0;
  int64_t filtered = 0;
  int64_t quarantined = 0;
};

struct LoadReport {
  int64_t run_id = 0;
  std::string engine;
  SourceCounts songs;
  SourceCounts logs;
  int64_t songplays_added = 0;            // new songplays rows in this run
  int64_t songplays_matched = 0;          // songplays (all) with a catalog song
  std::map<std::string, int64_t> tables;  // row count per table after the run
  std::vector<std::pair<std::string, double>> phase_seconds;
  double total_seconds = 0;
  std::vector<std::string> first_errors;  // a few quarantine reasons, for the summary
};

Result<LoadReport> RunEtl(Engine& engine, const EtlOptions& options);

std::string FormatReportJson(const LoadReport& report);
std::string FormatReportText(const LoadReport& report);

struct CheckResult {
  std::string name;         // e.g. "unique_users"
  std::string description;  // the check's leading comment
  int64_t violations = 0;
  std::vector<std::string> examples;  // up to 5 violating rows, rendered
};

Result<std::vector<CheckResult>> RunChecks(Engine& engine);

}  // namespace sparkify
