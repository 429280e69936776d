#include "report/analytics_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "base/numbers.h"
#include "engine/sql_catalog.h"
#include "report/markup.h"
#include "report/report_tables.h"

namespace sparkify::report {
namespace {

using Vars = std::map<std::string, std::string>;

Result<QueryResult> RunReportQuery(Engine& engine, const std::string& name, const Vars& vars = {}) {
  auto sql = LoadSql(engine.traits().sql_dialects, name, vars);
  if (!sql.ok()) return sql.status();
  auto rows = engine.Query(*sql);
  if (!rows.ok()) return rows.status().WithContext("report query " + name);
  return rows;
}

Result<Headline> ReadHeadline(Engine& engine) {
  auto rows = RunReportQuery(engine, "report_headline");
  if (!rows.ok()) return rows.status();
  auto runs = RunReportQuery(engine, "report_run_count");
  if (!runs.ok()) return runs.status();
  if (rows->rows.size() != 1 || rows->rows[0].size() < 8 || runs->rows.size() != 1) {
    return Status::EngineError("report query report_headline: expected one row of 8 columns");
  }
  const auto& r = rows->rows[0];
  Headline h;
  int64_t* targets[] = {&h.plays,     &h.paid_plays, &h.matched_plays,
                        &h.listeners, &h.users,      &h.paid_users};
  for (size_t i = 0; i < std::size(targets); ++i) {
    auto n =
        NumberFromWarehouse<int64_t>(r[i].value_or("0"), "report_headline." + rows->columns[i]);
    if (!n.ok()) return n.status();
    *targets[i] = *n;
  }
  auto n = NumberFromWarehouse<int64_t>(runs->rows[0][0].value_or("0"), "report_run_count.runs");
  if (!n.ok()) return n.status();
  h.runs = *n;
  h.first_day = DayFromNumber(r[6]);
  h.last_day = DayFromNumber(r[7]);
  const auto first = ParseDay(h.first_day), last = ParseDay(h.last_day);
  if (first && last) h.days = (*last - *first).count() + 1;
  return h;
}

// A section whose table is the query's rows as they come.
Result<Section> QuerySection(Engine& engine, Section section, const std::string& query,
                             std::vector<Column> columns, const Vars& vars = {}) {
  auto rows = RunReportQuery(engine, query, vars);
  if (!rows.ok()) return rows.status();
  auto table = ToTable(*rows, std::move(columns), query);
  if (!table.ok()) return table.status();
  section.table = std::move(*table);
  return section;
}

ChartSpec Columns(std::string category_label, std::string value_label,
                  std::vector<size_t> value_columns = {1}) {
  return {ChartOrientation::kColumns, std::move(category_label),
          std::move(value_label),     0,
          std::move(value_columns),   std::nullopt};
}

ChartSpec Bars(std::string category_label, std::string value_label, size_t category_column,
               size_t value_column) {
  return {ChartOrientation::kBars, std::move(category_label),
          std::move(value_label),  category_column,
          {value_column},          std::nullopt};
}

ChartSpec SongBars() {
  ChartSpec spec = Bars("Song \u2014 artist", "Plays", 0, 2);
  spec.category_detail_column = 1;
  return spec;
}

Result<Section> PlaysPerDay(Engine& engine, const Headline& h) {
  auto rows = RunReportQuery(engine, "report_plays_per_day");
  if (!rows.ok()) return rows.status();
  QueryResult days;
  for (const auto& r : rows->rows) {
    if (r.size() < 4) return Status::EngineError("report query report_plays_per_day: 4 columns");
    const auto y = ParseNumber<int64_t>(r[0].value_or("")),
               m = ParseNumber<int64_t>(r[1].value_or(""));
    const auto d = ParseNumber<int64_t>(r[2].value_or(""));
    if (!y || !m || !d)
      return Status::EngineError("report query report_plays_per_day: a day is not a number");
    days.rows.push_back({DayFromNumber(std::to_string(*y * 10000 + *m * 100 + *d)), r[3]});
  }
  Section s{"plays-per-day",
            "Plays per day",
            "Every play by its calendar day (UTC), days without plays included.",
            "",
            {},
            {}};
  auto table = ToTable(days, {{"day", ColumnKind::kText}, {"plays", ColumnKind::kCount}},
                       "report_plays_per_day");
  if (!table.ok()) return table.status();
  s.table = std::move(*table);
  FillDays(s.table, h.first_day, h.last_day);
  s.chart = Columns("Day (UTC)", "Plays");
  return s;
}

Result<Section> PlaysPerHour(Engine& engine) {
  auto s = QuerySection(engine,
                        {"plays-per-hour",
                         "Plays per hour of the day",
                         "Every play by the hour (UTC) it started in.",
                         "",
                         {},
                         {}},
                        "report_plays_per_hour",
                        {{"hour", ColumnKind::kCount}, {"plays", ColumnKind::kCount}});
  if (!s.ok()) return s;
  std::vector<int64_t> hours(24);
  for (int i = 0; i < 24; ++i) hours[i] = i;
  FillKeys(s->table, hours);
  s->chart = Columns("Hour of the day (UTC)", "Plays");
  return s;
}

Result<Section> PlaysPerWeekday(Engine& engine) {
  auto s = QuerySection(engine,
                        {"plays-per-weekday",
                         "Plays per weekday",
                         "Every play by the weekday (UTC) it started on.",
                         "",
                         {},
                         {}},
                        "report_plays_per_weekday",
                        {{"weekday", ColumnKind::kCount}, {"plays", ColumnKind::kCount}});
  if (!s.ok()) return s;
  FillKeys(s->table, {1, 2, 3, 4, 5, 6, 0});  // Monday first, as ISO 8601
  static const char* kNames[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                 "Thursday", "Friday", "Saturday"};
  for (auto& row : s->table.rows) row[0] = std::string(kNames[CountAt(row, 0) % 7]);
  s->table.columns[0].kind = ColumnKind::kText;
  s->chart = Columns("Weekday (UTC)", "Plays");
  return s;
}

Result<Section> Ranking(Engine& engine, Section section, const std::string& query,
                        std::vector<Column> columns, size_t count_column, int top,
                        ChartSpec chart) {
  auto s = QuerySection(engine, std::move(section), query, std::move(columns),
                        {{"top", std::to_string(top)}, {"top_offset", std::to_string(top - 1)}});
  if (!s.ok()) return s;
  KeepTop(s->table, count_column, top);
  s->chart = std::move(chart);
  return s;
}

Result<Section> FreeAgainstPaid(Engine& engine, const Headline& h) {
  auto rows = RunReportQuery(engine, "report_levels");
  if (!rows.ok()) return rows.status();
  auto t = ToTable(
      *rows,
      {{"level", ColumnKind::kText}, {"plays", ColumnKind::kCount}, {"users", ColumnKind::kCount}},
      "report_levels");
  if (!t.ok()) return t.status();
  Section s{"free-vs-paid",
            "Free against paid",
            "Plays at each level (the level at the time of the play) and users at each level "
            "now, with their shares.",
            "",
            {},
            {}};
  s.table.columns = {{"level", ColumnKind::kText},
                     {"plays", ColumnKind::kCount},
                     {"share of plays", ColumnKind::kShare},
                     {"users now", ColumnKind::kCount},
                     {"share of users", ColumnKind::kShare}};
  for (const auto& r : t->rows) {
    const int64_t plays = CountAt(r, 1), users = CountAt(r, 2);
    s.table.rows.push_back({r[0], plays, Share(plays, h.plays), users, Share(users, h.users)});
  }
  s.chart = ChartSpec{ChartOrientation::kColumns, "Level", "Share (%)", 0, {2, 4}, std::nullopt};
  return s;
}

Result<Section> LevelChanges(Engine& engine, const Headline& h) {
  Section s{"level-changes",
            "Level changes per day",
            "Users who moved to paid (upgrades) and to free (downgrades) each day, from the level "
            "history in user_levels.",
            "",
            {},
            {}};
  s.table.columns = {
      {"day", ColumnKind::kText}, {"to paid", ColumnKind::kCount}, {"to free", ColumnKind::kCount}};
  auto exists = engine.TableExists("user_levels");
  if (!exists.ok()) return exists.status();
  if (!*exists) {
    s.note =
        "The warehouse has no user_levels table (the level history), so level changes cannot "
        "be shown: it was created before sparkify kept one. Re-create it with 'sparkify "
        "create-tables' and load again.";
    return s;
  }
  std::vector<Column> columns = s.table.columns;
  auto filled = QuerySection(engine, std::move(s), "report_level_changes", std::move(columns));
  if (!filled.ok()) return filled;
  FillDays(filled->table, h.first_day, h.last_day);
  filled->chart = Columns("Day (UTC)", "Users", {1, 2});
  return filled;
}

Result<Section> SessionLengths(Engine& engine) {
  auto s = QuerySection(engine,
                        {"session-lengths",
                         "Session lengths",
                         "Sessions (a user's session) by how many songs were played in them.",
                         "",
                         {},
                         {}},
                        "report_session_lengths",
                        {{"plays in the session", ColumnKind::kCount},
                         {"sessions", ColumnKind::kCount},
                         {"plays", ColumnKind::kCount}});
  if (!s.ok()) return s;
  FillKeys(s->table, {1, 2, 5, 10, 20, 50, 100});
  static const std::map<int64_t, std::string> kBuckets = {
      {1, "1"},           {2, "2\u20134"},    {5, "5\u20139"},     {10, "10\u201319"},
      {20, "20\u201349"}, {50, "50\u201399"}, {100, "100 or more"}};
  for (auto& row : s->table.rows) row[0] = kBuckets.at(CountAt(row, 0));
  s->table.columns[0].kind = ColumnKind::kText;
  s->chart = Columns("Plays in the session", "Sessions");
  return s;
}

Result<Section> Quarantine(Engine& engine) {
  auto s = QuerySection(engine,
                        {"quarantine",
                         "Quarantined records by reason",
                         "Input records that were not loaded, by source and field (the whole "
                         "record when no field is named), with one reason as an example.",
                         "",
                         {},
                         {}},
                        "report_quarantine",
                        {{"source", ColumnKind::kText},
                         {"field", ColumnKind::kText},
                         {"records", ColumnKind::kCount},
                         {"example", ColumnKind::kText}});
  if (!s.ok()) return s;
  // One "source: field" reason per row, then its count and example.
  Table& t = s->table;
  std::vector<std::vector<Cell>> rows;
  for (const auto& row : t.rows) {
    const auto* source = std::get_if<std::string>(&row[0]);
    const auto* field = std::get_if<std::string>(&row[1]);
    std::string reason = (source ? *source : std::string("?")) + ": " +
                         (field ? *field : std::string("whole record"));
    rows.push_back({Cell(std::move(reason)), row[2], row[3]});
  }
  t.rows = std::move(rows);
  t.columns = {{"reason", ColumnKind::kText},
               {"records", ColumnKind::kCount},
               {"example", ColumnKind::kText}};
  KeepTop(t, 1, 1000);
  if (t.rows.empty()) s->note = "No record was quarantined.";
  s->chart = Bars("Source: field", "Records", 0, 1);
  return s;
}

std::string RunsDescription(int64_t runs, int listed) {
  if (runs <= listed) return runs == 1 ? "The one run so far." : fmt::format("All {} runs.", runs);
  return fmt::format("{} runs in all; the last {} are listed.", WithThousandsSeparators(runs),
                     listed);
}

}  // namespace

double Share(int64_t part, int64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

Result<AnalyticsReport> BuildAnalyticsReport(Engine& engine, const AnalyticsOptions& options) {
  AnalyticsReport report;
  report.engine = engine.traits().name;
  report.generated_at = options.generated_at;
  auto headline = ReadHeadline(engine);
  if (!headline.ok()) return headline.status();
  report.headline = *headline;
  const Headline& h = report.headline;
  const int top = std::max(options.top, 1);

  std::vector<Result<Section>> sections;
  sections.push_back(PlaysPerDay(engine, h));
  sections.push_back(PlaysPerHour(engine));
  sections.push_back(PlaysPerWeekday(engine));
  sections.push_back(Ranking(
      engine,
      {"top-songs",
       fmt::format("Top {} songs by plays", top),
       "What the events say was played (title and artist), whether or not the catalog knows "
       "the song.",
       "",
       {},
       {}},
      "report_top_songs",
      {{"song", ColumnKind::kText}, {"artist", ColumnKind::kText}, {"plays", ColumnKind::kCount}},
      2, top, SongBars()));
  sections.push_back(Ranking(engine,
                             {"top-artists",
                              fmt::format("Top {} artists by plays", top),
                              "Artists as the events name them, with how many of their songs "
                              "were played.",
                              "",
                              {},
                              {}},
                             "report_top_artists",
                             {{"artist", ColumnKind::kText},
                              {"plays", ColumnKind::kCount},
                              {"songs played", ColumnKind::kCount}},
                             1, top, Bars("Artist", "Plays", 0, 1)));
  sections.push_back(FreeAgainstPaid(engine, h));
  sections.push_back(LevelChanges(engine, h));
  sections.push_back(SessionLengths(engine));
  sections.push_back(Ranking(engine,
                             {"top-locations",
                              fmt::format("Top {} user locations by plays", top),
                              "Where the listeners are, as the events give their location.",
                              "",
                              {},
                              {}},
                             "report_top_locations",
                             {{"location", ColumnKind::kText},
                              {"plays", ColumnKind::kCount},
                              {"listeners", ColumnKind::kCount}},
                             1, top, Bars("Location", "Plays", 0, 1)));
  sections.push_back(QuerySection(engine,
                                  {"load-files",
                                   "Files loaded",
                                   "The file ledger per source: files loaded, the records they "
                                   "held and the records quarantined.",
                                   "",
                                   {},
                                   {}},
                                  "report_load_files",
                                  {{"source", ColumnKind::kText},
                                   {"files", ColumnKind::kCount},
                                   {"records", ColumnKind::kCount},
                                   {"quarantined", ColumnKind::kCount}}));
  sections.push_back(Quarantine(engine));
  auto runs = QuerySection(engine,
                           {"load-runs",
                            "Load runs",
                            RunsDescription(h.runs, std::max(options.recent_runs, 1)),
                            "",
                            {},
                            {}},
                           "report_load_runs",
                           {{"run", ColumnKind::kCount},
                            {"started (UTC)", ColumnKind::kText},
                            {"finished (UTC)", ColumnKind::kText},
                            {"files", ColumnKind::kCount},
                            {"quarantined", ColumnKind::kCount}},
                           {{"runs", std::to_string(std::max(options.recent_runs, 1))}});
  if (runs.ok()) TrimSeconds(runs->table, {1, 2});
  sections.push_back(std::move(runs));

  for (auto& s : sections) {
    if (!s.ok()) return s.status();
    report.sections.push_back(std::move(*s));
  }
  return report;
}

std::optional<BarChart> SectionChart(const Section& section) {
  if (!section.chart || section.table.rows.empty()) return std::nullopt;
  const ChartSpec& spec = *section.chart;
  const Table& t = section.table;
  BarChart chart;
  chart.id = section.id;
  chart.title = section.title;
  chart.category_label = spec.category_label;
  chart.value_label = spec.value_label;
  chart.orientation = spec.orientation;
  const bool shares =
      !spec.value_columns.empty() && t.columns[spec.value_columns[0]].kind == ColumnKind::kShare;
  chart.format = shares ? ChartValueFormat::kPercent : ChartValueFormat::kCount;
  for (const auto& row : t.rows) {
    std::string label = FormatCell(row[spec.category_column], t.columns[spec.category_column].kind);
    if (spec.category_detail_column) {
      const size_t d = *spec.category_detail_column;
      label += " \u2014 " + FormatCell(row[d], t.columns[d].kind);
    }
    chart.categories.push_back(std::move(label));
  }
  for (size_t c : spec.value_columns) {
    ChartSeries& series = chart.series.emplace_back();
    series.name = t.columns[c].name;
    for (const auto& row : t.rows) {
      double v = 0;
      if (const auto* n = std::get_if<int64_t>(&row[c])) v = static_cast<double>(*n);
      if (const auto* d = std::get_if<double>(&row[c])) v = *d * 100.0;
      series.values.push_back(v);
    }
  }
  return chart;
}

std::string FormatCell(const Cell& cell, ColumnKind kind) {
  if (std::holds_alternative<std::monostate>(cell))
    return kind == ColumnKind::kText ? "(none)" : "\u2013";
  if (const auto* n = std::get_if<int64_t>(&cell)) return WithThousandsSeparators(*n);
  if (const auto* d = std::get_if<double>(&cell)) return FormatPercent(*d);
  const auto& s = std::get<std::string>(cell);
  return s.empty() ? "(none)" : s;
}

}  // namespace sparkify::report
