#include "workload.h"

#include <chrono>

#include "pipeline/staging.h"

namespace sparkify::bench {

Result<InputFolder> InputFolder::Open(InputKind kind, const std::string& root) {
  InputFolder folder;
  folder.kind_ = kind;
  folder.source_ = MakeLocalSource(root);
  auto files = folder.source_->List();
  if (!files.ok()) return files.status();
  folder.files_ = std::move(files.value());
  return folder;
}

Status FileDecoder::Decode(const InputFolder& folder, const SourceFile& file, int64_t file_id,
                           RowWriter* rows, DecodeCounts& counts) {
  SPARKIFY_RETURN_IF_ERROR(folder.source().Read(file, buffer_));
  ++counts.files;
  counts.bytes += static_cast<int64_t>(buffer_.size());
  const simdjson::padded_string_view data(buffer_.data(), buffer_.size(), buffer_.capacity());
  const auto on_reject = [&](const Rejection&) { ++counts.rejected; };
  Status status;
  if (folder.kind() == InputKind::kLogs) {
    events_.DecodeFile(
        file.path, data,
        [&](const EventRecord& e, const RecordPosition& p) {
          ++counts.records;
          if (!rows || !status.ok()) return;
          status = direct_ ? WriteDirectEvent(e, file_id, p.line, *direct_, *rows)
                           : WriteEventRow(e, file_id, p.line, *rows);
        },
        on_reject);
  } else {
    songs_.DecodeFile(
        file.path, data,
        [&](const SongRecord& s, const RecordPosition& p) {
          ++counts.records;
          if (rows && status.ok()) status = WriteSongRow(s, file_id, p.document, *rows);
        },
        on_reject);
  }
  return status.WithContext(file.path);
}

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

}  // namespace sparkify::bench
