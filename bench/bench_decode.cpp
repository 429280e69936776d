// Record decoder micro-benchmarks: EventDecoder and SongDecoder over generated data held in
// memory, one thread. Items are records (events/s, songs/s); bytes are input bytes (GB/s).
//   build/bench/bench_decode [--benchmark_filter=...]
// The data: a dataset made once per process by sparkify::Generate in a temporary folder (5,000
// song files, one day of 100,000 events; removed once read into memory), or the folder named by
// SPARKIFY_BENCH_DATA (with song_data/ and log_data/, e.g. a workload of bench/run).
// The *ToRows variants also write each record as a staging row into an in-memory batch, as the
// pipeline's decoding thread does (pipeline/staging.h, pipeline/row_batch.h).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "pipeline/row_batch.h"
#include "pipeline/staging.h"
#include "sparkify/generate.h"
#include "workload.h"

namespace {

using namespace sparkify;
using namespace sparkify::bench;
namespace fs = std::filesystem;

struct InMemoryFile {
  std::string path;
  simdjson::padded_string bytes;
};

struct Data {
  std::vector<InMemoryFile> songs;
  std::vector<InMemoryFile> logs;
  int64_t song_bytes = 0;
  int64_t log_bytes = 0;
  int64_t song_records = 0;
  int64_t log_records = 0;
};

std::vector<InMemoryFile> ReadAll(const std::string& root, InputKind kind, int64_t& bytes,
                                  int64_t& records) {
  auto folder = InputFolder::Open(kind, root);
  if (!folder.ok()) {
    std::fprintf(stderr, "bench_decode: %s\n", folder.status().message().c_str());
    std::exit(1);
  }
  std::vector<InMemoryFile> files;
  PaddedBuffer buffer;
  FileDecoder decoder;
  DecodeCounts counts;
  for (const SourceFile& f : folder->files()) {
    Status status = folder->source().Read(f, buffer);
    if (status.ok()) status = decoder.Decode(*folder, f, 1, nullptr, counts);
    if (!status.ok()) {
      std::fprintf(stderr, "bench_decode: %s\n", status.message().c_str());
      std::exit(1);
    }
    files.push_back({f.path, simdjson::padded_string(buffer.data(), buffer.size())});
  }
  bytes = counts.bytes;
  records = counts.records;
  return files;
}

class TemporaryFolder {
 public:
  TemporaryFolder() {
    std::string pattern = (fs::temp_directory_path() / "sparkify-bench-decode-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TemporaryFolder() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const Data& GetData() {
  static const Data data = [] {
    std::string root;
    TemporaryFolder temporary;
    if (const char* given = std::getenv("SPARKIFY_BENCH_DATA"); given && *given) {
      root = given;
    } else {
      GenerateOptions options;
      options.out_dir = temporary.path() + "/data";
      options.songs = 5000;
      options.days = 1;
      options.events_per_day = 100000;
      if (auto generated = Generate(options); !generated.ok()) {
        std::fprintf(stderr, "bench_decode: %s\n", generated.status().message().c_str());
        std::exit(1);
      }
      root = options.out_dir;
    }
    Data d;
    d.songs = ReadAll(root + "/song_data", InputKind::kSongs, d.song_bytes, d.song_records);
    d.logs = ReadAll(root + "/log_data", InputKind::kLogs, d.log_bytes, d.log_records);
    return d;
  }();
  return data;
}

// Decodes every file of `files` with `decoder`; with `rows`, writes staging rows into a batch
// cleared every 8192 rows.
template <typename Decoder, typename Record>
void DecodeFiles(benchmark::State& state, const std::vector<InMemoryFile>& files, int64_t records,
                 int64_t bytes, Status (*write_row)(const Record&, int64_t, int64_t, RowWriter&)) {
  Decoder decoder;
  RowBatch batch;
  int64_t decoded = 0, rejected = 0;
  const auto on_reject = [&](const Rejection&) { ++rejected; };
  for (auto _ : state) {
    for (const InMemoryFile& f : files) {
      decoder.DecodeFile(
          f.path, f.bytes,
          [&](const Record& r, const RecordPosition& p) {
            ++decoded;
            if (write_row != nullptr) {
              (void)write_row(r, 1, p.line, batch);
              if (batch.rows() >= 8192) batch.Clear();
            }
          },
          on_reject);
    }
  }
  if (decoded != records * static_cast<int64_t>(state.iterations()) || rejected != 0) {
    state.SkipWithError("the decoder did not accept every record");
  }
  state.SetItemsProcessed(decoded);
  state.SetBytesProcessed(bytes * static_cast<int64_t>(state.iterations()));
  state.counters["records_per_iteration"] = static_cast<double>(records);
  state.counters["files_per_iteration"] = static_cast<double>(files.size());
}

void BM_EventDecoder(benchmark::State& state) {
  const Data& d = GetData();
  DecodeFiles<EventDecoder, EventRecord>(state, d.logs, d.log_records, d.log_bytes, nullptr);
}
BENCHMARK(BM_EventDecoder)->Unit(benchmark::kMillisecond);

void BM_EventDecoderToRows(benchmark::State& state) {
  const Data& d = GetData();
  DecodeFiles<EventDecoder, EventRecord>(state, d.logs, d.log_records, d.log_bytes, WriteEventRow);
}
BENCHMARK(BM_EventDecoderToRows)->Unit(benchmark::kMillisecond);

void BM_SongDecoder(benchmark::State& state) {
  const Data& d = GetData();
  DecodeFiles<SongDecoder, SongRecord>(state, d.songs, d.song_records, d.song_bytes, nullptr);
}
BENCHMARK(BM_SongDecoder)->Unit(benchmark::kMillisecond);

void BM_SongDecoderToRows(benchmark::State& state) {
  const Data& d = GetData();
  DecodeFiles<SongDecoder, SongRecord>(state, d.songs, d.song_records, d.song_bytes, WriteSongRow);
}
BENCHMARK(BM_SongDecoderToRows)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
