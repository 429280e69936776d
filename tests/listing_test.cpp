// Listing the sources, where input nobody here wrote hides: an unreadable folder, dangling links,
// FIFOs, link loops and names with newlines on disk; S3 listings cut short, prefixes that are
// not folders, prefixes with nothing under them. A listing is complete or the run fails naming
// what it could not list; whatever is passed over is warned about and counted.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "fault_proxy.h"
#include "moto_fixture.h"
#include "s3/s3_client.h"
#include "s3/s3_source.h"
#include "source/source.h"
#include "test_support.h"

namespace sparkify {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::Dataset;
using testing::RunSparkify;
using testing::TempDir;
using testing::WriteFile;

// How to run the sparkify binary as a user the permission bits apply to: root reads a folder
// of mode 000 anyway. Empty when not possible (then `why` says so).
std::string UnprivilegedPrefix(std::string& why) {
  if (::geteuid() != 0) return " ";  // already unprivileged
  if (std::system("setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null") != 0) {
    why = "running as root without a working setpriv: root ignores a folder's mode 000";
    return "";
  }
  return "setpriv --reuid=nobody --regid=nogroup --clear-groups ";
}

// Lets every user walk and read `root` (a TempDir is 0700), for the unprivileged runs.
void OpenToAll(const fs::path& root) {
  for (fs::path p = root; p != p.parent_path() && p != fs::temp_directory_path();
       p = p.parent_path()) {
    ::chmod(p.c_str(), 0755);
  }
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    ::chmod(entry.path().c_str(), entry.is_directory() ? 0755 : 0644);
  }
}

TEST(LocalListing, AnUnreadableFolderIsAnErrorNamingItNotAShorterListing) {
  std::string why;
  const std::string as_user = UnprivilegedPrefix(why);
  if (as_user.empty()) GTEST_SKIP() << why;
  Dataset data;
  // "2018/10" sorts before "2018/11": every file after it in directory order would be lost.
  const fs::path locked = data.logs / "2018" / "10";
  fs::create_directories(locked);
  WriteFile(locked / "2018-10-31-events.json", testing::Event(1540000000000, 1, 0) + "\n");
  OpenToAll(data.dir.path());
  ::chmod(data.dir.path().c_str(), 0777);  // the unprivileged run creates its warehouse here

  const std::string args = "etl --dry-run " + data.Sources();
  const CommandResult readable = RunSparkify(args, as_user);
  ASSERT_EQ(readable.exit_code, 0) << readable.err;
  EXPECT_NE(readable.out.find(": 31 file(s)"), std::string::npos) << readable.out.substr(0, 2000);

  ASSERT_EQ(::chmod(locked.c_str(), 0), 0);
  const CommandResult denied = RunSparkify(args, as_user);
  ::chmod(locked.c_str(), 0755);
  EXPECT_EQ(denied.exit_code, 1) << denied.out.substr(0, 2000);
  EXPECT_EQ(denied.err,
            "sparkify: error: \"" + locked.string() + "\": cannot list: Permission denied\n");
  EXPECT_EQ(denied.out, "");

  // The same for a real run: nothing is loaded from a partial listing.
  ASSERT_EQ(::chmod(locked.c_str(), 0), 0);
  const CommandResult run = RunSparkify("run -q " + data.Args(data.dir / "w.db"), as_user);
  ::chmod(locked.c_str(), 0755);
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find(locked.string() + "\": cannot list: Permission denied"), std::string::npos)
      << run.err;
  EXPECT_EQ(testing::SqliteInt(data.dir / "w.db", "SELECT COUNT(*) FROM load_files"), 0);
}

