// The columns of the ledger (load_files) and the quarantine (load_errors) in the order every
// writer of them uses: the stagers, the ledger and Redshift's server-side staging. One
// definition, so that the writers cannot drift apart. Constants only; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace sparkify {

inline const std::vector<std::string> kLedgerColumns = {
    "file_id", "source",   "path",    "size",   "mtime_ns",
    "etag",    "checksum", "records", "run_id", "loaded_at"};

inline const std::vector<std::string> kQuarantineColumns = {
    "run_id",   "file_id",     "source", "path",   "line",
    "document", "byte_offset", "field",  "reason", "raw_text"};

}  // namespace sparkify
