// Parts of the pipeline on their own: row batches, the bounded queue, gzip, the local source,
// the error budget parser and file-name dates.
#include <gtest/gtest.h>

#include <thread>

#include "base/numbers.h"
#include "base/progress.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/row_batch.h"
#include "pipeline/source_stager.h"
#include "source/source.h"
#include "sparkify/warehouse_status.h"
#include "test_support.h"

namespace sparkify {
namespace {

// Renders what it is given, to compare.
class TextWriter final : public RowWriter {
 public:
  void Null() override { out += "N,"; }
  void Integer(int64_t v) override { out += "i" + std::to_string(v) + ","; }
  void Real(double v) override { out += "r" + std::to_string(v) + ","; }
  void Text(std::string_view v) override { out += "t" + std::string(v) + ","; }
  Status EndRow() override {
    out += ";";
    return Status::Ok();
  }
  Status Finish() override { return Status::Ok(); }
  std::string out;
};

TEST(Result, BuiltFromAnOkStatusIsAnErrorNotAValue) {
  Result<int> result = Status::Ok();
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("OK status"), std::string::npos);
  Result<int> failed = Status::IoError("x.json: gone");
  EXPECT_EQ(failed.status().message(), "x.json: gone");
}

TEST(RowBatch, ReplaysEveryValueInOrder) {
  RowBatch batch;
  batch.Integer(-7);
  batch.Text("héllo");
  batch.Null();
  ASSERT_TRUE(batch.EndRow().ok());
  batch.Integer(1);
  batch.Text("");
  batch.Real(0.5);
  ASSERT_TRUE(batch.EndRow().ok());
  EXPECT_EQ(batch.rows(), 2u);
  TextWriter out;
  ASSERT_TRUE(batch.ReplayInto(out, 3).ok());
  EXPECT_EQ(out.out, "i-7,théllo,N,;i1,t,r0.500000,;");
}

TEST(BoundedQueue, DeliversInOrderAndCloseWakesBothSides) {
  BoundedQueue<int> queue(2);
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(queue.Push(i));
    queue.Close();
  });
  int expected = 0;
  while (auto v = queue.Pop()) EXPECT_EQ(*v, expected++);
  producer.join();
  EXPECT_EQ(expected, 100);
  EXPECT_FALSE(queue.Push(1));  // closed

  BoundedQueue<int> full(1);
  ASSERT_TRUE(full.Push(1));
  std::thread blocked([&] { EXPECT_FALSE(full.Push(2)); });  // waits until closed
  full.Close();
  blocked.join();
}

TEST(LocalSource, ListsJsonFilesInPathOrderAndReadsGzip) {
  testing::TempDir dir;
  testing::WriteFile(dir / "b" / "2.json", "{\"b\":2}");
  testing::WriteFile(dir / "a" / "1.json", "{\"a\":1}");
  testing::WriteFile(dir / "a" / "notes.txt", "ignored");
  testing::WriteFile(dir / "c" / "3.json", "{\"c\":3}");
  ASSERT_EQ(std::system(("gzip " + (dir / "c" / "3.json").string()).c_str()), 0);
  auto source = MakeLocalSource(dir.path().string());
  auto files = source->List();
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->size(), 3u);
  EXPECT_EQ((*files)[0].path, (dir / "a" / "1.json").string());
  EXPECT_EQ((*files)[2].path, (dir / "c" / "3.json.gz").string());
  PaddedBuffer buffer;
  ASSERT_TRUE(source->Read((*files)[2], buffer).ok());
  EXPECT_EQ(std::string(buffer.data(), buffer.size()), "{\"c\":3}");
  ASSERT_TRUE(source->Read((*files)[0], buffer).ok());
  EXPECT_EQ(std::string(buffer.data(), buffer.size()), "{\"a\":1}");

  auto missing = MakeLocalSource("/no/such/folder")->List();
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("/no/such/folder"), std::string::npos);
}

TEST(Gunzip, TruncatedDataIsAnErrorNamingTheFile) {
  testing::TempDir dir;
  testing::WriteFile(dir / "x.json", std::string(10000, 'x'));
  ASSERT_EQ(std::system(("gzip " + (dir / "x.json").string()).c_str()), 0);
  const std::string zipped = testing::ReadFile(dir / "x.json.gz");
  PaddedBuffer out;
  ASSERT_TRUE(Gunzip("x.json.gz", zipped.data(), zipped.size(), out).ok());
  EXPECT_EQ(out.size(), 10000u);
  Status cut = Gunzip("x.json.gz", zipped.data(), zipped.size() / 2, out);
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.message().find("x.json.gz"), std::string::npos);
}

