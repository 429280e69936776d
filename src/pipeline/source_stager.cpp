#include "pipeline/source_stager.h"

#include "base/numbers.h"

#include <fmt/format.h>

#include <chrono>

#include <ctime>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "decode/raw_text.h"
#include "decode/text_repair.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/gzip_decode.h"
#include "pipeline/ledger.h"
#include "pipeline/row_batch.h"

namespace sparkify {
namespace {

constexpr size_t kRawLimit = 4096;  // bytes of load_errors.raw_text (escaped, see raw_text.h)
constexpr size_t kQuarantineFlushRows = 10000;
constexpr size_t kFirstErrorsShown = 5;

struct QuarantineRow {
  int64_t file_id;
  std::string path;
  int64_t line, document, byte_offset;
  std::string field, reason, raw;
};

// A reason as every engine's text column takes it: reasons quote values, which may hold a NUL.
std::string StorableReason(std::string reason) {
  if (IsValidUtf8(reason) && reason.find('\0') == std::string::npos) return reason;
  return EscapeRawText(reason, reason.size() * 4);
}

void WriteOptionalText(RowWriter& w, const std::string& text) {
  if (text.empty()) {
    w.Null();
  } else {
    w.Text(text);
  }
}

}  // namespace

// Messages from the decoding thread to the writing thread, per file in listing order:
// FileTouched | (FileStart, RowBatch*, QuarantineChunk*, FileEnd) | Failure.
struct FileTouched {  // same bytes as its ledger entry: refresh the metadata only
  const SourceFile* file;
  int64_t file_id;
};
struct FileStart {
  const SourceFile* file;
  int64_t file_id;
  std::optional<int64_t> replaces;  // the ledger id of the previous version
  bool duplicate;                   // bytes equal another loaded file's
  std::string checksum;
  int64_t bytes;
};
struct QuarantineChunk {
  std::vector<QuarantineRow> rows;
};
struct FileEnd {
  DecodeCounts decoded;
  int64_t rejected;
};
struct Failure {
  Status status;
};
using Message = std::variant<FileTouched, FileStart, RowBatch, QuarantineChunk, FileEnd, Failure>;

constexpr size_t kQueueCapacity = 8;
constexpr size_t kBatchRows = 8192;
constexpr size_t kQuarantineChunkRows = 1000;

// The decoding thread's end of the queue. Messages travel in chunks of about kBatchRows rows (or
// messages): one hand-off between the threads costs a wake-up, which 100,000 one-record song
// files would otherwise pay three times each.
class Outbox {
 public:
  explicit Outbox(BoundedQueue<std::vector<Message>>& queue) : queue_(queue) {}

  // False when the queue was closed (the writing thread stopped).
  bool Push(Message message) {
    weight_ += Weight(message);
    pending_.push_back(std::move(message));
    return weight_ >= kBatchRows ? Flush() : true;
  }
  bool Flush() {
    if (pending_.empty()) return true;
    weight_ = 0;
    return queue_.Push(std::exchange(pending_, {}));
  }

 private:
  // In rows of about 512 bytes, so a chunk of long rejected records is no larger than one of rows.
  static size_t Weight(const Message& message) {
    if (const auto* batch = std::get_if<RowBatch>(&message)) return batch->rows();
    size_t weight = 1;
    if (const auto* chunk = std::get_if<QuarantineChunk>(&message)) {
      for (const QuarantineRow& row : chunk->rows) weight += 1 + row.raw.size() / 512;
    }
    return weight;
  }

  BoundedQueue<std::vector<Message>>& queue_;
  std::vector<Message> pending_;
  size_t weight_ = 0;
};

// The decoders write rows here; full batches go to the queue.
class BatchingWriter final : public RowWriter {
 public:
  explicit BatchingWriter(Outbox& queue) : queue_(queue) {}
  void Null() override { batch_.Null(); }
  void Integer(int64_t v) override { batch_.Integer(v); }
  void Real(double v) override { batch_.Real(v); }
  void Text(std::string_view v) override { batch_.Text(v); }
  Status EndRow() override {
    SPARKIFY_RETURN_IF_ERROR(batch_.EndRow());
    return batch_.rows() >= kBatchRows ? Finish() : Status::Ok();
  }
  Status Finish() override {
    if (batch_.rows() == 0) return Status::Ok();
    if (!queue_.Push(std::move(batch_))) return Status::Error(StatusCode::kIoError, "cancelled");
    batch_ = RowBatch();
    return Status::Ok();
  }

 private:
  Outbox& queue_;
  RowBatch batch_;
};

class SourceStager::Impl {
 public:
  Impl(Engine& engine, Progress& progress, StagerSettings settings)
      : engine_(engine), progress_(progress), settings_(std::move(settings)) {}

