// RunEtl: one run, all or nothing, in one transaction:
//   ledger lookup -> stage new files (decode + bulk load, rejections to load_errors)
//   -> transforms (songs, artists, users, songplays, time) -> counts -> commit.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <unordered_map>

#include "decode/decoders.h"
#include "engine/sql_catalog.h"
#include "pipeline/progress.h"
#include "pipeline/staging.h"
#include "s3/s3_source.h"
#include "source/source.h"
#include "sparkify/pipeline.h"

namespace sparkify {
namespace {

constexpr size_t kRawLimit = 4096;  // bytes of a rejected record kept in load_errors
constexpr size_t kQuarantineFlushRows = 10000;
constexpr size_t kFirstErrorsShown = 5;

const char* const kTransforms[] = {"transform_songs", "transform_artists", "transform_users",
                                   "transform_songplays", "transform_time"};
const char* const kReportTables[] = {"staging_events", "staging_songs", "songplays", "users",
                                     "songs",          "artists",       "time",      "load_errors"};

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

std::string SqlQuote(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  out.push_back('\'');
  return out;
}

// Keeps a valid UTF-8 prefix of at most `limit` bytes.
std::string_view Truncate(std::string_view raw, size_t limit) {
  if (raw.size() <= limit) return raw;
  size_t n = limit;
  while (n > 0 && (static_cast<unsigned char>(raw[n]) & 0xC0) == 0x80) --n;
  return raw.substr(0, n);
}

Result<int64_t> QueryInteger(Engine& engine, const std::string& sql) {
  auto result = engine.Query(sql);
  if (!result.ok()) return result.status();
  if (result->rows.empty() || result->rows[0].empty() || !result->rows[0][0]) return int64_t{0};
  return static_cast<int64_t>(std::stoll(*result->rows[0][0]));
}

class Stopwatch {
 public:
  double Lap() {
    const auto now = std::chrono::steady_clock::now();
    const double s = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return s;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

struct LedgerEntry {
  int64_t file_id;
  uint64_t size;
  int64_t mtime_ns;
  std::string etag;
};

struct QuarantineRow {
  std::string path;
  int64_t line, document, byte_offset;
  std::string field, reason, raw;
};

// Stages one source (songs or logs): decides which files are new, decodes them and writes rows.
class SourceStager {
 public:
  SourceStager(Engine& engine, Progress& progress, int64_t run_id, std::string source_name,
               std::string table, const std::vector<std::string>& columns)
      : engine_(engine),
        progress_(progress),
        run_id_(run_id),
        source_name_(std::move(source_name)),
        table_(std::move(table)),
        columns_(columns) {}

  // Loads every new or changed file of `source` and records it in the ledger.
  template <typename DecodeFn>
  Status Stage(Source& source, int64_t& next_file_id, SourceCounts& counts,
               std::vector<std::string>& first_errors, DecodeFn&& decode) {
    auto listed = source.List();
    if (!listed.ok()) return listed.status();
    std::unordered_map<std::string, LedgerEntry> ledger;
    SPARKIFY_RETURN_IF_ERROR(ReadLedger(ledger));

    SPARKIFY_RETURN_IF_ERROR(OpenStagingWriter());
    PaddedBuffer buffer;
    std::vector<std::pair<int64_t, const SourceFile*>> loaded_files;
    std::vector<int64_t> records_per_file;
    for (const SourceFile& file : *listed) {
      auto known = ledger.find(file.path);
      if (known != ledger.end()) {
        const LedgerEntry& e = known->second;
        if (e.size == file.size && e.mtime_ns == file.mtime_ns && e.etag == file.etag) {
          ++counts.files_skipped;
          continue;
        }
        replaced_file_ids_.push_back(e.file_id);
      }
      SPARKIFY_RETURN_IF_ERROR(source.Read(file, buffer));
      const int64_t file_id = next_file_id++;
      const int64_t read_before = counts.read;
      Provenance provenance{run_id_, file_id};
      Status write_status;
      auto on_reject = [&](const Rejection& r) {
        ++counts.read;
        ++counts.quarantined;
        if (first_errors.size() < kFirstErrorsShown) {
          first_errors.push_back(
              fmt::format("{}:{}: {}", r.position.file, r.position.line, r.reason));
        }
        quarantine_.push_back({file.path, r.position.line, r.position.document,
                               r.position.byte_offset, r.field, r.reason,
                               std::string(Truncate(r.raw, kRawLimit))});
      };
      decode(file, simdjson::padded_string_view(buffer.data(), buffer.size(), buffer.capacity()),
             provenance, *writer_, write_status, counts, on_reject);
      SPARKIFY_RETURN_IF_ERROR(write_status.WithContext(file.path));
      counts.files++;
      counts.bytes += static_cast<int64_t>(buffer.size());
      loaded_files.emplace_back(file_id, &file);
      records_per_file.push_back(counts.read - read_before);
      if (quarantine_.size() >= kQuarantineFlushRows) SPARKIFY_RETURN_IF_ERROR(FlushQuarantine());
      progress_.Update([&] {
        return fmt::format("{}: {} of {} files, {} records", source_name_,
                           counts.files + counts.files_skipped, listed->size(), counts.read);
      });
    }
    SPARKIFY_RETURN_IF_ERROR(writer_->Finish());
    writer_.reset();
    SPARKIFY_RETURN_IF_ERROR(FlushQuarantine());
    SPARKIFY_RETURN_IF_ERROR(ForgetReplacedFiles());
    return WriteLedger(loaded_files, records_per_file);
  }

 private:
  Status ReadLedger(std::unordered_map<std::string, LedgerEntry>& ledger) {
    auto rows = engine_.Query(
        "SELECT path, file_id, size, mtime_ns, etag FROM load_files "
        "WHERE source = " +
        SqlQuote(source_name_));
    if (!rows.ok()) return rows.status();
    for (const auto& row : rows->rows) {
      ledger[*row[0]] = LedgerEntry{std::stoll(*row[1]), std::stoull(*row[2]),
                                    row[3] ? std::stoll(*row[3]) : 0, row[4].value_or("")};
    }
    return Status::Ok();
  }

  Status OpenStagingWriter() {
    auto writer = engine_.OpenWriter(table_, columns_);
    if (!writer.ok()) return writer.status();
    writer_ = std::move(writer.value());
    return Status::Ok();
  }

  // Quarantine rows wait in memory until a batch is full; the staging writer is paused while
  // they are written because an engine has one writer open at a time.
  Status FlushQuarantine() {
    if (quarantine_.empty()) return Status::Ok();
    const bool pause = writer_ != nullptr;
    if (pause) {
      SPARKIFY_RETURN_IF_ERROR(writer_->Finish());
      writer_.reset();
    }
    auto writer = engine_.OpenWriter("load_errors", {"run_id", "source", "path", "line", "document",
                                                     "byte_offset", "field", "reason", "raw"});
    if (!writer.ok()) return writer.status();
    RowWriter& w = **writer;
    for (const QuarantineRow& q : quarantine_) {
      w.Integer(run_id_);
      w.Text(source_name_);
      w.Text(q.path);
      w.Integer(q.line);
      w.Integer(q.document);
      w.Integer(q.byte_offset);
      if (q.field.empty()) {
        w.Null();
      } else {
        w.Text(q.field);
      }
      w.Text(q.reason);
      w.Text(q.raw);
      SPARKIFY_RETURN_IF_ERROR(w.EndRow());
    }
    SPARKIFY_RETURN_IF_ERROR(w.Finish());
    quarantine_.clear();
    return pause ? OpenStagingWriter() : Status::Ok();
  }

  // A changed file replaces its previous version's staged rows and ledger entry.
  Status ForgetReplacedFiles() {
    for (int64_t id : replaced_file_ids_) {
      SPARKIFY_RETURN_IF_ERROR(engine_.Execute(fmt::format(
          "DELETE FROM {} WHERE file_id = {}; DELETE FROM load_files WHERE file_id = {};", table_,
          id, id)));
    }
    return Status::Ok();
  }

  Status WriteLedger(const std::vector<std::pair<int64_t, const SourceFile*>>& files,
                     const std::vector<int64_t>& records) {
    auto writer = engine_.OpenWriter("load_files", {"file_id", "source", "path", "size", "mtime_ns",
                                                    "etag", "records", "run_id", "loaded_at"});
    if (!writer.ok()) return writer.status();
    RowWriter& w = **writer;
    const std::string now = UtcNow();
    for (size_t i = 0; i < files.size(); ++i) {
      const SourceFile& f = *files[i].second;
      w.Integer(files[i].first);
      w.Text(source_name_);
      w.Text(f.path);
      w.Integer(static_cast<int64_t>(f.size));
      w.Integer(f.mtime_ns);
      if (f.etag.empty()) {
        w.Null();
      } else {
        w.Text(f.etag);
      }
      w.Integer(records[i]);
      w.Integer(run_id_);
      w.Text(now);
      SPARKIFY_RETURN_IF_ERROR(w.EndRow());
    }
    return w.Finish();
  }

  Engine& engine_;
  Progress& progress_;
  int64_t run_id_;
  std::string source_name_;
  std::string table_;
  const std::vector<std::string>& columns_;
  std::unique_ptr<RowWriter> writer_;
  std::vector<QuarantineRow> quarantine_;
  std::vector<int64_t> replaced_file_ids_;
};

Result<std::unique_ptr<Source>> OpenSource(const std::string& location, const char* what,
                                           const S3Options& s3, Progress& progress) {
  if (location.empty()) {
    return Status::InvalidArgument(std::string("no ") + what + " given: pass --" + what +
                                   " or set it in dwh.cfg [S3]");
  }
  if (location.rfind("s3://", 0) == 0) {
    S3SourceOptions options;
    options.s3 = s3;
    options.progress = &progress;
    return MakeS3Source(location, options);
  }
  return MakeLocalSource(location);
}

Status Stage(Engine& engine, const EtlOptions& options, int64_t run_id, LoadReport& report,
             Progress& progress) {
  auto songs = OpenSource(options.song_data, "song-data", options.s3, progress);
  if (!songs.ok()) return songs.status();
  auto logs = OpenSource(options.log_data, "log-data", options.s3, progress);
  if (!logs.ok()) return logs.status();
  auto max_file_id = QueryInteger(engine, "SELECT MAX(file_id) FROM load_files");
  if (!max_file_id.ok()) return max_file_id.status();
  int64_t next_file_id = *max_file_id + 1;

  SongDecoder song_decoder;
  SourceStager song_stager(engine, progress, run_id, "songs", "staging_songs",
                           StagingSongColumns());
  SPARKIFY_RETURN_IF_ERROR(song_stager.Stage(
      **songs, next_file_id, report.songs, report.first_errors,
      [&](const SourceFile& file, simdjson::padded_string_view data, const Provenance& p,
          RowWriter& writer, Status& status, SourceCounts& counts, const OnReject& on_reject) {
        song_decoder.DecodeFile(
            file.path, data,
            [&](const SongRecord& song, const RecordPosition& pos) {
              ++counts.read;
              if (!status.ok()) return;
              status = WriteSongRow(song, p, pos.document, writer);
              if (status.ok()) ++counts.loaded;
            },
            on_reject);
      }));

  EventDecoder event_decoder;
  SourceStager log_stager(engine, progress, run_id, "logs", "staging_events",
                          StagingEventColumns());
  return log_stager.Stage(
      **logs, next_file_id, report.logs, report.first_errors,
      [&](const SourceFile& file, simdjson::padded_string_view data, const Provenance& p,
          RowWriter& writer, Status& status, SourceCounts& counts, const OnReject& on_reject) {
        event_decoder.DecodeFile(
            file.path, data,
            [&](const EventRecord& event, const RecordPosition& pos) {
              ++counts.read;
              if (!status.ok()) return;
              status = WriteEventRow(event, p, pos.line, writer);
              if (status.ok()) ++counts.loaded;
            },
            on_reject);
      });
}

Status CheckAccounting(const char* name, const SourceCounts& c) {
  if (c.read != c.loaded + c.filtered + c.quarantined) {
    return Status::DataError(
        fmt::format("{}: accounting mismatch: read {} != loaded {} + filtered {} + quarantined {}",
                    name, c.read, c.loaded, c.filtered, c.quarantined));
  }
  return Status::Ok();
}

Status RunInTransaction(Engine& engine, const EtlOptions& options, LoadReport& report) {
  Progress progress(options.progress);
  Stopwatch watch;
  const auto& dialects = engine.traits().sql_dialects;

  auto run_id = QueryInteger(engine, "SELECT MAX(run_id) FROM etl_runs");
  if (!run_id.ok()) return run_id.status();
  report.run_id = *run_id + 1;
  SPARKIFY_RETURN_IF_ERROR(engine.Execute(fmt::format(
      "INSERT INTO etl_runs (run_id, started_at) VALUES ({}, '{}')", report.run_id, UtcNow())));
  auto songplays_before = QueryInteger(engine, "SELECT COUNT(*) FROM songplays");
  if (!songplays_before.ok()) return songplays_before.status();

  SPARKIFY_RETURN_IF_ERROR(Stage(engine, options, report.run_id, report, progress));
  progress.Done();
  report.phase_seconds.emplace_back("stage", watch.Lap());
  SPARKIFY_RETURN_IF_ERROR(CheckAccounting("songs", report.songs));
  SPARKIFY_RETURN_IF_ERROR(CheckAccounting("logs", report.logs));

  const std::map<std::string, std::string> vars = {{"run_id", std::to_string(report.run_id)}};
  for (const char* name : kTransforms) {
    auto sql = LoadSql(dialects, name, vars);
    if (!sql.ok()) return sql.status();
    SPARKIFY_RETURN_IF_ERROR(engine.Execute(*sql).WithContext(name));
  }
  report.phase_seconds.emplace_back("transform", watch.Lap());

  for (const char* table : kReportTables) {
    auto n = QueryInteger(engine, std::string("SELECT COUNT(*) FROM ") + table);
    if (!n.ok()) return n.status();
    report.tables[table] = *n;
  }
  auto matched = QueryInteger(engine, "SELECT COUNT(*) FROM songplays WHERE song_id IS NOT NULL");
  if (!matched.ok()) return matched.status();
  report.songplays_matched = *matched;
  report.songplays_added = report.tables["songplays"] - *songplays_before;
  report.phase_seconds.emplace_back("count", watch.Lap());
  return Status::Ok();
}

}  // namespace

Result<LoadReport> RunEtl(Engine& engine, const EtlOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  LoadReport report;
  report.engine = engine.traits().name;
  if (options.create_missing_tables) {
    SPARKIFY_RETURN_IF_ERROR(CreateTables(engine, /*drop_first=*/false));
  } else {
    auto exists = engine.TableExists("songplays");
    if (!exists.ok()) return exists.status();
    if (!*exists) {
      return Status::InvalidArgument(
          "the warehouse has no tables: run `sparkify create-tables` first (or `sparkify run`)");
    }
  }
  SPARKIFY_RETURN_IF_ERROR(engine.Begin());
  Status status = RunInTransaction(engine, options, report);
  if (status.ok()) {
    report.total_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    status = engine.Execute(
        fmt::format("UPDATE etl_runs SET finished_at = '{}', report = {} WHERE run_id = {}",
                    UtcNow(), SqlQuote(FormatReportJson(report)), report.run_id));
  }
  if (status.ok()) status = engine.Commit();
  if (!status.ok()) {
    (void)engine.Rollback();  // the run's error is the one to report
    return status;
  }
  return report;
}

}  // namespace sparkify
