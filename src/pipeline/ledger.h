// The ledger and quarantine tables as the stagers write them (client-side and server-side), and
// a ledger row as they read it back: one definition, so the two stagers cannot drift apart.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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

}  // namespace sparkify
