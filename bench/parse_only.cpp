// parse_only: reads and decodes a whole workload with the pipeline's decoders and no engine, on
// N threads: the ceiling of the pipeline's decoding side. bench/run runs it with 1 and 2 threads.
//
//   build/bench/parse_only --song-data DIR --log-data DIR [--threads N] [--rows]
//   build/bench/parse_only --song-data DIR --log-data DIR --tsv-out DIR
//
// --rows also writes each record as a staging row into an in-memory batch of 8192 rows (what
// the pipeline's decoding thread does before handing batches to the engine).
// --tsv-out writes the staging rows instead, as PostgreSQL COPY text files staging_songs.tsv
// and staging_events.tsv (columns in the pipeline's order), for bench/run's `psql \copy`
// ceiling. Prints one JSON object with files, bytes, records and seconds per source.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <cstdio>
#include <memory>
#include <thread>

#include "pipeline/row_batch.h"
#include "pipeline/staging.h"
#include "workload.h"

namespace {

using namespace sparkify;
using namespace sparkify::bench;

struct Options {
  std::string song_data;
  std::string log_data;
  int threads = 1;
  bool rows = false;
  std::string tsv_out;  // empty: no TSV
};

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FileHandle = std::unique_ptr<std::FILE, FileCloser>;

// PostgreSQL COPY text format: tab-separated, \N for NULL, backslash escapes.
class TsvWriter final : public RowWriter {
 public:
  explicit TsvWriter(FileHandle file) : file_(std::move(file)) {}
  void Null() override {
    Separate();
    line_ += "\\N";
  }
  void Integer(int64_t v) override {
    Separate();
    fmt::format_to(std::back_inserter(line_), "{}", v);
  }
  void Real(double v) override {  // the shortest text that reads back as the same double
    Separate();
    fmt::format_to(std::back_inserter(line_), "{}", v);
  }
  void Text(std::string_view v) override {
    Separate();
    for (char c : v) {
      switch (c) {
        case '\\':
          line_ += "\\\\";
          break;
        case '\t':
          line_ += "\\t";
          break;
        case '\n':
          line_ += "\\n";
          break;
        case '\r':
          line_ += "\\r";
          break;
        default:
          line_.push_back(c);
      }
    }
  }
  Status EndRow() override {
    line_.push_back('\n');
    first_ = true;
    return line_.size() >= (1u << 20) ? Flush() : Status::Ok();
  }
  Status Finish() override { return Flush(); }

