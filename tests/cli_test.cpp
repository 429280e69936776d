// The command line's usage errors, as the README's "Usage errors" table documents them: each row
// is run against the built binary, which must exit 2 with exactly that one line on stderr.
#include <gtest/gtest.h>

#include <regex>

#include "test_support.h"

namespace sparkify {
namespace {

struct Row {
  std::string args;  // after "sparkify"
  std::string line;  // stderr without the trailing newline
};

std::vector<Row> DocumentedUsageErrors() {
  const std::string readme =
      testing::ReadFile(std::filesystem::path(SPARKIFY_SOURCE_DIR) / "README.md");
  const size_t start = readme.find("### Usage errors");
  EXPECT_NE(start, std::string::npos) << "README.md has no Usage errors section";
  const size_t end = readme.find("\n#", start + 1);
  const std::string section = readme.substr(start, end - start);
  std::vector<Row> rows;
  const std::regex row(R"(\| `sparkify ?([^`]*)` \| `([^`]*)` \|)");
  for (std::sregex_iterator it(section.begin(), section.end(), row), last; it != last; ++it) {
    rows.push_back({(*it)[1], (*it)[2]});
  }
  return rows;
}

TEST(Cli, EveryDocumentedUsageErrorIsOneLineAndExitCode2) {
  const auto rows = DocumentedUsageErrors();
  ASSERT_GE(rows.size(), 10u);
  testing::TempDir dir;  // nothing may be created by a usage error
  for (const Row& r : rows) {
    auto result = testing::RunSparkify(r.args, "cd " + dir.path().string() + " &&");
    EXPECT_EQ(result.exit_code, 2) << r.args;
    EXPECT_EQ(result.err, r.line + "\n") << r.args;
    EXPECT_EQ(result.out, "") << r.args;
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(Cli, HelpShowsACommandsOptions) {
  auto result = testing::RunSparkify("help etl");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("--since"), std::string::npos) << result.out;
  EXPECT_EQ(testing::RunSparkify("help").exit_code, 0);
}

TEST(Cli, CreateTablesDryRunPrintsTheStatementsAndTouchesNothing) {
  testing::TempDir dir;
  auto result = testing::RunSparkify("create-tables --dry-run --database w.db",
                                     "cd " + dir.path().string() + " &&");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("DROP TABLE IF EXISTS songplays"), std::string::npos) << result.out;
  EXPECT_NE(result.out.find("CREATE TABLE"), std::string::npos) << result.out;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(Cli, EtlJsonGivesOneObjectAlsoForAUsageError) {
  testing::TempDir dir;
  auto result =
      testing::RunSparkify("etl --json --since 2018-13-45", "cd " + dir.path().string() + " &&");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(
      result.out.rfind("{\"status\": \"failed\", \"error\": \"sparkify etl: --since: expected a "
                       "calendar date YYYY-MM-DD, got '2018-13-45'; see 'sparkify etl "
                       "--help'\", ",
                       0),
      0u)
      << result.out;
  EXPECT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 1) << result.out;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(Cli, TheCoursesDwhCfgMeansRedshiftAndTheFirstLineSaysSo) {
  testing::TempDir dir;
  testing::WriteFile(dir / "dwh.cfg",
                     testing::ReadFile(testing::FixturesDir() / "config" / "course_dwh.cfg"));
  auto result =
      testing::RunSparkify("create-tables --dry-run", "cd " + dir.path().string() + " &&");
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(result.warehouse,
            "sparkify: engine redshift (from dwh.cfg: [CLUSTER]), "
            "host=dwhcluster.abc123.us-west-2.redshift.amazonaws.com port=5439 database=dwh "
            "user=dwhuser schema=public");
  EXPECT_NE(result.out.find("DISTSTYLE"), std::string::npos) << result.out;  // Redshift's DDL
  EXPECT_EQ((result.out + result.err + result.warehouse).find("Passw0rd"), std::string::npos);
  EXPECT_EQ(std::filesystem::directory_iterator(dir.path())->path().filename(), "dwh.cfg");

  // A flag wins over the file, and the line says so.
  auto local = testing::RunSparkify("create-tables --dry-run --engine sqlite --database w.db",
                                    "cd " + dir.path().string() + " &&");
  EXPECT_EQ(local.exit_code, 0) << local.err;
  EXPECT_EQ(local.warehouse, "sparkify: engine sqlite (from --engine), file w.db");

  // Without a HOST the course's file is an error naming the key, not the local socket.
  testing::WriteFile(dir / "dwh.cfg", "[CLUSTER]\nDB_NAME=dwh\nDB_PASSWORD=Passw0rd\n");
  auto no_host = testing::RunSparkify("create-tables", "cd " + dir.path().string() + " &&");
  EXPECT_EQ(no_host.exit_code, 2) << no_host.err;
  EXPECT_EQ(no_host.err,
            "sparkify: error: dwh.cfg: [CLUSTER] HOST: missing; Redshift (chosen by dwh.cfg: "
            "[CLUSTER]) needs the cluster's endpoint there (`sparkify cluster create` writes it) "
            "or a connection string in --database\n");
  // The same from the flag, with no file at all; PostgreSQL may use libpq's defaults instead.
  std::filesystem::remove(dir / "dwh.cfg");
  auto flag = testing::RunSparkify("check --engine redshift", "cd " + dir.path().string() + " &&");
  EXPECT_EQ(flag.exit_code, 2) << flag.err;
  EXPECT_EQ(
      flag.err.rfind("sparkify: error: [CLUSTER] HOST: missing; Redshift (chosen by --engine)", 0),
      0u)
      << flag.err;
}

}  // namespace
}  // namespace sparkify
