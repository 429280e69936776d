#include "pipeline/server_stager.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "base/sql_text.h"
#include "pipeline/ledger.h"
#include "pipeline/source_stager.h"

namespace sparkify {
namespace {

// What becomes of a listed file in this run.
enum class Fate {
  kUnchanged,   // same size, mtime and ETag as its ledger entry: skipped unread
  kOutOfRange,  // outside --since/--until
  kTouched,     // same checksum as its ledger entry: metadata refreshed
  kNew,         // not in the ledger
  kChanged,     // in the ledger with another checksum: its batch is taken back, it is loaded
  kRestored,    // a batch-mate of a changed file: loaded again
};

bool IsS3(const SourceFile& file) { return file.path.rfind("s3://", 0) == 0; }

}  // namespace

Status StageOnServer(Engine& engine, ServerStaging& staging, Source& source,
                     const ServerStagerSettings& settings, int64_t& next_file_id,
                     SourceCounts& counts, std::vector<std::string>& first_errors,
                     Progress& progress) {
  auto listed = source.List();
  if (!listed.ok()) return listed.status();
  const std::vector<SourceFile>& files = *listed;

  auto read = Ledger::Read(engine, settings.source_name);
  if (!read.ok()) return read.status();
  const Ledger& ledger = *read;

  // The checksum of a file: its ETag for S3 objects, XXH3-128 of its bytes for local files.
  PaddedBuffer buffer;
  auto checksum_of = [&](const SourceFile& file) -> Result<std::string> {
    if (IsS3(file)) return "etag:" + file.etag;
    SPARKIFY_RETURN_IF_ERROR(source.Read(file, buffer));
    const XXH128_hash_t h = XXH3_128bits(buffer.data(), buffer.size());
    return fmt::format("{:016x}{:016x}", h.high64, h.low64);
  };

  std::unordered_map<std::string, size_t> listed_at;
  std::vector<Fate> fate(files.size(), Fate::kUnchanged);
  std::vector<std::string> checksum(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    const SourceFile& file = files[i];
    listed_at[file.path] = i;
    if (!InDateWindow(file.path, settings.since, settings.until)) {
      fate[i] = Fate::kOutOfRange;
      continue;
    }
    if (ledger.Unchanged(file)) continue;  // kUnchanged
    auto sum = checksum_of(file);
    if (!sum.ok()) return sum.status();
    checksum[i] = std::move(sum).value();
    switch (ledger.Classify(file, checksum[i])) {
      case LedgerChange::kNew:
        fate[i] = Fate::kNew;
        break;
      case LedgerChange::kTouched:
        fate[i] = Fate::kTouched;
        break;
      case LedgerChange::kChanged:
        fate[i] = Fate::kChanged;
        break;
    }
  }

  // A changed file takes back its whole batch; its batch-mates are loaded again.
  std::map<int64_t, std::string> forgotten;  // batch file id -> the changed file that caused it
  for (size_t i = 0; i < files.size(); ++i) {
    if (fate[i] == Fate::kChanged)
      forgotten.emplace(ledger.Find(files[i].path)->file_id, files[i].path);
  }
  for (const auto& [path, entry] : ledger.entries()) {
    const auto batch = forgotten.find(entry.file_id);
    if (batch == forgotten.end()) continue;
    const auto at = listed_at.find(path);
    if (at == listed_at.end()) {
      return Status::InvalidArgument(fmt::format(
          "{} changed since it was loaded, but {} cannot take back one file of a COPY batch: its "
          "batch (file id {}) also holds {}, which is no longer listed, so loading the batch again "
          "would lose that file's rows; run with --full-refresh to load every listed file again",
          batch->second, engine.traits().name, entry.file_id, path));
    }
    const size_t i = at->second;
    if (fate[i] == Fate::kUnchanged || fate[i] == Fate::kOutOfRange || fate[i] == Fate::kTouched) {
      fate[i] = Fate::kRestored;
      if (checksum[i].empty()) {
        auto sum = checksum_of(files[i]);
        if (!sum.ok()) return sum.status();
        checksum[i] = std::move(sum).value();
      }
    }
  }

  // Re-deliveries: the bytes of a file loaded under another name (in another batch, or earlier in
  // this one) are recorded, not loaded.
  std::unordered_set<int64_t> taken_back;
  for (const auto& [file_id, cause] : forgotten) taken_back.insert(file_id);
  std::unordered_set<std::string> loaded_checksums = ledger.LoadedChecksums(taken_back);
  std::vector<SourceFile> to_load;
  std::vector<size_t> recorded;  // files that get a ledger row in this run's batch
  for (size_t i = 0; i < files.size(); ++i) {
    const SourceFile& file = files[i];
    switch (fate[i]) {
      case Fate::kUnchanged:
        ++counts.files_skipped;
        continue;
      case Fate::kOutOfRange:
        ++counts.files_out_of_range;
        continue;
      case Fate::kTouched: {
        SPARKIFY_RETURN_IF_ERROR(
            ledger.RefreshMetadata(engine, ledger.Find(file.path)->file_id, file));
        ++counts.files_skipped;
        continue;
      }
      case Fate::kChanged:
      case Fate::kRestored:
        ++counts.files_replaced;
        [[fallthrough]];
      case Fate::kNew:
        break;
    }
    ++counts.files;
    counts.bytes += static_cast<int64_t>(file.size);
    recorded.push_back(i);
    if (loaded_checksums.insert(checksum[i]).second) to_load.push_back(file);
  }

  for (const auto& [file_id, cause] : forgotten) {
    SPARKIFY_RETURN_IF_ERROR(Ledger::Forget(engine, file_id)
                                 .WithContext("taking back batch " + std::to_string(file_id)));
  }
  if (recorded.empty()) return Status::Ok();

  const int64_t batch = next_file_id++;
  if (!to_load.empty()) {
    progress.Update([&] {
      return fmt::format("{}: the cluster loads {} files", settings.source_name, to_load.size());
    });
    ServerLoadRequest request;
    request.source = settings.source_name;
    request.table = settings.table;
    request.run_id = settings.run_id;
    request.file_id = batch;
    request.token = settings.token;
    request.location = settings.location;
    request.files = std::move(to_load);
    request.reader = &source;
    request.max_errors = settings.max_errors;
    request.s3 = settings.s3;
    auto loaded = staging.Load(request);
    if (!loaded.ok()) return loaded.status();
    counts.read += loaded->read;
    counts.loaded += loaded->loaded;
    counts.quarantined += loaded->quarantined;
    for (std::string& e : loaded->first_errors) {
      if (first_errors.size() < 5) first_errors.push_back(std::move(e));
    }
  }

  std::vector<LedgerRow> rows;
  for (size_t i : recorded) {
    // records: the cluster does not count them per file
    rows.push_back({batch, files[i], checksum[i], std::nullopt});
  }
  return ledger.Append(engine, settings.run_id, rows);
}

std::string StagingToken(int64_t run_id, const std::string& started_at) {
  std::string compact;
  for (char c : started_at) {
    if (c == ' ') {
      compact.push_back('T');
    } else if (c != '-' && c != ':') {
      compact.push_back(c);
    }
  }
  return "run-" + std::to_string(run_id) + "-" + compact + "Z";
}

Status StageSourcesOnServer(Engine& engine, Source& songs, Source& logs, const EtlOptions& options,
                            int64_t run_id, int64_t& next_file_id, LoadReport& report,
                            Progress& progress) {
  ServerStaging* staging = engine.server_staging();
  if (staging == nullptr) {
    return Status::InvalidArgument("engine " + engine.traits().name +
                                   " stages files on the server but has no server staging");
  }
  ServerStagerSettings settings;
  settings.run_id = run_id;
  settings.token = StagingToken(run_id, UtcNow());
  settings.max_errors = options.max_errors.max_count;
  settings.s3 = options.s3;
  settings.source_name = "songs";
  settings.location = options.song_data;
  settings.table = "staging_songs";
  SPARKIFY_RETURN_IF_ERROR(StageOnServer(engine, *staging, songs, settings, next_file_id,
                                         report.songs, report.first_errors, progress));
  settings.source_name = "logs";
  settings.location = options.log_data;
  settings.table = "staging_events";
  settings.since = options.since;
  settings.until = options.until;
  return StageOnServer(engine, *staging, logs, settings, next_file_id, report.logs,
                       report.first_errors, progress);
}

}  // namespace sparkify