TEST(LocalListing, OddEntriesAreWarnedCountedAndNeverFollowedIntoALoop) {
  Dataset data;
  const fs::path day = data.logs / "2018" / "11";
  fs::create_symlink(data.dir / "gone.json", day / "dangling.json");
  ASSERT_EQ(::mkfifo((day / "pipe.json").c_str(), 0644), 0);
  fs::create_directory_symlink("../..", day / "loop");  // back to log_data
  fs::create_symlink("self.json", day / "self.json");   // a link to itself
  // A name with a newline: loaded like any other file, and quoted wherever it is shown.
  const fs::path newline = day / "2018-11-31-odd\nname.json";
  WriteFile(newline, testing::Event(1543622400000, 9, 0) + "\n");

  const CommandResult plan = RunSparkify("etl --dry-run " + data.Sources());
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  // 30 days + the odd name, each once: the loop was not walked into.
  EXPECT_NE(plan.out.find("-- logs: \"" + data.logs.string() + "\": 31 file(s), "),
            std::string::npos)
      << plan.out.substr(0, 3000);
  EXPECT_NE(plan.out.find(" | \"logs\" | \"" + day.string() + "/2018-11-31-odd\\nname.json\" | "),
            std::string::npos)
      << "the ledger's row of the odd name";
  EXPECT_NE(plan.out.find("-- warning: logs: skipped \"" + (day / "dangling.json").string() +
                          "\": a dangling symbolic link"),
            std::string::npos);
  EXPECT_NE(plan.out.find("-- warning: logs: skipped \"" + (day / "pipe.json").string() +
                          "\": not a regular file (a FIFO)"),
            std::string::npos);
  EXPECT_NE(plan.out.find("-- warning: logs: skipped \"" + (day / "loop").string() +
                          "\": a symbolic link loop: it leads back to a folder being listed"),
            std::string::npos);
  EXPECT_NE(plan.out.find("-- warning: logs: skipped \"" + (day / "self.json").string() +
                          "\": a symbolic link loop (not followed)"),
            std::string::npos);
  // Every line of the plan's rows is a comment: no bare line from the newline in the name.
  for (size_t pos = 0, end; (end = plan.out.find('\n', pos)) != std::string::npos; pos = end + 1) {
    const std::string line = plan.out.substr(pos, end - pos);
    EXPECT_NE(line.rfind("name.json", 0), 0u) << line;
  }

  const CommandResult run = RunSparkify("run --json " + data.Args());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("\"entries_skipped\": 4"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"logs: skipped \\\"" + (day / "pipe.json").string() +
                         "\\\": not a regular file (a FIFO)\""),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.err.find("sparkify: warning: logs: skipped \"" + (day / "dangling.json").string() +
                         "\": a dangling symbolic link (its target does not exist)\n"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("4 entries skipped (see the warnings)"), std::string::npos) << run.err;
  EXPECT_EQ(testing::SqliteInt(data.db, "SELECT COUNT(*) FROM load_files"), 71 + 31);
  EXPECT_EQ(testing::SqliteInt(
                data.db, "SELECT COUNT(*) FROM load_files WHERE path = '" + newline.string() + "'"),
            1);
}

TEST(LocalListing, AMissingFolderAndAnEmptyOneAreDifferent) {
  TempDir dir;
  auto missing = MakeLocalSource((dir / "nothing").string())->List();
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(), (dir / "nothing").string() + ": no such file or directory");
  fs::create_directories(dir / "empty");
  auto empty = MakeLocalSource((dir / "empty").string())->List();
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_TRUE(empty->empty());
}

TEST(QuotedPath, KeepsAnyNameOnOneLine) {
  EXPECT_EQ(QuotedPath("a/b.json"), "\"a/b.json\"");
  EXPECT_EQ(QuotedPath("a\nb\t\"c\"\\d\x01.json"), "\"a\\nb\\t\\\"c\\\"\\\\d\\x01.json\"");
  EXPECT_EQ(QuotedPath("caf\xc3\xa9.json"), "\"caf\xc3\xa9.json\"");  // UTF-8 kept as is
}

// ---- S3

constexpr const char* kBucket = "listing-test";

GetEnv Env(const std::string& endpoint) {
  return [endpoint](const std::string& name) -> std::optional<std::string> {
    if (name == "AWS_ENDPOINT_URL") return endpoint;
    if (name == "AWS_ACCESS_KEY_ID") return "testing";
    if (name == "AWS_SECRET_ACCESS_KEY") return "testing-secret";
    if (name == "AWS_REGION") return "us-west-2";
    if (name == "HOME") return "/nonexistent";
    return std::nullopt;
  };
}

std::unique_ptr<S3Client> Client(const std::string& endpoint) {
  auto settings = ResolveAwsSettings(S3Options{}, Env(endpoint));
  EXPECT_TRUE(settings.ok());
  S3ClientOptions options;
  options.settings = *settings;
  return std::make_unique<S3Client>(std::move(options));
}

S3SourceOptions FastRetries() {
  S3SourceOptions options;
  options.retry = RetryPolicy{4, std::chrono::milliseconds(1), std::chrono::milliseconds(5)};
  return options;
}

// Eleven songs under song_data/, two under song_data_backup/, one object at the root.
void Upload(S3Client& client) {
  ASSERT_TRUE(client.CreateBucket(kBucket).ok());
  for (int i = 0; i < 11; ++i) {
    const std::string body = fmt::format(
        R"({{"song_id":"SO{:02}","artist_id":"AR{:02}","title":"T{}","duration":1.5,"year":0}})", i,
        i, i);
    ASSERT_TRUE(client.PutObject(kBucket, fmt::format("song_data/s{:02}.json", i), body).ok());
  }
  ASSERT_TRUE(client.PutObject(kBucket, "song_data_backup/old1.json", "{}").ok());
  ASSERT_TRUE(client.PutObject(kBucket, "song_data_backup/old2.json", "{}").ok());
  ASSERT_TRUE(client.PutObject(kBucket, "notes.txt", "not input").ok());
}

Result<std::vector<SourceFile>> ListS3(const std::string& endpoint, const std::string& uri,
                                       const S3SourceOptions& options = FastRetries()) {
  auto source = MakeS3Source(uri, options, Env(endpoint));
  if (!source.ok()) return source.status();
  return (*source)->List();
}

