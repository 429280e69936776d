// ServerStaging: staging input files on the warehouse side, for engines whose server_staging()
// is not null (Amazon Redshift: the cluster reads the files from S3 with COPY).
//
// The work is split. The pipeline (src/pipeline/server_stager.cpp) lists the sources and keeps
// the ledger logic of client-side staging: which files are new, unchanged, changed or
// re-delivered, by path, size, modification time and ETag or checksum; it writes the ledger
// rows. The engine loads the files it is given into the staging table as one batch: every
// staged row and every quarantined record carries the batch's file id, because a COPY does not
// tag its rows with the file they came from. A batch is therefore the unit the warehouse can
// take back when one of its files changes.
//
// Load() runs inside the run's transaction, on the caller's thread; not thread-safe. In a dry run
// it runs on a RecordingEngine (recording_engine.h), which records its statements.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "source/source.h"
#include "sparkify/s3_options.h"
#include "sparkify/status.h"

namespace sparkify {

struct ServerLoadRequest {
  std::string source;  // "songs" or "logs", as in load_files.source and load_errors.source
  std::string table;   // the staging table: staging_songs or staging_events
  int64_t run_id = 0;
  int64_t file_id = 0;  // the batch's file id
  // Names this run's objects in the staging location (manifests, uploads), e.g.
  // "run-7-20181101T000000Z"; unique per run so two warehouses sharing it never mix.
  std::string token;
  // Where the source's files were listed (--song-data / --log-data: s3://bucket/prefix or a local
  // folder); without a staging location, COPY reads from it directly (redshift_staging.h).
  std::string location;
  // The files, in load order: s3:// objects the warehouse reads itself, or local files that
  // are uploaded to the staging location first (read with `reader`).
  std::vector<SourceFile> files;
  Source* reader = nullptr;
  // Records the load may reject before it fails; unset: as many as the warehouse allows (the
  // pipeline then applies a percentage budget to the counts).
  std::optional<int64_t> max_errors;
  S3Options s3;  // for uploads and for the region of the S3 objects
};

struct ServerLoadResult {
  int64_t read = 0;                       // records the warehouse parsed
  int64_t loaded = 0;                     // rows staged
  int64_t quarantined = 0;                // records recorded in load_errors
  std::vector<std::string> first_errors;  // a few "path:line: reason"
};

class ServerStaging {
 public:
  virtual ~ServerStaging() = default;
  virtual Result<ServerLoadResult> Load(const ServerLoadRequest& request) = 0;
};

}  // namespace sparkify
