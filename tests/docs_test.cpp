// The README documents every command and every option a user can give (as sqlite-utils'
// test_docs does): a new flag without documentation fails here. And the queries it shows a
// newcomer give the output it shows, on the warehouse `make run` loads.
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

struct Snippet {
  std::string command;  // after "$ "
  std::string output;   // the lines after it, each with its newline
};

// The "$ sqlite3 sparkify.db '...'" lines of the README's "After `make run`" section, each with
// the output shown under it.
std::vector<Snippet> NewcomerQueries(const std::string& readme) {
  const size_t start = readme.find("### After `make run`");
  EXPECT_NE(start, std::string::npos) << "README.md has no \"After `make run`\" section";
  const size_t end = readme.find("\n#", start + 1);
  const std::string section = readme.substr(start, end - start);
  std::vector<Snippet> snippets;
  size_t pos = 0;
  bool in_code = false;
  while (pos < section.size()) {
    size_t eol = section.find('\n', pos);
    if (eol == std::string::npos) eol = section.size();
    const std::string line = section.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.rfind("```", 0) == 0) {
      in_code = !in_code;
      continue;
    }
    if (!in_code) continue;
    if (line.rfind("$ ", 0) == 0) {
      snippets.push_back({line.substr(2), ""});
    } else if (!snippets.empty()) {
      snippets.back().output += line + "\n";
    }
  }
  return snippets;
}

TEST(Docs, TheNewcomersQueriesGiveTheOutputTheReadmeShows) {
  const std::filesystem::path source(SPARKIFY_SOURCE_DIR);
  const auto snippets = NewcomerQueries(testing::ReadFile(source / "README.md"));
  ASSERT_EQ(snippets.size(), 3u);
  // The sample `make run` generates, with the Makefile's own arguments.
  const std::string makefile = testing::ReadFile(source / "Makefile");
  std::smatch generate;
  ASSERT_TRUE(std::regex_search(makefile, generate,
                                std::regex(R"(sparkify generate --out \$\(SAMPLE\) ([^\n]*))")))
      << "the Makefile's sample is not made by `sparkify generate --out $(SAMPLE) ...`";
  testing::TempDir dir;
  const std::string in_dir = "cd " + dir.path().string() + " &&";
  ASSERT_EQ(testing::RunSparkify("generate --out sample " + generate[1].str(), in_dir).exit_code,
            0);
  const auto run = testing::RunSparkify(
      "run -q --database sparkify.db --song-data sample/song_data --log-data sample/log_data",
      in_dir);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const Snippet& snippet : snippets) {
    ASSERT_EQ(snippet.command.rfind("sqlite3 sparkify.db '", 0), 0u) << snippet.command;
    const std::string out = (dir / "out.txt").string();
    const int status = std::system((in_dir + " " + snippet.command + " >" + out + " 2>&1").c_str());
    EXPECT_EQ(status, 0) << snippet.command << " (is the sqlite3 shell installed?)";
    EXPECT_EQ(testing::ReadFile(out), snippet.output) << snippet.command;
  }
  const auto status = testing::RunSparkify("status", in_dir);
  EXPECT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("runs: 1, 0 failed; last success: run 1"), std::string::npos)
      << status.out;
}

}  // namespace
}  // namespace sparkify