TEST(ParseNumber, TakesOnlyAWholeNumberInRange) {
  EXPECT_EQ(ParseNumber<int64_t>("-42"), -42);
  EXPECT_EQ(ParseNumber<uint64_t>("18446744073709551615"), UINT64_MAX);
  EXPECT_DOUBLE_EQ(*ParseNumber<double>("218.93179"), 218.93179);
  for (const char* bad : {"", " 1", "1 ", "12x", "0x10", "99999999999999999999"}) {
    EXPECT_FALSE(ParseNumber<int64_t>(bad).has_value()) << bad;
  }
  auto from_warehouse = NumberFromWarehouse<int64_t>("NaN", "load_files.size");
  ASSERT_FALSE(from_warehouse.ok());
  EXPECT_EQ(from_warehouse.status().message(),
            "load_files.size: the warehouse returned 'NaN' where a number was expected");
}

TEST(ErrorBudget, ParsesCountsAndPercentages) {
  auto count = ParseErrorBudget("25");
  ASSERT_TRUE(count.ok());
  EXPECT_EQ(*count->max_count, 25);
  auto percent = ParseErrorBudget("0.5%");
  ASSERT_TRUE(percent.ok());
  EXPECT_FALSE(percent->max_count.has_value());
  EXPECT_DOUBLE_EQ(percent->max_percent, 0.5);
  for (const char* bad : {"", "x", "-1", "5x", "150%", "%"}) {
    auto r = ParseErrorBudget(bad);
    EXPECT_FALSE(r.ok()) << bad;
  }
}

TEST(DateInFileName, FindsTheDayOfALogFile) {
  EXPECT_EQ(DateInFileName("log_data/2018/11/2018-11-01-events.json"), "2018-11-01");
  EXPECT_EQ(DateInFileName("s3://b/p/2019-01-31.json.gz"), "2019-01-31");
  EXPECT_EQ(DateInFileName("log_data/2018/11/events.json"), "");
}

TEST(Progress, TransferLineHasFilesBytesPercentageRateAndTimeLeft) {
  TransferProgress p{.files_done = 12,
                     .files_total = 30,
                     .bytes_done = 1'400'000,
                     .bytes_total = 3'600'000,
                     .records = 160'000,
                     .seconds = 2};
  EXPECT_EQ(FormatTransfer("logs", p),
            "logs: 12/30 files, 1.4 MB/3.6 MB (39%), 700.0 kB/s, ETA 3 s, 160,000 records");
  p = {.files_done = 1,
       .files_total = 9,
       .bytes_done = 1'000'000,
       .bytes_total = 1'000'000'000,
       .records = 5,
       .seconds = 1};
  EXPECT_EQ(FormatTransfer("songs", p),
            "songs: 1/9 files, 1.0 MB/1.0 GB (0%), 1.0 MB/s, ETA 16:39, 5 records");
  // Done: no time left to show; nothing to read: no bytes either.
  p = {.files_done = 2,
       .files_total = 2,
       .bytes_done = 512,
       .bytes_total = 512,
       .records = 2,
       .seconds = 0.5};
  EXPECT_EQ(FormatTransfer("logs", p), "logs: 2/2 files, 512 B/512 B (100%), 1.0 kB/s, 2 records");
  EXPECT_EQ(FormatTransfer("logs", TransferProgress{}), "logs: 0/0 files, 0 records");
}

TEST(PrintableText, EscapesWhatWouldDriveATerminal) {
  EXPECT_EQ(PrintableText("a\x1b[2J\n\t\r\x07\x7f b\\c"), "a\\x1b[2J\\n\\t\\r\\x07\\x7f b\\\\c");
  // C1 controls (CSI as one character) and bidirectional overrides; other text stays.
  EXPECT_EQ(PrintableText("\xc2\x9b"
                          "31m \xe2\x80\xae"
                          "evil \xe2\x81\xa6 caf\xc3\xa9 \xf0\x9f\x8e\xb5"),
            "\\u{009b}31m \\u{202e}evil \\u{2066} caf\xc3\xa9 \xf0\x9f\x8e\xb5");
  EXPECT_EQ(PrintableText("bad \xff\xc3"), "bad \\xff\\xc3");  // not UTF-8
}

}  // namespace
}  // namespace sparkify
