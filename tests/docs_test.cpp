// The README documents every command and every option a user can give (as sqlite-utils'
// test_docs does): a new flag without documentation fails here.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "test_support.h"

namespace sparkify {
namespace {

std::set<std::string> Matches(const std::string& text, const std::regex& pattern, int group) {
  std::set<std::string> found;
  for (std::sregex_iterator it(text.begin(), text.end(), pattern), end; it != end; ++it) {
    found.insert((*it)[group].str());
  }
  return found;
}

TEST(Docs, ReadmeDocumentsEveryCommandAndOption) {
  const std::string readme =
      testing::ReadFile(std::filesystem::path(SPARKIFY_SOURCE_DIR) / "README.md");
  ASSERT_FALSE(readme.empty());
  const auto help = testing::RunSparkify("--help");
  ASSERT_EQ(help.exit_code, 0);
  const auto commands = Matches(help.out, std::regex(R"(\n  ([a-z][a-z-]+) {2,})"), 1);
  ASSERT_GE(commands.size(), 5u) << help.out;
  for (const std::string& command : commands) {
    EXPECT_NE(readme.find("sparkify " + command), std::string::npos)
        << "README.md does not show `sparkify " << command << "`";
    const auto command_help = testing::RunSparkify(command + " --help");
    ASSERT_EQ(command_help.exit_code, 0) << command;
    for (const std::string& option :
         Matches(command_help.out, std::regex(R"((--[a-z][a-z0-9-]+))"), 1)) {
      if (option == "--help") continue;
      EXPECT_NE(readme.find(option), std::string::npos)
          << "README.md does not mention " << option << " of `sparkify " << command << "`";
    }
  }
}

}  // namespace
}  // namespace sparkify
