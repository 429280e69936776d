#include "report/report_html.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/markup.h"

namespace sparkify::report {
namespace {

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; background: #fff;
       max-width: 820px; margin: 24px auto; padding: 0 16px; font-size: 14px; line-height: 1.4; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 0 0 4px; border-bottom: 2px solid #4e79a7; padding-bottom: 2px; }
.meta, .description { color: #555; margin: 0 0 10px; }
nav { margin: 12px 0 20px; font-size: 13px; }
nav a { color: #2d5a8a; margin-right: 10px; white-space: nowrap; }
section { margin: 0 0 28px; }
.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 10px; }
.figure { border: 1px solid #d8dee6; border-radius: 6px; padding: 10px 12px; background: #f6f8fb; }
.figure .value { display: block; font-size: 22px; font-weight: bold; color: #1f3f63; }
.figure .label { color: #555; font-size: 12px; }
figure { margin: 6px 0; }
svg.chart { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12px; margin-top: 6px; }
.caption { color: #555; font-size: 12px; margin: 6px 0 0; }
.parts { display: flex; gap: 16px; align-items: flex-start; }
.parts table { flex: 1; }
th, td { border-bottom: 1px solid #e2e2e2; padding: 3px 6px; text-align: left;
         vertical-align: top; overflow-wrap: anywhere; }
th { background: #f0f3f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: #fafbfc; }
.note { border-left: 4px solid #f28e2b; background: #fff7ef; padding: 8px 12px; }
footer { color: #777; font-size: 12px; border-top: 1px solid #ddd; padding-top: 6px; }
@page { size: A4; margin: 14mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 11px; }
  nav { display: none; }
  section { break-inside: avoid; page-break-inside: avoid; }
  tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
)css";

std::string Figure(const std::string& value, const std::string& label) {
  return fmt::format(
      "<div class=\"figure\"><span class=\"value\">{}</span><span "
      "class=\"label\">{}</span></div>\n",
      EscapeMarkup(value), EscapeMarkup(label));
}

std::string HeadlineHtml(const AnalyticsReport& r) {
  const Headline& h = r.headline;
  std::string out =
      "<section id=\"headline\">\n<h2>Headline figures</h2>\n<div class=\"figures\">\n";
  out += Figure(WithThousandsSeparators(h.plays), "plays");
  out += Figure(WithThousandsSeparators(h.users),
                fmt::format("users ({} with a play)", WithThousandsSeparators(h.listeners)));
  out += Figure(
      h.first_day.empty() ? "no plays" : fmt::format("{} days", WithThousandsSeparators(h.days)),
      h.first_day.empty() ? "date range of the plays"
                          : "of plays, " + h.first_day + " to " + h.last_day + " (UTC)");
  out += Figure(FormatPercent(Share(h.paid_plays, h.plays)),
                fmt::format("of plays are paid ({})", WithThousandsSeparators(h.paid_plays)));
  out += Figure(FormatPercent(Share(h.paid_users, h.users)),
                fmt::format("of users are paid now ({})", WithThousandsSeparators(h.paid_users)));
  out += Figure(FormatPercent(Share(h.matched_plays, h.plays)),
                fmt::format("catalog match rate (plays of a catalog song: {})",
                            WithThousandsSeparators(h.matched_plays)));
  return out + "</div>\n</section>\n";
}

std::string TableRowsHtml(const Table& t, size_t begin, size_t end) {
  std::string out = "<table>\n<thead><tr>";
  for (const Column& c : t.columns) {
    out += fmt::format("<th{}>{}</th>", c.kind == ColumnKind::kText ? "" : " class=\"num\"",
                       EscapeMarkup(c.name));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (size_t r = begin; r < end; ++r) {
    out += "<tr>";
    for (size_t c = 0; c < t.columns.size(); ++c) {
      const bool text = t.columns[c].kind == ColumnKind::kText;
      out += fmt::format("<td{}>{}</td>", text ? "" : " class=\"num\"",
                         EscapeMarkup(FormatCell(t.rows[r][c], t.columns[c].kind)));
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

// A long, narrow table (days, hours) is cut into up to three side by side, so the numbers take
// a third of the height.
std::string TableHtml(const Section& s) {
  const Table& t = s.table;
  constexpr size_t kRowsPerPart = 12, kMaxParts = 3, kMaxColumnsToSplit = 3;
  size_t parts = 1;
  if (t.rows.size() > kRowsPerPart && t.columns.size() <= kMaxColumnsToSplit) {
    parts = std::min(kMaxParts, (t.rows.size() + kRowsPerPart - 1) / kRowsPerPart);
  }
  const size_t per_part = (t.rows.size() + parts - 1) / parts;
  std::string out = fmt::format(
      "<div class=\"numbers\">\n<p class=\"caption\">{}{}</p>\n"
      "<div class=\"parts\">\n",
      EscapeMarkup(s.title), s.chart ? ": the numbers of the chart" : "");
  for (size_t begin = 0; begin < t.rows.size(); begin += per_part) {
    out += TableRowsHtml(t, begin, std::min(t.rows.size(), begin + per_part));
  }
  return out + "</div>\n</div>\n";
}

std::string SectionHtml(const Section& s) {
  std::string out =
      fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n<p class=\"description\">{}</p>\n",
                  EscapeMarkup(s.id), EscapeMarkup(s.title), EscapeMarkup(s.description));
  if (!s.note.empty()) out += fmt::format("<p class=\"note\">{}</p>\n", EscapeMarkup(s.note));
  if (s.note.empty() && s.table.rows.empty()) {
    out += "<p class=\"note\">Nothing to show: the warehouse has no rows for this yet.</p>\n";
  }
  if (auto chart = SectionChart(s)) out += "<figure>\n" + RenderBarChartSvg(*chart) + "</figure>\n";
  if (!s.table.rows.empty()) out += TableHtml(s);
  return out + "</section>\n";
}

}  // namespace

std::string RenderAnalyticsHtml(const AnalyticsReport& r) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>Sparkify analytics report</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<header>\n<h1>Sparkify analytics</h1>\n";
  std::string meta = "Warehouse: " + r.engine;
  if (!r.headline.first_day.empty()) {
    meta += " \u00b7 plays from " + r.headline.first_day + " to " + r.headline.last_day;
  }
  if (!r.generated_at.empty()) meta += " \u00b7 generated " + r.generated_at;
  out += fmt::format("<p class=\"meta\">{}</p>\n</header>\n<nav>", EscapeMarkup(meta));
  out += "<a href=\"#headline\">Headline</a>";
  for (const Section& s : r.sections) {
    out += fmt::format("\n<a href=\"#{}\">{}</a>", EscapeMarkup(s.id), EscapeMarkup(s.title));
  }
  out += "</nav>\n<main>\n" + HeadlineHtml(r);
  for (const Section& s : r.sections) out += SectionHtml(s);
  out +=
      "</main>\n<footer>Made by <code>sparkify report</code> from the warehouse's songplays, "
      "users, time, user_levels and load ledger. Times are UTC.</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace sparkify::report