TEST(S3Listing, APageCutShortIsRetriedThenFailsNeverTakenAsComplete) {
  std::unique_ptr<testing::MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  ASSERT_NO_FATAL_FAILURE(Upload(*Client(moto->endpoint())));
  using Fault = testing::FaultProxy::Fault;

  // Cut once: the retry gets the whole page.
  testing::FaultProxy once(moto->port(), [](const std::string& line, int attempt) {
    return line.find("list-type=2") != std::string::npos && attempt == 1 ? Fault::kCutListing
                                                                         : Fault::kNone;
  });
  auto files = ListS3(once.endpoint(), std::string("s3://") + kBucket + "/song_data");
  ASSERT_TRUE(files.ok()) << files.status().message();
  EXPECT_EQ(files->size(), 11u);
  EXPECT_EQ(once.faults(), 1);

  // Cut every time: the listing fails after the policy's attempts, saying why.
  testing::FaultProxy always(moto->port(), [](const std::string& line, int) {
    return line.find("list-type=2") != std::string::npos ? Fault::kCutListing : Fault::kNone;
  });
  auto cut = ListS3(always.endpoint(), std::string("s3://") + kBucket + "/song_data");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(always.requests(), 4);
  EXPECT_NE(cut.status().message().find(
                "s3://listing-test/song_data/: GET failed after 4 attempts: incomplete "
                "ListObjectsV2 response (it ends before </ListBucketResult>)"),
            std::string::npos)
      << cut.status().message();

  // And through the binary: exit 1, nothing loaded.
  TempDir dir;
  const CommandResult run = RunSparkify(
      "run -q --database " + (dir / "w.db").string() + " --song-data s3://" + kBucket +
          "/song_data --log-data " + (testing::SampleDir() / "log_data").string(),
      "env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL=" +
          always.endpoint() +
          " AWS_REGION=us-west-2 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing-secret "
          "HOME=" +
          dir.path().string() + " SPARKIFY_TEST_S3_BACKOFF_MS=5");
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("incomplete ListObjectsV2 response"), std::string::npos) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  EXPECT_EQ(testing::SqliteInt(dir / "w.db", "SELECT COUNT(*) FROM load_files"), 0);
}

TEST(S3Listing, APrefixIsAFolderOrOneObject) {
  std::unique_ptr<testing::MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  ASSERT_NO_FATAL_FAILURE(Upload(*Client(moto->endpoint())));
  const std::string base = std::string("s3://") + kBucket + "/";
  for (const std::string& uri : {base + "song_data", base + "song_data/"}) {
    auto files = ListS3(moto->endpoint(), uri);
    ASSERT_TRUE(files.ok()) << files.status().message();
    ASSERT_EQ(files->size(), 11u) << uri;
    for (const SourceFile& f : *files) {
      EXPECT_EQ(f.path.rfind(base + "song_data/", 0), 0u) << f.path;
    }
  }
  auto one = ListS3(moto->endpoint(), base + "song_data/s03.json");
  ASSERT_TRUE(one.ok()) << one.status().message();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].path, base + "song_data/s03.json");
  auto all = ListS3(moto->endpoint(), base);  // the bucket: every input object
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_EQ(all->size(), 13u);
}

TEST(S3Listing, AFolderWithoutObjectsIsAnErrorLikeAMissingLocalFolder) {
  std::unique_ptr<testing::MotoServer> moto;
  SPARKIFY_START_MOTO(moto);
  ASSERT_NO_FATAL_FAILURE(Upload(*Client(moto->endpoint())));
  const std::string base = std::string("s3://") + kBucket + "/";
  for (const std::string& uri : {base + "song", base + "nothing/", base + "song_data/x.json"}) {
    auto files = ListS3(moto->endpoint(), uri);
    ASSERT_FALSE(files.ok()) << uri;
    EXPECT_EQ(files.status().code(), StatusCode::kInvalidArgument) << uri;
    EXPECT_NE(files.status().message().find("no object has"), std::string::npos)
        << files.status().message();
  }
  // Both kinds of missing source end a run with exit code 2 and one line naming the location.
  TempDir dir;
  const std::string env =
      "env -u AWS_PROFILE -u AWS_SESSION_TOKEN -u AWS_ENDPOINT_URL_S3 AWS_ENDPOINT_URL=" +
      moto->endpoint() +
      " AWS_REGION=us-west-2 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing-secret HOME=" +
      dir.path().string();
  const std::string songs = " --song-data " + (testing::SampleDir() / "song_data").string();
  const CommandResult s3 = RunSparkify(
      "run -q --database " + (dir / "w.db").string() + songs + " --log-data " + base + "logs", env);
  EXPECT_EQ(s3.exit_code, 2);
  EXPECT_EQ(s3.err, "sparkify: error: " + base +
                        "logs/: no such folder: no object has a key starting with 'logs/' "
                        "(region us-west-2)\n");
  const CommandResult local = RunSparkify("run -q --database " + (dir / "w.db").string() + songs +
                                          " --log-data " + (dir / "logs").string());
  EXPECT_EQ(local.exit_code, 2);
  EXPECT_EQ(local.err,
            "sparkify: error: " + (dir / "logs").string() + ": no such file or directory\n");
}

}  // namespace
}  // namespace sparkify
