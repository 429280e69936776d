// Ledger: the load_files table of one source, as both stagers use it (the client-side
// SourceStager and the server-side StageOnServer): read it, decide what becomes of a listed file
// (outside the date window, unchanged, touched, new, changed, re-delivered), refresh a touched
// file's metadata, take a changed file's previous version back, and append this run's rows.
// The statements are sql/common/ledger_*.sql and forget_file.sql, with literals quoted as the
// engine reads them (EngineTraits::backslash_escapes_in_literals).
//
// How a file is classified:
//   out of range  its name holds no date within --since/--until (logs only);
//   unchanged     same size, modification time and ETag as its entry: skipped unread;
//   touched       its checksum equals its entry's: only the metadata is refreshed;
//   new           no entry for its path;
//   changed       an entry with another checksum: the previous version is taken back;
//   re-delivered  its checksum equals another loaded file's: recorded, its records filtered.
//
// A Ledger owns a copy of the rows it read. Its const methods may be called from several threads
// at once (the client stager's decoding thread reads it while the writing thread runs); the
// methods that write run statements on the caller's engine and are not thread-safe with other
// use of that engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/load_tables.h"
#include "source/source.h"
#include "sparkify/engine.h"
#include "sparkify/status.h"

namespace sparkify {

// A load_files row: what decides whether a listed file is unchanged, touched or changed.
struct LedgerEntry {
  int64_t file_id = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  std::string etag;
  std::string checksum;
};

// A load_files row this run appends.
struct LedgerRow {
  int64_t file_id = 0;  // the file's id, or the id of the batch it was loaded in
  SourceFile file;
  std::string checksum;
  std::optional<int64_t> records;  // unset when the warehouse loaded the file and did not count
};

// What the ledger says of a listed file once its checksum is known.
enum class LedgerChange {
  kNew,      // not in the ledger
  kTouched,  // same checksum as its entry: refresh the metadata
  kChanged,  // another checksum: take the previous version back, then load it
};

class Ledger {
 public:
  // The load_files rows of `source` ("songs" or "logs") by path (sql/common/ledger_read.sql). A
  // value that is not the number its column holds is an error naming the column.
  static Result<Ledger> Read(Engine& engine, const std::string& source);

  const std::unordered_map<std::string, LedgerEntry>& entries() const { return by_path_; }
  const LedgerEntry* Find(const std::string& path) const;
  // The listing alone shows `file` as loaded: same size, modification time and ETag.
  bool Unchanged(const SourceFile& file) const;
  LedgerChange Classify(const SourceFile& file, const std::string& checksum) const;
  // The checksums of the loaded files, but those of the batches in `taken_back`: a file with
  // one of them is a re-delivery.
  std::unordered_set<std::string> LoadedChecksums(
      const std::unordered_set<int64_t>& taken_back = {}) const;

  // A touched file's new size, modification time and ETag (sql/common/ledger_refresh.sql).
  Status RefreshMetadata(Engine& engine, int64_t file_id, const SourceFile& file) const;
  // Takes back what `file_id` staged, quarantined and recorded with `statement` (its
  // {{file_id}}): sql/common/forget_file.sql, or the direct load's direct_forget_file.sql.
  static Status Forget(Engine& engine, int64_t file_id,
                       const std::string& statement = "forget_file");
  // This run's rows, in one bulk write.
  Status Append(Engine& engine, int64_t run_id, const std::vector<LedgerRow>& rows) const;

 private:
  std::string source_;
  std::unordered_map<std::string, LedgerEntry> by_path_;
};

// The YYYY-MM-DD date in a log file's name ("2018-11-01-events.json"), or empty.
std::string DateInFileName(const std::string& path);

// Whether `path`'s name holds a date within [since, until] (always, when neither is given).
bool InDateWindow(const std::string& path, const std::optional<std::string>& since,
                  const std::optional<std::string>& until);

}  // namespace sparkify