 private:
  void Separate() {
    if (!first_) line_.push_back('\t');
    first_ = false;
  }
  Status Flush() {
    if (std::fwrite(line_.data(), 1, line_.size(), file_.get()) != line_.size()) {
      return Status::IoError("cannot write the TSV file");
    }
    line_.clear();
    return Status::Ok();
  }
  FileHandle file_;
  std::string line_;
  bool first_ = true;
};

// Decodes every file of `folder` on `threads` threads; returns the seconds taken.
Result<double> DecodeAll(const InputFolder& folder, int threads, bool rows, DecodeCounts& total) {
  std::atomic<size_t> next{0};
  std::vector<DecodeCounts> counts(threads);
  std::vector<Status> statuses(threads);
  const double started = NowSeconds();
  auto work = [&](int t) {
    FileDecoder decoder;
    RowBatch batch;
    const auto& files = folder.files();
    for (size_t i; (i = next.fetch_add(1)) < files.size();) {
      statuses[t] = decoder.Decode(folder, files[i], static_cast<int64_t>(i) + 1,
                                   rows ? &batch : nullptr, counts[t]);
      if (!statuses[t].ok()) return;
      if (batch.rows() >= 8192) batch.Clear();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, t);
  work(0);
  for (auto& thread : pool) thread.join();
  const double seconds = NowSeconds() - started;
  for (int t = 0; t < threads; ++t) {
    SPARKIFY_RETURN_IF_ERROR(statuses[t]);
    total.files += counts[t].files;
    total.bytes += counts[t].bytes;
    total.records += counts[t].records;
    total.rejected += counts[t].rejected;
  }
  return seconds;
}

Status WriteTsv(const InputFolder& folder, int64_t first_file_id, const std::string& path,
                DecodeCounts& counts) {
  FileHandle file(std::fopen(path.c_str(), "wb"));
  if (!file) return Status::IoError(path + ": cannot create");
  TsvWriter writer(std::move(file));
  FileDecoder decoder;
  int64_t file_id = first_file_id;
  for (const SourceFile& f : folder.files()) {
    SPARKIFY_RETURN_IF_ERROR(decoder.Decode(folder, f, file_id++, &writer, counts));
  }
  return writer.Finish().WithContext(path);
}

std::string CountsJson(const DecodeCounts& c, double seconds) {
  return fmt::format(
      "{{\"files\": {}, \"bytes\": {}, \"records\": {}, \"rejected\": {}, \"seconds\": {:.3f}}}",
      c.files, c.bytes, c.records, c.rejected, seconds);
}

int Run(const Options& options) {
  auto songs = InputFolder::Open(InputKind::kSongs, options.song_data);
  auto logs = songs.ok() ? InputFolder::Open(InputKind::kLogs, options.log_data) : songs.status();
  if (!logs.ok()) {
    fmt::print(stderr, "parse_only: {}\n", logs.status().message());
    return 1;
  }
  DecodeCounts song_counts, log_counts;
  if (!options.tsv_out.empty()) {
    const double started = NowSeconds();
    Status status = WriteTsv(*songs, 1, options.tsv_out + "/staging_songs.tsv", song_counts);
    if (status.ok()) {
      status = WriteTsv(*logs, static_cast<int64_t>(songs->files().size()) + 1,
                        options.tsv_out + "/staging_events.tsv", log_counts);
    }
    if (!status.ok()) {
      fmt::print(stderr, "parse_only: {}\n", status.message());
      return 1;
    }
    fmt::print(
        "{{\"tsv_out\": \"{}\", \"song_columns\": \"{}\", \"event_columns\": \"{}\", "
        "\"songs\": {}, \"logs\": {}, \"seconds\": {:.3f}}}\n",
        options.tsv_out, fmt::join(StagingSongColumns(), ", "),
        fmt::join(StagingEventColumns(), ", "), CountsJson(song_counts, 0),
        CountsJson(log_counts, 0), NowSeconds() - started);
    return 0;
  }
  auto song_seconds = DecodeAll(*songs, options.threads, options.rows, song_counts);
  auto log_seconds =
      song_seconds.ok() ? DecodeAll(*logs, options.threads, options.rows, log_counts) : 0.0;
  for (const Status& s : {song_seconds.status(), log_seconds.status()}) {
    if (!s.ok()) {
      fmt::print(stderr, "parse_only: {}\n", s.message());
      return 1;
    }
  }
  fmt::print(
      "{{\"threads\": {}, \"rows\": {}, \"songs\": {}, \"logs\": {}, \"seconds\": {:.3f}}}\n",
      options.threads, options.rows, CountsJson(song_counts, *song_seconds),
      CountsJson(log_counts, *log_seconds), *song_seconds + *log_seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Decode a workload with sparkify's decoders and no engine; prints JSON."};
  Options options;
  app.add_option("--song-data", options.song_data, "song_data folder")->required();
  app.add_option("--log-data", options.log_data, "log_data folder")->required();
  app.add_option("--threads", options.threads, "decoding threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_flag("--rows", options.rows, "also build staging rows in memory, as the pipeline does");
  app.add_option("--tsv-out", options.tsv_out,
                 "write staging_songs.tsv and staging_events.tsv (COPY text) to this folder");
  CLI11_PARSE(app, argc, argv);
  return Run(options);
}
