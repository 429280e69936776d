// The dwh.cfg reader against Python's configparser: every case of
// tests/data/config/configparser_cases.json (expectations written by configparser itself, see
// configparser_cases.py there) must give the same sections, keys, values and errors.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <string>
#include <vector>

#include "config/ini_file.h"
#include "test_support.h"

namespace sparkify {
namespace {

std::string Str(simdjson::dom::element e) { return std::string(std::string_view(e)); }

TEST(ConfigparserCases, EveryCaseReadsAsConfigparserReadsIt) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const auto path = testing::FixturesDir() / "config" / "configparser_cases.json";
  ASSERT_EQ(parser.load(path.string()).get(doc), simdjson::SUCCESS) << path;
  size_t cases = 0;
  for (simdjson::dom::element c : doc["cases"].get_array()) {
    ++cases;
    const std::string name = Str(c["name"]);
    SCOPED_TRACE(name);
    auto ini = IniFile::Parse(Str(c["text"]), "dwh.cfg");
    simdjson::dom::element error;
    if (c["error"].get(error) == simdjson::SUCCESS) {
      ASSERT_FALSE(ini.ok()) << "configparser raises " << Str(error);
      const std::string at = "dwh.cfg:" + std::to_string(int64_t(c["line"])) + ": ";
      EXPECT_EQ(ini.status().message().rfind(at, 0), 0u) << ini.status().message();
      continue;
    }
    ASSERT_TRUE(ini.ok()) << ini.status().message();
    std::vector<std::string> sections;
    for (const auto& s : ini->sections()) sections.push_back(s.name);
    std::vector<std::string> expected_sections;
    for (auto s : c["sections"].get_array()) expected_sections.push_back(Str(s));
    EXPECT_EQ(sections, expected_sections);
    for (auto [section_name, options] : c["values"].get_object()) {
      const std::string section(section_name);
      std::vector<std::string> expected_options;
      for (auto [option, expected] : options.get_object()) {
        expected_options.emplace_back(option);
        auto value = ini->Get(section, option);
        if (expected.is_object()) {  // an interpolation error
          EXPECT_FALSE(value.ok())
              << "[" << section << "] " << option << ": " << Str(expected["error"]);
          continue;
        }
        ASSERT_TRUE(value.ok()) << value.status().message();
        ASSERT_TRUE(value->has_value()) << "[" << section << "] " << option;
        EXPECT_EQ(**value, Str(expected)) << "[" << section << "] " << option;
      }
      if (section != "DEFAULT") EXPECT_EQ(ini->Options(section), expected_options) << section;
    }
  }
  EXPECT_GE(cases, 40u);
}

TEST(ConfigparserCases, InterpolationErrorsNameTheKeyNotTheValue) {
  auto ini = IniFile::Parse("[CLUSTER]\nHOST=h\nDB_PASSWORD=se%cret\n", "dwh.cfg");
  ASSERT_TRUE(ini.ok());
  auto v = ini->Get("CLUSTER", "db_password");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("dwh.cfg:3: [CLUSTER] DB_PASSWORD"), std::string::npos)
      << v.status().message();
  EXPECT_EQ(v.status().message().find("se%cret"), std::string::npos);
}

}  // namespace
}  // namespace sparkify
