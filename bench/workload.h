// Workload: the input folders of a dataset, listed and decoded as the pipeline does, for the
// benchmark tools (parse_only, sqlite_ceiling, bench_decode).
//
// Files are listed by the pipeline's LocalSource (same file rule, path order) and decoded by the
// pipeline's EventDecoder and SongDecoder; a staging row is written with the pipeline's
// WriteEventRow / WriteSongRow, so the rows are exactly the ones `sparkify run` stages (file ids
// here are 1-based positions in the listing, songs first, as in a first run).
// Not thread-safe: one Workload per thread for decoding; listing results may be shared read-only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "decode/decoders.h"
#include "pipeline/direct_load.h"
#include "source/source.h"
#include "sparkify/engine.h"
#include "sparkify/status.h"

namespace sparkify::bench {

enum class InputKind { kSongs, kLogs };

struct DecodeCounts {
  int64_t files = 0;
  int64_t bytes = 0;
  int64_t records = 0;   // valid records
  int64_t rejected = 0;  // quarantined by the decoder
};

// One source folder, listed once.
class InputFolder {
 public:
  static Result<InputFolder> Open(InputKind kind, const std::string& root);

  InputKind kind() const { return kind_; }
  const std::vector<SourceFile>& files() const { return files_; }
  Source& source() const { return *source_; }

 private:
  InputKind kind_ = InputKind::kLogs;
  std::shared_ptr<Source> source_;
  std::vector<SourceFile> files_;
};

// Reads and decodes files with one buffer and one decoder of each kind.
class FileDecoder {
 public:
  // Reads `file` and decodes it. With `rows`, each valid record is also written as a staging row
  // (provenance `file_id` and line or document).
  Status Decode(const InputFolder& folder, const SourceFile& file, int64_t file_id, RowWriter* rows,
                DecodeCounts& counts);

  // From now on, log records are written as the play rows of `sparkify run --direct`
  // (WriteDirectEvent, matched against `state`'s catalog) instead of staging rows.
  void WriteDirectRows(DirectLoadState* state) { direct_ = state; }

 private:
  DirectLoadState* direct_ = nullptr;
  PaddedBuffer buffer_;
  EventDecoder events_;
  SongDecoder songs_;
};

// Seconds of a monotonic clock since an arbitrary start.
double NowSeconds();

}  // namespace sparkify::bench
