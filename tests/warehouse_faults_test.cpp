// The embedded warehouse when its file system says no: a full disk and a read-only warehouse
// give one line naming the file, and leave the warehouse exactly as it was; a busy warehouse
// with --lock-timeout 0 fails at once with exit code 3.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <string>

#include "sparkify/config.h"
#include "test_support.h"

namespace sparkify {
namespace {

namespace fs = std::filesystem;
using testing::CommandResult;
using testing::DumpAll;
using testing::RunSparkify;
using testing::SampleDir;
using testing::TempDir;

std::string SampleSources() {
  return " --song-data " + (SampleDir() / "song_data").string() + " --log-data " +
         (SampleDir() / "log_data").string();
}

// A tmpfs of `megabytes` mounted on a fresh folder, unmounted at scope exit. Needs root (or
// CAP_SYS_ADMIN); error() says why when it could not be mounted.
class SmallDisk {
 public:
  explicit SmallDisk(int megabytes) : mount_point_(dir_ / "disk") {
    fs::create_directories(mount_point_);
    const std::string options = "size=" + std::to_string(megabytes) + "m";
    if (::mount("tmpfs", mount_point_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      error_ = std::string("cannot mount a tmpfs (needs root): ") + std::strerror(errno);
    }
  }
  ~SmallDisk() {
    if (error_.empty()) ::umount2(mount_point_.c_str(), MNT_DETACH);
  }
  const std::string& error() const { return error_; }
  const fs::path& path() const { return mount_point_; }
  bool SetReadOnly(bool read_only) {
    const unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0);
    return ::mount("tmpfs", mount_point_.c_str(), "tmpfs", flags, nullptr) == 0;
  }

