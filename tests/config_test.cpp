// Configuration: dwh.cfg compatibility, precedence, warnings and errors.
#include <gtest/gtest.h>

#include <map>

#include "sparkify/config.h"
#include "test_support.h"

namespace sparkify {
namespace {

using testing::FixturesDir;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

GetEnv FakeEnv(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(Config, ReadsTheOriginalDwhCfg) {
  TempDir dir;
  WriteFile(dir / "dwh.cfg", ReadFile(FixturesDir() / "config" / "course_dwh.cfg"));
  ConfigOverrides o;
  o.config_file = (dir / "dwh.cfg").string();
  auto c = LoadConfig(o, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->host, "dwhcluster.abc123.us-west-2.redshift.amazonaws.com");
  EXPECT_EQ(c->db_port, "5439");
  EXPECT_EQ(c->db_password, "Passw0rd");
  EXPECT_EQ(c->iam_role_arn, "arn:aws:iam::123456789012:role/dwhRole");
  EXPECT_EQ(c->log_data, "s3://udacity-dend/log_data");
  EXPECT_EQ(c->song_data, "s3://udacity-dend/song_data");
  // No [WAREHOUSE] ENGINE: the course's [CLUSTER] is a Redshift cluster.
  EXPECT_EQ(c->engine, "redshift");
  EXPECT_EQ(c->engine_origin, (dir / "dwh.cfg").string() + ": [CLUSTER]");
  EXPECT_TRUE(c->warnings.empty());
}

TEST(Config, TheEngineComesFromFlagVariableFileOrClusterSectionAndIsAttributed) {
  TempDir dir;
  WriteFile(dir / "dwh.cfg", ReadFile(FixturesDir() / "config" / "course_dwh.cfg"));
  WriteFile(dir / "local.cfg", "[S3]\nSONG_DATA=songs\n");
  ConfigOverrides o;
  o.config_file = (dir / "local.cfg").string();
  auto local = LoadConfig(o, FakeEnv({}));
  ASSERT_TRUE(local.ok()) << local.status().message();
  EXPECT_EQ(local->engine, "sqlite");  // no [CLUSTER]: the embedded default
  EXPECT_EQ(local->engine_origin, "the default");

  o.config_file = (dir / "dwh.cfg").string();
  auto from_env = LoadConfig(o, FakeEnv({{"SPARKIFY_ENGINE", "postgres"}}));
  ASSERT_TRUE(from_env.ok()) << from_env.status().message();
  EXPECT_EQ(from_env->engine, "postgres");
  EXPECT_EQ(from_env->engine_origin, "SPARKIFY_ENGINE");

  o.engine = "sqlite";
  auto from_flag = LoadConfig(o, FakeEnv({{"SPARKIFY_ENGINE", "postgres"}}));
  ASSERT_TRUE(from_flag.ok());
  EXPECT_EQ(from_flag->engine, "sqlite");
  EXPECT_EQ(from_flag->engine_origin, "--engine");

  // A bad variable is reported as the variable, not as the file.
  o.engine.reset();
  auto bad = LoadConfig(o, FakeEnv({{"SPARKIFY_ENGINE", "mysql"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("SPARKIFY_ENGINE: invalid value 'mysql'", 0), 0u)
      << bad.status().message();
}

TEST(Config, FlagsBeatEnvironmentBeatFileBeatDefaults) {
  TempDir dir;
  WriteFile(dir / "dwh.cfg",
            "[WAREHOUSE]\nENGINE=postgres\nDATABASE=from-file\n[S3]\nSONG_DATA=file-songs\n"
            "LOG_DATA=file-logs\n");
  ConfigOverrides o;
  o.config_file = (dir / "dwh.cfg").string();
  o.database = "from-flag";
  auto c = LoadConfig(
      o, FakeEnv({{"SPARKIFY_DATABASE", "from-env"}, {"SPARKIFY_LOG_DATA", "env-logs"}}));
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->database, "from-flag");
  EXPECT_EQ(c->log_data, "env-logs");
  EXPECT_EQ(c->song_data, "file-songs");
  EXPECT_EQ(c->engine, "postgres");
}

TEST(Config, UnknownKeysWarnAndInvalidValuesFailNamingFileSectionAndKey) {
  TempDir dir;
  WriteFile(dir / "a.cfg", "[CLUSTER]\nHOST=h\nCOLOUR=blue\n");
  ConfigOverrides o;
  o.config_file = (dir / "a.cfg").string();
  auto c = LoadConfig(o, FakeEnv({}));
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_NE(c->warnings[0].find("[CLUSTER] COLOUR"), std::string::npos);
  EXPECT_NE(c->warnings[0].find("a.cfg"), std::string::npos);

  WriteFile(dir / "b.cfg", "[WAREHOUSE]\nENGINE=oracle\n");
  o.config_file = (dir / "b.cfg").string();
  auto bad = LoadConfig(o, FakeEnv({}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("b.cfg"), std::string::npos);
  EXPECT_NE(bad.status().message().find("[WAREHOUSE] ENGINE"), std::string::npos);
  EXPECT_NE(bad.status().message().find("oracle"), std::string::npos);

  WriteFile(dir / "c.cfg", "[CLUSTER]\nDB_PORT=fifty\nDB_PASSWORD=s3cret!\n");
  o.config_file = (dir / "c.cfg").string();
  auto port = LoadConfig(o, FakeEnv({}));
  ASSERT_FALSE(port.ok());
  EXPECT_NE(port.status().message().find("DB_PORT"), std::string::npos);
  EXPECT_EQ(port.status().message().find("s3cret"), std::string::npos);
}

TEST(Config, MalformedFileNamesTheLine) {
  TempDir dir;
  WriteFile(dir / "d.cfg", "[CLUSTER]\nHOST=h\nthis line is not ini\n");
  ConfigOverrides o;
  o.config_file = (dir / "d.cfg").string();
  auto c = LoadConfig(o, FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("d.cfg:3"), std::string::npos) << c.status().message();
}

TEST(Config, ReadsValuesAsConfigparserDoesNoInlineComments) {
  TempDir dir;
  WriteFile(dir / "dwh.cfg",
            "; the course's file\n[CLUSTER]\nHOST = h.example ; not a comment\n"
            "DB_PASSWORD=\"ab ;cd#x\"\ndb_user: u\n[S3]\nSONG_DATA='s3://b/song_data'\n");
  ConfigOverrides o;
  o.config_file = (dir / "dwh.cfg").string();
  auto c = LoadConfig(o, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->host, "h.example ; not a comment");
  EXPECT_EQ(c->db_password, "ab ;cd#x");  // one pair of matching quotes removed
  EXPECT_EQ(c->db_user, "u");
  EXPECT_EQ(c->song_data, "s3://b/song_data");
}

TEST(Config, FileWithoutSectionsIsAnErrorNamingFileAndLine) {
  TempDir dir;
  WriteFile(dir / "nosect.cfg", "# a comment\n\nHOST=h\nDB_NAME=d\n");
  ConfigOverrides o;
  o.config_file = (dir / "nosect.cfg").string();
  auto c = LoadConfig(o, FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("nosect.cfg:3:"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("[SECTION]"), std::string::npos) << c.status().message();
}

TEST(Config, SectionNamesAreCaseSensitiveWithAWarning) {
  TempDir dir;
  WriteFile(dir / "dwh.cfg", "[cluster]\nHOST=h\n");
  ConfigOverrides o;
  o.config_file = (dir / "dwh.cfg").string();
  auto c = LoadConfig(o, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->host, "");
  ASSERT_EQ(c->warnings.size(), 1u);
  EXPECT_NE(c->warnings[0].find("dwh.cfg:1: unknown section [cluster]"), std::string::npos)
      << c->warnings[0];
  EXPECT_NE(c->warnings[0].find("[CLUSTER]"), std::string::npos) << c->warnings[0];
}

TEST(Config, DuplicateKeyAndLonePercentAreErrorsWithoutTheValue) {
  TempDir dir;
  WriteFile(dir / "dup.cfg", "[CLUSTER]\nDB_PASSWORD=one\ndb_password=two\n");
  ConfigOverrides o;
  o.config_file = (dir / "dup.cfg").string();
  auto dup = LoadConfig(o, FakeEnv({}));
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("dup.cfg:3:"), std::string::npos);
  WriteFile(dir / "pct.cfg", "[CLUSTER]\nDB_PASSWORD=50%off\n");
  o.config_file = (dir / "pct.cfg").string();
  auto pct = LoadConfig(o, FakeEnv({}));
  ASSERT_FALSE(pct.ok());
  EXPECT_NE(pct.status().message().find("pct.cfg:2: [CLUSTER] DB_PASSWORD"), std::string::npos)
      << pct.status().message();
  EXPECT_EQ(pct.status().message().find("50%off"), std::string::npos);
}

TEST(Config, MissingExplicitFileIsAnError) {
  ConfigOverrides o;
  o.config_file = "/nonexistent/dwh.cfg";
  auto c = LoadConfig(o, FakeEnv({}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/nonexistent/dwh.cfg"), std::string::npos);
}

TEST(Config, TheCoursesDwhSectionIsNotAnUnknownSection) {
  // [DWH] is the provisioning script's, read by `sparkify cluster`; other commands pass it by.
  TempDir dir;
  WriteFile(dir / "dwh.cfg", "[DWH]\nDWH_CLUSTER_TYPE=multi-node\nDWH_NUM_NODES=4\n");
  ConfigOverrides o;
  o.config_file = (dir / "dwh.cfg").string();
  auto c = LoadConfig(o, FakeEnv({}));
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_TRUE(c->warnings.empty()) << c->warnings.front();
}

}  // namespace
}  // namespace sparkify
