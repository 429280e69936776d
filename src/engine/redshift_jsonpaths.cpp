#include "engine/redshift_jsonpaths.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <string_view>

namespace sparkify {
namespace {

// eventsim's fields, in staging_events' (and load_events') column order.
struct EventField {
  const char* json;
  const char* column;
};
constexpr EventField kEventFields[] = {
    {"artist", "artist"},
    {"auth", "auth"},
    {"firstName", "first_name"},
    {"gender", "gender"},
    {"itemInSession", "item_in_session"},
    {"lastName", "last_name"},
    {"length", "length"},
    {"level", "level"},
    {"location", "location"},
    {"method", "method"},
    {"page", "page"},
    {"registration", "registration"},
    {"sessionId", "session_id"},
    {"song", "song"},
    {"status", "status"},
    {"ts", "ts"},
    {"userAgent", "user_agent"},
    {"userId", "user_id"},
};
constexpr const char* kSongColumns[] = {
    "num_songs",   "artist_id", "artist_latitude", "artist_longitude", "artist_location",
    "artist_name", "song_id",   "title",           "duration",         "year"};

// The name a JSONPath expression ($['name'] or $.name) selects, or "" when it is another form.
std::string JsonPathName(std::string_view expression) {
  if (expression.size() > 5 && expression.substr(0, 3) == "$['" &&
      expression.substr(expression.size() - 2) == "']") {
    return std::string(expression.substr(3, expression.size() - 5));
  }
  if (expression.size() > 5 && expression.substr(0, 3) == "$[\"" &&
      expression.substr(expression.size() - 2) == "\"]") {
    return std::string(expression.substr(3, expression.size() - 5));
  }
  if (expression.size() > 2 && expression.substr(0, 2) == "$." &&
      expression.find_first_of(".[", 2) == std::string_view::npos) {
    return std::string(expression.substr(2));
  }
  return {};
}

}  // namespace

const std::string& LogJsonPathsDocument() {
  static const std::string document = [] {
    std::string out = "{\n  \"jsonpaths\": [\n";
    for (size_t i = 0; i < std::size(kEventFields); ++i) {
      out += fmt::format("    \"$['{}']\"{}\n", kEventFields[i].json,
                         i + 1 < std::size(kEventFields) ? "," : "");
    }
    return out + "  ]\n}\n";
  }();
  return document;
}

Status CheckLogJsonPaths(const std::string& where, const std::string& document) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::array paths;
  if (parser.parse(document).get(root) != simdjson::SUCCESS ||
      root["jsonpaths"].get_array().get(paths) != simdjson::SUCCESS) {
    return Status::InvalidArgument(where +
                                   ": not a JSONPaths file (expected {\"jsonpaths\": [...]})");
  }
  size_t i = 0;
  for (simdjson::dom::element path : paths) {
    std::string_view expression;
    if (path.get_string().get(expression) != simdjson::SUCCESS) {
      return Status::InvalidArgument(
          fmt::format("{}: JSONPath expression {} is not a string", where, i + 1));
    }
    if (i >= std::size(kEventFields) || JsonPathName(expression) != kEventFields[i].json) {
      const std::string expected =
          i < std::size(kEventFields) ? fmt::format("$['{}']", kEventFields[i].json) : "nothing";
      return Status::InvalidArgument(fmt::format(
          "{}: JSONPath expression {} is {}, expected {}: the logs' JSONPaths must map the 18 "
          "event fields in staging_events' order (artist, auth, firstName ... userAgent, "
          "userId), as the course's log_json_path.json does; or leave [S3] LOG_JSONPATH empty "
          "and sparkify writes its own",
          where, i + 1, expression, expected));
    }
    ++i;
  }
  if (i != std::size(kEventFields)) {
    return Status::InvalidArgument(fmt::format(
        "{}: {} JSONPath expressions, expected {} (artist ... userId in staging_events' order)",
        where, i, std::size(kEventFields)));
  }
  return Status::Ok();
}

std::string CopyColumns(bool events) {
  std::string columns;
  if (events) {
    for (const EventField& f : kEventFields)
      columns += (columns.empty() ? "" : ", ") + std::string(f.column);
  } else {
    for (const char* c : kSongColumns) columns += (columns.empty() ? "" : ", ") + std::string(c);
  }
  return columns;
}

}  // namespace sparkify