  Status Stage(Source& source, int64_t& next_file_id, const DecodeInto& decode,
               SourceCounts& counts, std::vector<std::string>& first_errors) {
    auto listed = source.List();
    if (!listed.ok()) return listed.status();
    SPARKIFY_RETURN_IF_ERROR(ReadLedger());

    // Files to read: new, or changed by size, modification time or ETag.
    std::vector<const SourceFile*> candidates;
    for (const SourceFile& file : *listed) {
      if (!InDateWindow(file.path, settings_.since, settings_.until)) {
        ++counts.files_out_of_range;
        continue;
      }
      if (ledger_.Unchanged(file)) {
        ++counts.files_skipped;
        continue;
      }
      candidates.push_back(&file);
    }

    source.PlanReads(candidates);

    // One thread reads and decodes, this one writes: the engine is the bottleneck, so decoding
    // overlaps with it instead of adding to it.
    BoundedQueue<std::vector<Message>> queue(kQueueCapacity);
    std::thread decoder([&] { DecodeAll(source, candidates, next_file_id, decode, queue); });
    TransferProgress transfer;
    transfer.files_total = static_cast<int64_t>(candidates.size());
    for (const SourceFile* file : candidates) transfer.bytes_total += file->size;
    Status status = WriteAll(queue, transfer, counts, first_errors);
    queue.Close();  // unblocks the decoder when writing failed
    decoder.join();
    SPARKIFY_RETURN_IF_ERROR(status);
    SPARKIFY_RETURN_IF_ERROR(PauseStagingWriter());
    SPARKIFY_RETURN_IF_ERROR(FlushQuarantine());
    SPARKIFY_RETURN_IF_ERROR(WriteLedger());
    progress_.Line(fmt::format(
        "{}: {} files read ({}), {} records in {:.2f} s{}", settings_.source_name,
        WithThousandsSeparators(counts.files), FormatBytes(counts.bytes),
        WithThousandsSeparators(counts.read), transfer.seconds,
        counts.files_skipped
            ? "; " + WithThousandsSeparators(counts.files_skipped) + " unchanged skipped"
            : ""));
    return Status::Ok();
  }

 private:
  // The decoding thread. Reads only what this thread owns, and the ledger, which the writing
  // thread does not change while it runs.
  void DecodeAll(Source& source, const std::vector<const SourceFile*>& files, int64_t& next_file_id,
                 const DecodeInto& decode, BoundedQueue<std::vector<Message>>& chunks) {
    Outbox queue(chunks);
    PaddedBuffer buffer;
    std::unordered_set<std::string> loaded = ledger_.LoadedChecksums();
    for (const SourceFile* file : files) {
      // A .gz file stays compressed in memory and is inflated a part at a time (twice: for its
      // checksum, then to decode it), so whatever it expands to never takes memory of that size.
      const bool gzip = IsGzipName(file->path);
      Status read = gzip ? source.ReadStored(*file, buffer) : source.Read(*file, buffer);
      if (!read.ok()) {
        queue.Push(Failure{read});
        break;
      }
      const std::string_view stored(buffer.data(), buffer.size());
      GzipDigest digest;
      if (gzip) {
        digest = DigestGzip(file->path, stored);
      } else {
        digest = {Checksum(buffer.data(), buffer.size()), static_cast<int64_t>(buffer.size())};
      }
      std::string checksum = std::move(digest.checksum);
      const LedgerChange change = ledger_.Classify(*file, checksum);
      if (change == LedgerChange::kTouched) {
        if (!queue.Push(FileTouched{file, ledger_.Find(file->path)->file_id})) break;
        continue;
      }
      FileStart start{file,     next_file_id++, std::nullopt, loaded.count(checksum) > 0,
                      checksum, digest.bytes};
      if (change == LedgerChange::kChanged) start.replaces = ledger_.Find(file->path)->file_id;
      const int64_t file_id = start.file_id;
      const bool duplicate = start.duplicate;
      loaded.insert(std::move(checksum));
      if (!queue.Push(std::move(start))) break;

      BatchingWriter writer(queue);
      QuarantineChunk chunk;
      DecodeCounts decoded;
      int64_t rejected = 0;
      auto on_reject = [&](const Rejection& r) {
        ++rejected;
        if (duplicate) return;
        chunk.rows.push_back({file_id, file->path, r.position.line, r.position.document,
                              r.position.byte_offset, r.field, StorableReason(r.reason),
                              EscapeRawText(r.raw, kRawLimit)});
        if (chunk.rows.size() >= kQuarantineChunkRows) {
          queue.Push(std::move(chunk));
          chunk = QuarantineChunk();
        }
      };
      RowWriter* rows = duplicate ? nullptr : &writer;
      Status status =
          gzip ? DecodeGzip(
                     *file, stored,
                     {.boundary = settings_.boundary, .max_record_size = settings_.max_record_size},
                     decode, file_id, rows, decoded, on_reject)
               : decode(
                     *file,
                     simdjson::padded_string_view(buffer.data(), buffer.size(), buffer.capacity()),
                     file_id, rows, decoded, on_reject, nullptr);
      if (status.ok()) status = writer.Finish();
      if (!status.ok()) {
        queue.Push(Failure{status.WithContext(file->path)});
        break;
      }
      if (!chunk.rows.empty() && !queue.Push(std::move(chunk))) break;
      if (!queue.Push(FileEnd{std::move(decoded), rejected})) break;
    }
    queue.Flush();
    chunks.Close();
  }

