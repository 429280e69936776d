#include "pipeline/source_stager.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <ctime>
#include <unordered_map>
#include <unordered_set>

#include "engine/sql_catalog.h"

namespace sparkify {
namespace {

constexpr size_t kRawLimit = 4096;  // bytes of a rejected record kept in load_errors
constexpr size_t kQuarantineFlushRows = 10000;
constexpr size_t kFirstErrorsShown = 5;

const std::vector<std::string> kLedgerColumns = {"file_id",  "source",   "path",     "size",
                                                 "mtime_ns", "etag",     "checksum", "records",
                                                 "run_id",   "loaded_at"};
const std::vector<std::string> kQuarantineColumns = {"run_id", "file_id",  "source",      "path",
                                                     "line",   "document", "byte_offset", "field",
                                                     "reason", "raw"};

struct LedgerEntry {
  int64_t file_id = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  std::string etag;
  std::string checksum;
};

struct LedgerRow {
  int64_t file_id;
  SourceFile file;
  std::string checksum;
  int64_t records;
};

struct QuarantineRow {
  int64_t file_id;
  std::string path;
  int64_t line, document, byte_offset;
  std::string field, reason, raw;
};

std::string Checksum(const char* data, size_t size) {
  const XXH128_hash_t h = XXH3_128bits(data, size);
  return fmt::format("{:016x}{:016x}", h.high64, h.low64);
}

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

void WriteOptionalText(RowWriter& w, const std::string& text) {
  if (text.empty()) {
    w.Null();
  } else {
    w.Text(text);
  }
}

}  // namespace

std::string DateInFileName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  for (size_t i = 0; i + 10 <= name.size(); ++i) {
    auto digits = [&](size_t at, size_t n) {
      for (size_t k = 0; k < n; ++k) {
        if (!std::isdigit(static_cast<unsigned char>(name[at + k]))) return false;
      }
      return true;
    };
    if (digits(i, 4) && name[i + 4] == '-' && digits(i + 5, 2) && name[i + 7] == '-' &&
        digits(i + 8, 2)) {
      return name.substr(i, 10);
    }
  }
  return {};
}

class SourceStager::Impl {
 public:
  Impl(Engine& engine, Progress& progress, StagerSettings settings)
      : engine_(engine), progress_(progress), settings_(std::move(settings)) {}

  Status Stage(Source& source, int64_t& next_file_id, const DecodeInto& decode,
               SourceCounts& counts, std::vector<std::string>& first_errors) {
    auto listed = source.List();
    if (!listed.ok()) return listed.status();
    SPARKIFY_RETURN_IF_ERROR(ReadLedger());
    SPARKIFY_RETURN_IF_ERROR(OpenStagingWriter());

    PaddedBuffer buffer;
    for (const SourceFile& file : *listed) {
      if (!InDateWindow(file.path)) {
        ++counts.files_out_of_range;
        continue;
      }
      const auto known = by_path_.find(file.path);
      if (known != by_path_.end() && known->second.size == file.size &&
          known->second.mtime_ns == file.mtime_ns && known->second.etag == file.etag) {
        ++counts.files_skipped;
        continue;
      }
      SPARKIFY_RETURN_IF_ERROR(source.Read(file, buffer));
      const std::string checksum = Checksum(buffer.data(), buffer.size());
      if (known != by_path_.end()) {
        if (known->second.checksum == checksum) {  // touched, same bytes
          SPARKIFY_RETURN_IF_ERROR(RefreshLedgerMetadata(known->second.file_id, file));
          ++counts.files_skipped;
          continue;
        }
        SPARKIFY_RETURN_IF_ERROR(ForgetFile(known->second.file_id));
        ++counts.files_replaced;
      }
      const bool duplicate = loaded_checksums_.count(checksum) > 0;
      const int64_t file_id = next_file_id++;
      int64_t accepted = 0, rejected = 0;
      auto on_reject = [&](const Rejection& r) {
        ++rejected;
        if (duplicate) return;
        if (first_errors.size() < kFirstErrorsShown) {
          first_errors.push_back(
              fmt::format("{}:{}: {}", r.position.file, r.position.line, r.reason));
        }
        quarantine_.push_back({file_id, file.path, r.position.line, r.position.document,
                               r.position.byte_offset, r.field, r.reason,
                               std::string(Truncate(r.raw, kRawLimit))});
      };
      SPARKIFY_RETURN_IF_ERROR(
          decode(file,
                 simdjson::padded_string_view(buffer.data(), buffer.size(), buffer.capacity()),
                 file_id, duplicate ? nullptr : writer_.get(), accepted, on_reject)
              .WithContext(file.path));
      counts.read += accepted + rejected;
      if (duplicate) {
        counts.filtered += accepted + rejected;
      } else {
        counts.loaded += accepted;
        counts.quarantined += rejected;
      }
      ++counts.files;
      counts.bytes += static_cast<int64_t>(buffer.size());
      loaded_checksums_.insert(checksum);
      ledger_rows_.push_back({file_id, file, checksum, accepted + rejected});
      if (quarantine_.size() >= kQuarantineFlushRows) SPARKIFY_RETURN_IF_ERROR(FlushQuarantine());
      progress_.Update([&] {
        return fmt::format("{}: {} of {} files, {} records", settings_.source_name,
                           counts.files + counts.files_skipped + counts.files_out_of_range,
                           listed->size(), counts.read);
      });
    }
    SPARKIFY_RETURN_IF_ERROR(PauseStagingWriter());
    SPARKIFY_RETURN_IF_ERROR(FlushQuarantine());
    return WriteLedger();
  }

