// Helpers for the tests of `sparkify report`: the sample's sources as arguments, and the
// report's JSON read back (with simdjson) into rows of text comparable with SqliteRows'.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <string>
#include <vector>

#include "test_support.h"

namespace sparkify::testing {

inline std::string SampleSources() {
  return "--song-data " + (SampleDir() / "song_data").string() + " --log-data " +
         (SampleDir() / "log_data").string();
}

struct ReportSection {
  std::string note;               // "" when null
  std::vector<std::string> rows;  // each "v1|v2|..." (null as \N), as SqliteRows renders
};

struct ParsedReport {
  std::map<std::string, std::string> headline;  // every value as text
  std::map<std::string, ReportSection> sections;
  std::vector<std::string> section_order;
};

inline std::string JsonValueText(simdjson::dom::element value) {
  switch (value.type()) {
    case simdjson::dom::element_type::INT64:
      return std::to_string(int64_t(value));
    case simdjson::dom::element_type::UINT64:
      return std::to_string(uint64_t(value));
    case simdjson::dom::element_type::DOUBLE:
      return fmt::format("{}", double(value));
    case simdjson::dom::element_type::STRING:
      return std::string(std::string_view(value));
    case simdjson::dom::element_type::NULL_VALUE:
      return "\\N";
    default:
      return simdjson::to_string(value);
  }
}

// Parses `sparkify report --format json` output; a parse error fails the calling test.
inline ParsedReport ParseReportJson(const std::string& json) {
  ParsedReport report;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (auto error = parser.parse(json).get(doc)) {
    ADD_FAILURE() << "report JSON does not parse: " << simdjson::error_message(error) << "\n"
                  << json.substr(0, 400);
    return report;
  }
  for (auto field : doc["headline"].get_object()) {
    report.headline[std::string(field.key)] = JsonValueText(field.value);
  }
  for (simdjson::dom::element section : doc["sections"].get_array()) {
    const std::string id{std::string_view(section["id"])};
    ReportSection& s = report.sections[id];
    report.section_order.push_back(id);
    if (!section["note"].is_null()) s.note = std::string(std::string_view(section["note"]));
    for (simdjson::dom::element row : section["rows"].get_array()) {
      std::string text;
      bool first = true;
      for (simdjson::dom::element cell : row.get_array()) {
        text += (first ? "" : "|") + JsonValueText(cell);
        first = false;
      }
      s.rows.push_back(text);
    }
  }
  return report;
}

// The section ids every report has, in order (the HTML page's <section> ids, with "headline").
inline const std::vector<std::string>& ReportSectionIds() {
  static const std::vector<std::string> kIds = {
      "plays-per-day", "plays-per-hour", "plays-per-weekday", "top-songs",
      "top-artists",   "free-vs-paid",   "level-changes",     "session-lengths",
      "top-locations", "load-files",     "quarantine",        "load-runs"};
  return kIds;
}

}  // namespace sparkify::testing
