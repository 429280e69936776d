// .gz input through `sparkify run` (SQLite): inflated a part at a time, yet record for record the
// same as the plain file; a truncated file keeps what can be read and quarantines the rest, with
// the file named; a record that inflates past the size limit is one quarantined record.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_support.h"

namespace sparkify {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::RunSparkify;
using testing::SqliteInt;
using testing::SqliteRows;
using testing::TempDir;
using testing::WriteFile;

std::string Play(int64_t i, const std::string& song = "s") {
  return fmt::format(
      R"({{"ts":{},"sessionId":{},"itemInSession":{},"page":"NextSong","song":"{}","userId":"7"}})",
      1541030400000 + i, 1 + i / 1000, i % 1000, song);
}

// About 9 MiB of events (several inflated parts of 4 MiB) with everything the decoder cuts records
// at: malformed lines, garbage, pretty-printed documents, a record over 1 MiB.
std::string MixedLog() {
  std::string text;
  const std::string padding(200, 'p');
  for (int64_t i = 0; text.size() < (size_t{9} << 20); ++i) {
    if (i % 5000 == 17) {
      text += "this is not json at all\n";
    } else if (i % 5000 == 99) {
      text += R"({"ts":1,"sessionId":)"
              "\n";
    } else if (i % 7000 == 3) {
      text += fmt::format("{{\n  \"ts\": {},\n  \"sessionId\": 9,\n  \"itemInSession\": {}\n}}\n",
                          1541030400000 + i, i);
    } else if (i == 12000) {
      text += Play(i, std::string(size_t{3} << 19, 'L')) + "\n";
    } else {
      text += Play(i, padding) + "\n";
    }
  }
  return text;
}

struct Loaded {
  CommandResult run;
  std::vector<std::string> staged, errors;
};

Loaded Load(const TempDir& dir, const std::string& name, const std::string& extra = "") {
  const fs::path db = dir / (name + ".db");
  Loaded l;
  // Staged, so that staging_events shows every record as it was decoded.
  l.run = RunSparkify("run --stage-events -q --json --max-errors 50% --database '" + db.string() +
                      "' --song-data '" + (dir / "songs").string() + "' --log-data '" +
                      (dir / name).string() + "'" + extra);
  EXPECT_EQ(l.run.exit_code, 0) << l.run.err;
  l.staged = SqliteRows(db, "SELECT line, ts, length(song) FROM staging_events ORDER BY line");
  l.errors = SqliteRows(db,
                        "SELECT line, document, byte_offset, reason, raw_text FROM load_errors "
                        "ORDER BY byte_offset");
  return l;
}

void Gzip(const fs::path& file) {
  ASSERT_EQ(std::system(("gzip -f '" + file.string() + "'").c_str()), 0);
}

TEST(GzipInput, PartsDecodeExactlyAsTheWholeFile) {
  TempDir dir;
  WriteFile(dir / "songs/s.json", R"({"song_id":"SO1","artist_id":"AR1","title":"t"})");
  const std::string log = MixedLog();
  WriteFile(dir / "plain/2018-11-01-events.json", log);
  WriteFile(dir / "zipped/2018-11-01-events.json", log);
  Gzip(dir / "zipped/2018-11-01-events.json");

  const Loaded plain = Load(dir, "plain"), zipped = Load(dir, "zipped");
  ASSERT_GT(plain.staged.size(), 20000u);
  EXPECT_EQ(plain.staged, zipped.staged);
  EXPECT_EQ(plain.errors, zipped.errors);
  EXPECT_GE(plain.errors.size(), 6u);
  const auto counts = [](const std::string& json) {
    return json.substr(json.find("\"logs\""), json.find("\"songplays\"") - json.find("\"logs\""));
  };
  EXPECT_EQ(counts(plain.run.out), counts(zipped.run.out));
  // The record over 1 MiB loaded whole.
  EXPECT_EQ(SqliteInt(dir / "zipped.db", "SELECT MAX(length(song)) FROM staging_events"),
            int64_t{3} << 19);
}

TEST(GzipInput, ATruncatedFileKeepsWhatCanBeReadAndQuarantinesTheRest) {
  TempDir dir;
  WriteFile(dir / "songs/s.json", R"({"song_id":"SO1","artist_id":"AR1","title":"t"})");
  std::string log;
  for (int i = 0; i < 20000; ++i) log += Play(i) + "\n";
  WriteFile(dir / "logs/2018-11-01-events.json", log);
  Gzip(dir / "logs/2018-11-01-events.json");
  const fs::path gz = dir / "logs/2018-11-01-events.json.gz";
  std::string bytes = testing::ReadFile(gz);
  bytes.resize(bytes.size() / 2);
  WriteFile(gz, bytes);
  WriteFile(dir / "logs/2018-11-02-events.json", Play(50000) + "\n");  // the rest still loads

  const Loaded l = Load(dir, "logs");
  ASSERT_FALSE(l.errors.empty());
  EXPECT_NE(l.errors.back().find("2018-11-01-events.json.gz: gzip: the data ends early "
                                 "(truncated file): the rest of the file"),
            std::string::npos)
      << l.errors.back();
  const fs::path db = dir / "logs.db";
  const int64_t staged = SqliteInt(db, "SELECT COUNT(*) FROM staging_events");
  EXPECT_GT(staged, 1000);
  EXPECT_LT(staged, 20000);
  EXPECT_EQ(SqliteInt(db, "SELECT COUNT(*) FROM staging_events WHERE ts = 1541030450000"), 1);
  // Every line before the cut loaded, in order.
  EXPECT_EQ(SqliteInt(db,
                      "SELECT MAX(line) FROM staging_events WHERE file_id = (SELECT file_id "
                      "FROM load_files WHERE path LIKE '%01-events.json.gz')"),
            staged - 1);
  EXPECT_NE(l.run.out.find(fmt::format("\"read\": {}, \"loaded\": {}, \"filtered\": 0, "
                                       "\"quarantined\": {}",
                                       staged + l.errors.size(), staged, l.errors.size())),
            std::string::npos)
      << l.run.out;
}

TEST(GzipInput, ABombIsOneRecordOverTheLimit) {
  TempDir dir;
  WriteFile(dir / "songs/s.json", R"({"song_id":"SO1","artist_id":"AR1","title":"t"})");
  // 64 MiB of one line of zeros, inflated from about 64 KiB, then a valid play.
  WriteFile(dir / "bomb/2018-11-01-events.json",
            std::string(size_t{64} << 20, '0') + "\n" + Play(1) + "\n");
  Gzip(dir / "bomb/2018-11-01-events.json");
  ASSERT_LT(fs::file_size(dir / "bomb/2018-11-01-events.json.gz"), size_t{1} << 20);
  const Loaded l = Load(dir, "bomb", " --max-record-size 1MiB");
  ASSERT_EQ(l.errors.size(), 1u);
  EXPECT_NE(l.errors[0].find("record of 67108865 bytes is over the size limit of 1048576 bytes"),
            std::string::npos)
      << l.errors[0];
  EXPECT_EQ(l.staged, (std::vector<std::string>{"2|1541030400001|1"}));
}

}  // namespace
}  // namespace sparkify
