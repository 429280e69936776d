// Bar charts as static inline SVG, for the analytics report's self-contained HTML file.
//
// A chart has a visible title (also the SVG's <title>, for screen readers), a label on each
// axis, tick marks with values, one rectangle per category and series (class "bar", with a
// tooltip giving the exact value) and, for more than one series, a legend. Columns (vertical
// bars) suit ordered categories such as hours; bars (horizontal) suit ranked names, which need
// room for long labels. The markup has no script, no external reference and its colours as
// attributes, so it draws and prints the same without the page's CSS. Every text is escaped:
// a title or category from the warehouse cannot inject markup.
//
// Why in-house: Debian's charting packages are JavaScript drawing into a canvas at view time
// (libjs-chart.js), a toolkit one writes charts in (libjs-d3), or C libraries that draw raster
// images (libgdchart) or need a GUI toolkit (libkchart). None writes SVG text from C++, which is
// what a static, printable, testable file needs; bar charts with axes are a few hundred lines.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

namespace sparkify::report {

struct ChartSeries {
  std::string name;
  std::vector<double> values;  // one per category, >= 0
};

enum class ChartOrientation {
  kColumns,  // categories along the x axis, values up the y axis
  kBars,     // categories down the y axis, values along the x axis
};

enum class ChartValueFormat {
  kCount,    // integers with thousands separators
  kPercent,  // values are percentages (0 to 100), shown with a % sign
};

struct BarChart {
  std::string id;  // unique in the page (letters, digits, '-'); names the SVG's <title>
  std::string title;
  std::string category_label;  // the axis of the categories
  std::string value_label;     // the axis of the values
  ChartOrientation orientation = ChartOrientation::kColumns;
  ChartValueFormat format = ChartValueFormat::kCount;
  std::vector<std::string> categories;
  std::vector<ChartSeries> series;
};

// The chart as one <svg> element. A chart without categories draws its axes and says "no data".
std::string RenderBarChartSvg(const BarChart& chart);

}  // namespace sparkify::report