  // The writing thread (the caller's): applies each message to the engine, in file order.
  Status WriteAll(BoundedQueue<std::vector<Message>>& queue, TransferProgress& transfer,
                  SourceCounts& counts, std::vector<std::string>& first_errors) {
    SPARKIFY_RETURN_IF_ERROR(OpenStagingWriter());
    WriteState state{transfer, std::chrono::steady_clock::now(), counts, first_errors,
                     std::nullopt};
    while (auto chunk = queue.Pop()) {
      for (Message& message : *chunk) SPARKIFY_RETURN_IF_ERROR(Apply(message, state));
    }
    return Status::Ok();
  }

  struct WriteState {
    TransferProgress& transfer;  // of the files to read
    std::chrono::steady_clock::time_point started;
    SourceCounts& counts;
    std::vector<std::string>& first_errors;
    std::optional<FileStart> current;  // the file whose messages come
  };

  Status Apply(Message& message, WriteState& state) {
    SourceCounts& counts = state.counts;
    if (auto* failure = std::get_if<Failure>(&message)) return failure->status;
    if (auto* touched = std::get_if<FileTouched>(&message)) {
      SPARKIFY_RETURN_IF_ERROR(RefreshLedgerMetadata(touched->file_id, *touched->file));
      ++counts.files_skipped;
      ShowTransfer(state, touched->file->size);
    } else if (auto* file_start = std::get_if<FileStart>(&message)) {
      const FileStart& current = state.current.emplace(std::move(*file_start));
      if (current.replaces) {
        SPARKIFY_RETURN_IF_ERROR(ForgetFile(*current.replaces));
        ++counts.files_replaced;
      }
    } else if (auto* batch = std::get_if<RowBatch>(&message)) {
      SPARKIFY_RETURN_IF_ERROR(batch->ReplayInto(*writer_, settings_.columns->size()));
    } else if (auto* chunk = std::get_if<QuarantineChunk>(&message)) {
      for (QuarantineRow& row : chunk->rows) {
        if (state.first_errors.size() < kFirstErrorsShown) {
          state.first_errors.push_back(fmt::format("{}:{}: {}", row.path, row.line, row.reason));
        }
        quarantine_.push_back(std::move(row));
      }
      if (quarantine_.size() >= kQuarantineFlushRows) {
        SPARKIFY_RETURN_IF_ERROR(FlushQuarantine());
      }
    } else if (auto* end = std::get_if<FileEnd>(&message)) {
      const FileStart& current = *state.current;
      const int64_t accepted = end->decoded.accepted;
      counts.read += accepted + end->rejected;
      if (current.duplicate) {
        counts.filtered += accepted + end->rejected;
      } else {
        counts.loaded += accepted;
        counts.quarantined += end->rejected;
        counts.repaired += end->decoded.repaired;
        for (const auto& [field, n] : end->decoded.repaired_fields) {
          counts.repaired_fields[field] += n;
        }
      }
      ++counts.files;
      counts.bytes += current.bytes;
      ledger_rows_.push_back(
          {current.file_id, *current.file, current.checksum, accepted + end->rejected});
      ShowTransfer(state, current.file->size);
    }
    return Status::Ok();
  }

  // One more file of the transfer is done: the redrawn progress line.
  void ShowTransfer(WriteState& state, uint64_t stored_bytes) {
    TransferProgress& t = state.transfer;
    ++t.files_done;
    t.bytes_done += static_cast<int64_t>(stored_bytes);
    t.records = state.counts.read;
    t.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - state.started).count();
    progress_.Update([&] { return FormatTransfer(settings_.source_name, t); });
  }

  Status ReadLedger() {
    auto ledger = Ledger::Read(engine_, settings_.source_name);
    if (!ledger.ok()) return ledger.status();
    ledger_ = std::move(ledger).value();
    return Status::Ok();
  }

  Status OpenStagingWriter() {
    auto writer = settings_.open_writer ? settings_.open_writer()
                                        : engine_.OpenWriter(settings_.table, *settings_.columns);
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
    return WhilePaused([&] { return Ledger::Forget(engine_, file_id, settings_.forget_file_sql); });
  }

  Status RefreshLedgerMetadata(int64_t file_id, const SourceFile& file) {
    return WhilePaused([&] { return ledger_.RefreshMetadata(engine_, file_id, file); });
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

  Status WriteLedger() { return ledger_.Append(engine_, settings_.run_id, ledger_rows_); }

  Engine& engine_;
  Progress& progress_;
  StagerSettings settings_;
  std::unique_ptr<RowWriter> writer_;
  Ledger ledger_;
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
