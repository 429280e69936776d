// ServerSourceStager: stages one source for an engine whose warehouse reads the files itself
// (EngineTraits::stages_through_client false, e.g. Redshift), inside the run's transaction.
//
// The ledger logic is the client stager's (ledger.h), decided from the listing: a file
// with the same size, modification time and ETag as its ledger entry is skipped; the checksum is
// the ETag for S3 objects ("etag:<ETag>", since their bytes never pass through this process) and
// XXH3-128 of the bytes for local files; a file whose checksum equals its ledger entry's only has
// its metadata refreshed; a file whose checksum equals another loaded file's is a re-delivery: it
// is recorded in the ledger but not loaded (its records are not read, so none are counted).
//
// The new files are loaded as one batch by the engine's ServerStaging: every row they stage
// carries the batch's file id, and so do their ledger rows. A changed file takes back its whole
// batch (forget_file.sql with the batch's id), and every other file of that batch is loaded again
// with the new ones; a batch-mate that is no longer listed makes the run fail, with a message
// suggesting --full-refresh, rather than losing its rows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/progress.h"
#include "engine/server_staging.h"
#include "pipeline/ledger.h"
#include "source/source.h"
#include "sparkify/engine.h"
#include "sparkify/pipeline.h"

namespace sparkify {

struct ServerStagerSettings {
  int64_t run_id = 0;
  std::string token;                        // names the run's objects in the staging location
  std::string source_name;                  // "songs" or "logs"
  std::string location;                     // where the source was listed
  std::string table;                        // staging table
  std::optional<std::string> since, until;  // date window on file names (logs)
  std::optional<int64_t> max_errors;        // COPY's budget; unset: the warehouse's limit
  S3Options s3;
};

// Stages every new or changed file of `source` through `staging`. `next_file_id` is advanced
// by one for the batch when there is one.
Status StageOnServer(Engine& engine, ServerStaging& staging, Source& source,
                     const ServerStagerSettings& settings, int64_t& next_file_id,
                     SourceCounts& counts, std::vector<std::string>& first_errors,
                     Progress& progress);

// Both sources of a run, songs then logs, through `engine.server_staging()`; the entry point
// RunEtl uses when !engine.traits().stages_through_client.
Status StageSourcesOnServer(Engine& engine, Source& songs, Source& logs, const EtlOptions& options,
                            int64_t run_id, int64_t& next_file_id, LoadReport& report,
                            Progress& progress);

// The name of a run's objects in the staging location: "run-<run_id>-<UTC time>", e.g.
// run-7-20181101T213005Z for `started_at` '2018-11-01 21:30:05'.
std::string StagingToken(int64_t run_id, const std::string& started_at);

}  // namespace sparkify
