// The analytics report (`sparkify report`): what users listen to, when, at which level, and how
// healthy the loads are, read from a warehouse with the report_*.sql statements of its dialect.
// Not the load report of a run (src/pipeline/report.cpp, `etl --json`).
//
// The model is a headline and a list of sections, each a table of numbers with an optional
// chart drawn from its columns; the HTML page (report_html.h) and the JSON (report_json.h) are
// both rendered from it, so they always show the same numbers. Rankings are ordered by plays,
// then by the bytes of their names, in C++: the same on every engine whatever its collation.
// A section whose table is missing (user_levels in a warehouse created before it) has a note
// saying so instead of numbers; any other failed query fails the report.
//
// BuildAnalyticsReport only reads (SELECT); it is not thread-safe with respect to the engine.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "report/svg_chart.h"
#include "sparkify/engine.h"
#include "sparkify/status.h"

namespace sparkify::report {

enum class ColumnKind {
  kText,
  kCount,  // an integer, shown with thousands separators
  kShare,  // a fraction in [0, 1], shown as a percentage
};

struct Column {
  std::string name;
  ColumnKind kind = ColumnKind::kText;
};

// NULL, a count, a share, or text.
using Cell = std::variant<std::monostate, int64_t, double, std::string>;

struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;
};

// A chart of a section's table: one category per row, one series per value column.
struct ChartSpec {
  ChartOrientation orientation = ChartOrientation::kColumns;
  std::string category_label;
  std::string value_label;
  size_t category_column = 0;
  std::vector<size_t> value_columns;  // kCount columns, or kShare ones (drawn as percentages)
  std::optional<size_t> category_detail_column;  // appended to the label: "Undo — Björk"
};

struct Section {
  std::string id;     // the HTML element's id, the JSON section's "id"
  std::string title;  // the chart's and the section's title
  std::string description;
  std::string note;  // when not empty: why the section has no numbers
  Table table;
  std::optional<ChartSpec> chart;
};

struct Headline {
  int64_t plays = 0;
  int64_t paid_plays = 0;
  int64_t matched_plays = 0;  // plays whose song the catalog knows (songplays.song_id)
  int64_t listeners = 0;      // distinct users with a play
  int64_t users = 0;          // rows of users
  int64_t paid_users = 0;     // users whose current level is paid
  int64_t runs = 0;           // etl_runs
  std::string first_day;      // YYYY-MM-DD of the first play (UTC); empty without plays
  std::string last_day;
  int64_t days = 0;  // calendar days from first_day to last_day, both included
};

// part / whole, 0 when whole is 0.
double Share(int64_t part, int64_t whole);

struct AnalyticsReport {
  std::string engine;
  std::string generated_at;  // as given in the options
  Headline headline;
  std::vector<Section> sections;
};

struct AnalyticsOptions {
  int top = 10;              // entries of each ranking (songs, artists, locations)
  int recent_runs = 20;      // runs listed in the load-health section
  std::string generated_at;  // shown as given (the CLI passes the current UTC time)
};

Result<AnalyticsReport> BuildAnalyticsReport(Engine& engine, const AnalyticsOptions& options = {});

// A cell as the page shows it: counts with thousands separators, shares as percentages, NULL
// as a dash (or "(none)" for text, as is empty text).
std::string FormatCell(const Cell& cell, ColumnKind kind);

// The chart of `section` (its spec applied to its table), or nullopt when it has none or no rows.
std::optional<BarChart> SectionChart(const Section& section);

}  // namespace sparkify::report
