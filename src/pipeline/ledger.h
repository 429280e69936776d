// The ledger and quarantine tables as the stagers write them (client-side and server-side), and
// a ledger row as they read it back: one definition, so the two stagers cannot drift apart.
// ReadLedger runs a query on the caller's engine; not thread-safe with other use of that engine.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "sparkify/engine.h"
#include "sparkify/status.h"

namespace sparkify {

inline const std::vector<std::string> kLedgerColumns = {
    "file_id", "source",   "path",    "size",   "mtime_ns",
    "etag",    "checksum", "records", "run_id", "loaded_at"};

inline const std::vector<std::string> kQuarantineColumns = {
    "run_id",   "file_id",     "source", "path",   "line",
    "document", "byte_offset", "field",  "reason", "raw_text"};

// A load_files row: what decides whether a listed file is unchanged, touched or changed.
struct LedgerEntry {
  int64_t file_id = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  std::string etag;
  std::string checksum;
};

// The load_files rows of `source` ("songs" or "logs") by path (sql/common/ledger_read.sql). A
// value that is not the number its column holds is an error naming the column.
Result<std::unordered_map<std::string, LedgerEntry>> ReadLedger(Engine& engine,
                                                                const std::string& source);

}  // namespace sparkify
