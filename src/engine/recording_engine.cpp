#include "engine/recording_engine.h"

#include <fmt/format.h>

#include <algorithm>

#include "source/source.h"

namespace sparkify {
namespace {

// Counts the rows it is given and, when `shown`, renders each as a comment line; on Finish()
// records one comment for the table.
class CountingWriter final : public RowWriter {
 public:
  CountingWriter(RecordingEngine& engine, std::string_view table,
                 const std::vector<std::string>& columns, bool shown, const char* how)
      : engine_(engine), table_(table), shown_(shown), how_(how) {
    for (const std::string& c : columns) columns_ += (columns_.empty() ? "" : ", ") + c;
  }

  void Null() override { Value("NULL"); }
  void Integer(int64_t value) override { Value(std::to_string(value)); }
  void Real(double value) override { Value(fmt::format("{}", value)); }
  // Quoted as paths are, so a newline in a value cannot end the comment line.
  void Text(std::string_view value) override { Value(QuotedPath(value)); }
  Status EndRow() override {
    ++rows_;
    if (shown_) shown_rows_ += "  " + row_ + "\n";
    row_.clear();
    return Status::Ok();
  }
  Status Finish() override {
    engine_.Note(fmt::format("load {} row(s) into {} ({}){}\n{}", rows_, table_, columns_, how_,
                             shown_rows_));
    shown_rows_.clear();
    rows_ = 0;
    return Status::Ok();
  }

 private:
  void Value(const std::string& text) {
    if (shown_) row_ += (row_.empty() ? "" : " | ") + text;
  }

  RecordingEngine& engine_;
  std::string table_, columns_;
  bool shown_;
  const char* how_;
  int64_t rows_ = 0;
  std::string row_, shown_rows_;
};

}  // namespace

RecordingEngine::RecordingEngine(Options options) : options_(std::move(options)) {}
RecordingEngine::~RecordingEngine() = default;

Status RecordingEngine::Execute(std::string_view sql) {
  Record(sql);
  return fail_ ? fail_(sql) : Status::Ok();
}

Result<QueryResult> RecordingEngine::Query(std::string_view sql) {
  Record(sql);
  if (answer_) {
    if (auto rows = answer_(sql)) return *rows;
  }
  return QueryResult{};
}

Status RecordingEngine::Begin() {
  Record(options_.begin);
  return Status::Ok();
}

Status RecordingEngine::Commit() {
  Record("COMMIT");
  return Status::Ok();
}

Status RecordingEngine::Rollback() {
  Record("ROLLBACK");
  return Status::Ok();
}

Result<std::unique_ptr<RowWriter>> RecordingEngine::OpenWriter(
    std::string_view table, const std::vector<std::string>& columns) {
  if (options_.open_writer) return options_.open_writer(*this, table, columns);
  const auto& shown = options_.rows_shown;
  return std::unique_ptr<RowWriter>(std::make_unique<CountingWriter>(
      *this, table, columns, std::find(shown.begin(), shown.end(), table) != shown.end(), ""));
}

Result<std::unique_ptr<RowWriter>> RecordingEngine::OpenWriterSkippingDuplicates(
    std::string_view table, const std::vector<std::string>& columns) {
  return std::unique_ptr<RowWriter>(std::make_unique<CountingWriter>(
      *this, table, columns, false, ", each row whose key is there already skipped"));
}

Result<bool> RecordingEngine::TableExists(std::string_view) { return options_.tables_exist; }

void RecordingEngine::Note(std::string_view text) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t end = std::min(text.find('\n', pos), text.size());
    transcript_ += "-- ";
    transcript_ += text.substr(pos, end - pos);
    transcript_ += "\n";
    pos = end + 1;
  }
}

void RecordingEngine::set_server_staging(std::unique_ptr<ServerStaging> staging) {
  owned_staging_ = std::move(staging);
  staging_ = owned_staging_.get();
}

void RecordingEngine::set_server_staging(ServerStaging* staging) {
  owned_staging_.reset();
  staging_ = staging;
}

void RecordingEngine::Record(std::string_view sql) {
  std::string text(sql);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (!text.empty() && text.back() != ';') text += ";";
  transcript_ += text + "\n";
}

}  // namespace sparkify