 private:
  bool InDateWindow(const std::string& path) const {
    if (!settings_.since && !settings_.until) return true;
    const std::string date = DateInFileName(path);
    if (date.empty()) return false;
    return (!settings_.since || date >= *settings_.since) &&
           (!settings_.until || date <= *settings_.until);
  }

  Status ReadLedger() {
    auto rows = engine_.Query(
        "SELECT path, file_id, size, mtime_ns, etag, checksum FROM load_files WHERE source = " +
        SqlQuote(settings_.source_name));
    if (!rows.ok()) return rows.status();
    for (const auto& row : rows->rows) {
      LedgerEntry e{std::stoll(*row[1]), std::stoull(*row[2]), row[3] ? std::stoll(*row[3]) : 0,
                    row[4].value_or(""), row[5].value_or("")};
      loaded_checksums_.insert(e.checksum);
      by_path_[*row[0]] = std::move(e);
    }
    return Status::Ok();
  }

  Status OpenStagingWriter() {
    auto writer = engine_.OpenWriter(settings_.table, *settings_.columns);
    if (!writer.ok()) return writer.status();
    writer_ = std::move(writer.value());
    return Status::Ok();
  }

  Status PauseStagingWriter() {
    if (!writer_) return Status::Ok();
    Status status = writer_->Finish();
    writer_.reset();
    return status;
  }

  // Runs statements while the bulk load is paused (an engine has one writer open at a time,
  // and PostgreSQL runs nothing else during COPY).
  template <typename Fn>
  Status WhilePaused(Fn&& fn) {
    const bool was_open = writer_ != nullptr;
    SPARKIFY_RETURN_IF_ERROR(PauseStagingWriter());
    SPARKIFY_RETURN_IF_ERROR(fn());
    return was_open ? OpenStagingWriter() : Status::Ok();
  }

  Status ForgetFile(int64_t file_id) {
    return WhilePaused([&] {
      auto sql = LoadSql(engine_.traits().sql_dialects, "forget_file",
                         {{"file_id", std::to_string(file_id)}});
      if (!sql.ok()) return sql.status();
      return engine_.Execute(*sql);
    });
  }

  Status RefreshLedgerMetadata(int64_t file_id, const SourceFile& file) {
    return WhilePaused([&] {
      return engine_.Execute(fmt::format(
          "UPDATE load_files SET size = {}, mtime_ns = {}, etag = {} WHERE file_id = {}", file.size,
          file.mtime_ns, file.etag.empty() ? "NULL" : SqlQuote(file.etag), file_id));
    });
  }

  Status FlushQuarantine() {
    if (quarantine_.empty()) return Status::Ok();
    return WhilePaused([&] {
      auto writer = engine_.OpenWriter("load_errors", kQuarantineColumns);
      if (!writer.ok()) return writer.status();
      RowWriter& w = **writer;
      for (const QuarantineRow& q : quarantine_) {
        w.Integer(settings_.run_id);
        w.Integer(q.file_id);
        w.Text(settings_.source_name);
        w.Text(q.path);
        w.Integer(q.line);
        w.Integer(q.document);
        w.Integer(q.byte_offset);
        WriteOptionalText(w, q.field);
        w.Text(q.reason);
        w.Text(q.raw);
        SPARKIFY_RETURN_IF_ERROR(w.EndRow());
      }
      quarantine_.clear();
      return w.Finish();
    });
  }

  Status WriteLedger() {
    auto writer = engine_.OpenWriter("load_files", kLedgerColumns);
    if (!writer.ok()) return writer.status();
    RowWriter& w = **writer;
    const std::string now = UtcNow();
    for (const LedgerRow& row : ledger_rows_) {
      w.Integer(row.file_id);
      w.Text(settings_.source_name);
      w.Text(row.file.path);
      w.Integer(static_cast<int64_t>(row.file.size));
      w.Integer(row.file.mtime_ns);
      WriteOptionalText(w, row.file.etag);
      w.Text(row.checksum);
      w.Integer(row.records);
      w.Integer(settings_.run_id);
      w.Text(now);
      SPARKIFY_RETURN_IF_ERROR(w.EndRow());
    }
    return w.Finish();
  }

  Engine& engine_;
  Progress& progress_;
  StagerSettings settings_;
  std::unique_ptr<RowWriter> writer_;
  std::unordered_map<std::string, LedgerEntry> by_path_;
  std::unordered_set<std::string> loaded_checksums_;
  std::vector<LedgerRow> ledger_rows_;
  std::vector<QuarantineRow> quarantine_;
};

SourceStager::SourceStager(Engine& engine, Progress& progress, StagerSettings settings)
    : impl_(std::make_unique<Impl>(engine, progress, std::move(settings))) {}
SourceStager::~SourceStager() = default;

Status SourceStager::Stage(Source& source, int64_t& next_file_id, const DecodeInto& decode,
                           SourceCounts& counts, std::vector<std::string>& first_errors) {
  return impl_->Stage(source, next_file_id, decode, counts, first_errors);
}

}  // namespace sparkify