 private:
  TempDir dir_;
  fs::path mount_point_;
  std::string error_;
};

void ExpectOneLine(const CommandResult& r, const std::vector<std::string>& present) {
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.err.rfind("sparkify: error: ", 0), 0u) << r.err;
  for (const auto& p : present) EXPECT_NE(r.err.find(p), std::string::npos) << p << " in " << r.err;
}

TEST(SqliteFaults, AFullDiskFailsTheRunNamingTheFileAndChangesNothing) {
  SmallDisk disk(8);  // room for the sample's warehouse (4.5 MB), not for 60,000 more events
  if (!disk.error().empty()) GTEST_SKIP() << disk.error();
  TempDir data;
  const fs::path big = data / "big";
  ASSERT_EQ(RunSparkify("generate --out " + big.string() +
                        " --songs 500 --days 3 --events-per-day 20000 --seed 7")
                .exit_code,
            0);
  const fs::path db = disk.path() / "w.db";
  const CommandResult first = RunSparkify("run -q --database " + db.string() + SampleSources());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto before = DumpAll(db);

  const std::string big_sources =
      " --song-data " + (big / "song_data").string() + " --log-data " + (big / "log_data").string();
  const CommandResult full = RunSparkify("etl -q --database " + db.string() + big_sources);
  EXPECT_EQ(full.exit_code, 1);
  ExpectOneLine(full, {db.string() + ": ", "database or disk is full", "free some space"});
  EXPECT_EQ(DumpAll(db), before);

  // With room again, the same run completes.
  TempDir roomy;
  fs::copy_file(db, roomy / "w.db");
  const CommandResult again =
      RunSparkify("etl -q --database " + (roomy / "w.db").string() + big_sources);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(testing::SqliteInt(roomy / "w.db", "SELECT COUNT(*) FROM load_files"), 101 + 503);
}

TEST(SqliteFaults, AReadOnlyWarehouseIsAnErrorNamingTheFileAndStaysAsItWas) {
  SmallDisk disk(16);
  if (!disk.error().empty()) GTEST_SKIP() << disk.error();
  const fs::path db = disk.path() / "w.db";
  ASSERT_EQ(RunSparkify("run -q --database " + db.string() + SampleSources()).exit_code, 0);
  const auto before = DumpAll(db);
  ASSERT_TRUE(disk.SetReadOnly(true)) << std::strerror(errno);
  const CommandResult ro =
      RunSparkify("etl -q --full-refresh --database " + db.string() + SampleSources());
  const CommandResult check = RunSparkify("check --database " + db.string());
  ASSERT_TRUE(disk.SetReadOnly(false)) << std::strerror(errno);
  EXPECT_EQ(ro.exit_code, 1);
  ExpectOneLine(ro, {db.string() + ": ", "attempt to write a readonly database", "not writable"});
  EXPECT_EQ(DumpAll(db), before);
  EXPECT_EQ(check.exit_code, 0) << check.err;  // reading a read-only warehouse still works
}

TEST(SqliteFaults, LockTimeoutZeroFailsBusyAtOnce) {
  TempDir dir;
  const fs::path db = dir / "w.db";
  ASSERT_EQ(RunSparkify("create-tables --database " + db.string()).exit_code, 0);
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const CommandResult busy =
      RunSparkify("etl -q --lock-timeout 0 --database " + db.string() + SampleSources());
  sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(holder);
  EXPECT_EQ(busy.exit_code, 3) << busy.err;
  ExpectOneLine(busy, {db.string() + ": ", "another sparkify run holds the warehouse"});
}

// A bad schema is blamed on the setting it came from; a name PostgreSQL would cut is refused.
TEST(SchemaSetting, ErrorsNameTheFlagTheVariableOrTheKeyItCameFrom) {
  TempDir dir;
  const fs::path cfg = dir / "dwh.cfg";
  testing::WriteFile(cfg, "[WAREHOUSE]\nSCHEMA=from_file\n");
  const auto env = [](std::optional<std::string> schema) -> GetEnv {
    return [schema](const std::string& name) -> std::optional<std::string> {
      return name == "SPARKIFY_SCHEMA" ? schema : std::nullopt;
    };
  };
  auto load = [&](std::optional<std::string> flag, std::optional<std::string> variable) {
    ConfigOverrides overrides;
    overrides.config_file = cfg.string();
    overrides.schema = std::move(flag);
    return LoadConfig(overrides, env(std::move(variable)));
  };
  auto flag = load("bad-name", std::nullopt);
  ASSERT_FALSE(flag.ok());
  EXPECT_EQ(flag.status().message(),
            "--schema: invalid value 'bad-name' (expected letters, digits and _)");
  auto variable = load(std::nullopt, "bad-name");
  ASSERT_FALSE(variable.ok());
  EXPECT_EQ(variable.status().message(),
            "SPARKIFY_SCHEMA: invalid value 'bad-name' (expected letters, digits and _)");
  testing::WriteFile(cfg, "[WAREHOUSE]\nSCHEMA=bad-name\n");
  auto file = load(std::nullopt, std::nullopt);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(), cfg.string() +
                                         ": [WAREHOUSE] SCHEMA: invalid value 'bad-name' "
                                         "(expected letters, digits and _)");
  auto fine = load("good_name", std::nullopt);  // the flag wins over the file's bad value
  ASSERT_TRUE(fine.ok()) << fine.status().message();
  EXPECT_EQ(fine->schema, "good_name");

  const std::string longest(63, 's'), longer(74, 's');
  EXPECT_TRUE(load(longest, std::nullopt).ok());
  auto cut = load(longer, std::nullopt);
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().message(), "--schema: invalid value '" + longer +
                                        "' (74 characters; a schema name has at most 63)");
  // Through the binary: exit code 2, before connecting to anything.
  const CommandResult run = RunSparkify(
      "etl --engine postgres --database "
      "postgresql://nobody@203.0.113.1:1/x --schema " +
      longer + SampleSources());
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "sparkify: error: --schema: invalid value '" + longer +
                         "' (74 characters; a schema name has at most 63)\n");
}

}  // namespace
}  // namespace sparkify
