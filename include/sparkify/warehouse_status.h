// What a warehouse holds, read without changing it: `sparkify status` (row counts, the time the
// plays span, the last runs with their outcome, the ledger per source, the quarantine by reason)
// and `sparkify errors` (the quarantined records, filtered). Only SELECTs, in sql/common and
// sql/<dialect> (status_*.sql, errors_*.sql), so every engine answers the same.
//
// The Format functions render for people (text: every path, reason and raw text with control
// characters escaped, so a hostile file name cannot move the cursor or clear the screen) and for
// tools (one JSON object). All functions use one Engine and are not thread-safe with respect to
// it; the Format functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sparkify/engine.h"
#include "sparkify/status.h"

namespace sparkify {

struct RunSummary {
  int64_t run_id = 0;
  std::string started_at, finished_at;  // ISO 8601 UTC; finished_at empty when unknown
  std::string status;                   // "succeeded" or "failed"
  std::optional<std::string> error;     // a failed run's
  int64_t files = 0;                    // files of this run in the ledger
  int64_t quarantined = 0;              // records of this run in load_errors
};

struct LedgerFiles {
  std::string source;  // "songs", "logs"
  int64_t files = 0;
  int64_t bytes = 0;
  std::optional<int64_t> records;  // unknown for files loaded by Redshift's COPY
};

struct QuarantineReason {
  std::string source;
  std::string reason;
  int64_t records = 0;
};

struct WarehouseStatus {
  std::string engine;
  WarehouseTarget target;
  std::vector<std::pair<std::string, int64_t>> tables;  // rows per table, in report order
  std::optional<std::string> first_play, last_play;     // songplays.start_time, when any
  int64_t runs = 0, failed_runs = 0;
  std::optional<int64_t> last_success;    // run_id of the last run that succeeded
  std::vector<RunSummary> last_runs;      // newest first
  std::vector<LedgerFiles> files;         // per source
  int64_t quarantined = 0;                // rows of load_errors
  std::vector<QuarantineReason> reasons;  // the most frequent first
};

struct StatusOptions {
  int64_t runs = 5;      // how many of the last runs
  int64_t reasons = 10;  // how many reasons of quarantined records
};

// Fails with kInvalidArgument, saying what to run, when the warehouse has no tables.
Result<WarehouseStatus> ReadWarehouseStatus(Engine& engine, const StatusOptions& options = {});
std::string FormatStatusText(const WarehouseStatus& status);
std::string FormatStatusJson(const WarehouseStatus& status);

// Which quarantined records `sparkify errors` lists; an unset filter selects all.
struct ErrorFilter {
  std::optional<int64_t> run_id;
  std::optional<std::string> source;  // "songs" or "logs"
  std::optional<std::string> file;    // a part of the path
  std::optional<std::string> reason;  // a part of the reason
  int64_t limit = 20;                 // at most this many records
};

struct QuarantinedRecord {
  int64_t run_id = 0;
  std::string source, path;
  std::optional<int64_t> line, document, byte_offset;
  std::optional<std::string> field;
  std::string reason;
  std::optional<std::string> raw_text;  // as load_errors stores it (escaped, see raw_text.h)
};

struct QuarantineListing {
  int64_t matching = 0;                    // all the records the filters select
  std::vector<QuarantinedRecord> records;  // the first `limit` of them, in load order
};

Result<QuarantineListing> ReadQuarantine(Engine& engine, const ErrorFilter& filter);
std::string FormatQuarantineText(const QuarantineListing& listing, const ErrorFilter& filter);
std::string FormatQuarantineJson(const QuarantineListing& listing);

// `text` with every control character (C0, DEL, C1) and bidirectional formatting character
// escaped (\n, \t, \r, \xHH, \u{HHHH}) and backslashes doubled: safe to print on a terminal.
std::string PrintableText(std::string_view text);

}  // namespace sparkify
