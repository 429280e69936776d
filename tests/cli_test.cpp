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

}  // namespace
}  // namespace sparkify
