// SourceStager: stages one source (songs or logs) inside the run's transaction.
//
// For each listed file it consults the ledger (load_files, ledger.h): a file with the same size and
// modification time (or ETag) is skipped unread; a file whose bytes (XXH3-128) equal its ledger
// entry only has its metadata refreshed; a file whose bytes equal another loaded file's is read
// and its records counted as filtered (a re-delivery under another name); a changed file first
// has its previous version taken back (`forget_file_sql`). Every record of a file that is read
// ends as loaded (a staging row), filtered or quarantined (a load_errors row). Plain files are read
// whole; .gz files are inflated a part at a time (gzip_decode.h), so memory stays bounded by the
// per-record limit whatever they expand to.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/progress.h"
#include "decode/decoders.h"
#include "pipeline/ledger.h"
#include "source/source.h"
#include "sparkify/engine.h"
#include "sparkify/pipeline.h"

namespace sparkify {

struct StagerSettings {
  int64_t run_id = 0;
  std::string source_name;  // "songs" or "logs", as stored in load_files.source
  std::string table;        // staging table
  const std::vector<std::string>* columns = nullptr;
  std::optional<std::string> since{}, until{};  // date window on file names (logs)
  // Opens the writer of the decoded rows; when unset, OpenWriter(table, *columns). `columns`
  // gives the rows' width either way.
  std::function<Result<std::unique_ptr<RowWriter>>()> open_writer{};
  // The statement that takes a changed file's previous version back ({{file_id}} its ledger id):
  // forget_file.sql for staged rows; the direct load's direct_forget_file.sql.
  std::string forget_file_sql = "forget_file";
  // How .gz files are cut into parts, decoded one at a time (gzip_decode.h): the decoder's
  // record boundary and size limit.
  RecordBoundary boundary = RecordBoundary::kLine;
  size_t max_record_size = DocumentStream::kDefaultMaxRecordSize;
};

// What one file's decoding accepted.
struct DecodeCounts {
  int64_t accepted = 0;
  int64_t repaired = 0;                            // accepted records with a repaired value
  std::map<std::string, int64_t> repaired_fields;  // per field: records with it repaired
  // Adds `record` (an EventRecord or SongRecord) to the counts.
  template <typename Record>
  void Accept(const Record& record) {
    ++accepted;
    if (record.repaired_fields == 0) return;
    ++repaired;
    for (unsigned bit = 0; bit < 32; ++bit) {
      if (record.repaired_fields & (uint32_t{1} << bit)) {
        ++repaired_fields[std::string(RepairedFieldName(record, bit))];
      }
    }
  }
};

// Decodes one file's bytes (or, with an `origin`, a part of them: see DocumentStream::Walk) and
// writes its valid records with `writer` (null: count only). Counts each valid record in
// `counts` and calls the reject callback per rejection.
using DecodeInto = std::function<Status(const SourceFile& file, simdjson::padded_string_view data,
                                        int64_t file_id, RowWriter* writer, DecodeCounts& counts,
                                        const OnReject& on_reject, StreamOrigin* origin)>;

class SourceStager {
 public:
  SourceStager(Engine& engine, Progress& progress, StagerSettings settings);
  ~SourceStager();

  // Stages every new or changed file of `source`. `next_file_id` is advanced for each file
  // recorded in the ledger. Rejections go to load_errors and the first few to `first_errors`.
  Status Stage(Source& source, int64_t& next_file_id, const DecodeInto& decode,
               SourceCounts& counts, std::vector<std::string>& first_errors);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sparkify
