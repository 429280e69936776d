#include "report/report_json.h"

#include <fmt/format.h>

#include "base/json_string.h"

namespace sparkify::report {
namespace {

const char* KindName(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kCount:
      return "count";
    case ColumnKind::kShare:
      return "share";
    default:
      return "text";
  }
}

std::string CellJson(const Cell& cell) {
  if (std::holds_alternative<std::monostate>(cell)) return "null";
  if (const auto* n = std::get_if<int64_t>(&cell)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&cell)) return fmt::format("{}", *d);
  return JsonString(std::get<std::string>(cell));
}

std::string SectionJson(const Section& s) {
  std::string columns, rows;
  for (const Column& c : s.table.columns) {
    columns += fmt::format("{}{{\"name\": {}, \"kind\": \"{}\"}}", columns.empty() ? "" : ", ",
                           JsonString(c.name), KindName(c.kind));
  }
  for (const auto& row : s.table.rows) {
    std::string cells;
    for (const Cell& cell : row) cells += (cells.empty() ? "" : ", ") + CellJson(cell);
    rows += fmt::format("{}\n      [{}]", rows.empty() ? "" : ",", cells);
  }
  return fmt::format(
      "    {{\"id\": {}, \"title\": {}, \"note\": {},\n     \"columns\": [{}],\n     \"rows\": "
      "[{}{}]}}",
      JsonString(s.id), JsonString(s.title), s.note.empty() ? "null" : JsonString(s.note), columns,
      rows, rows.empty() ? "" : "\n     ");
}

}  // namespace

std::string FormatAnalyticsJson(const AnalyticsReport& r) {
  const Headline& h = r.headline;
  std::string out = fmt::format(
      "{{\n  \"engine\": {},\n  \"generated_at\": {},\n  \"headline\": {{\"plays\": {}, "
      "\"paid_plays\": {}, \"paid_share_of_plays\": {}, \"users\": {}, \"paid_users\": {}, "
      "\"paid_share_of_users\": {}, \"listeners\": {}, \"matched_plays\": {}, "
      "\"catalog_match_rate\": {}, \"runs\": {}, \"first_day\": {}, \"last_day\": {}, \"days\": "
      "{}}},\n"
      "  \"sections\": [\n",
      JsonString(r.engine), JsonString(r.generated_at), h.plays, h.paid_plays,
      Share(h.paid_plays, h.plays), h.users, h.paid_users, Share(h.paid_users, h.users),
      h.listeners, h.matched_plays, Share(h.matched_plays, h.plays), h.runs,
      h.first_day.empty() ? "null" : JsonString(h.first_day),
      h.last_day.empty() ? "null" : JsonString(h.last_day), h.days);
  for (size_t i = 0; i < r.sections.size(); ++i) {
    out += SectionJson(r.sections[i]) + (i + 1 < r.sections.size() ? ",\n" : "\n");
  }
  return out + "  ]\n}\n";
}

}  // namespace sparkify::report
