#include "report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/markup.h"

namespace sparkify::report {
namespace {

constexpr double kWidth = 760;
constexpr double kCharWidth = 6.4;  // average advance of an 11px sans-serif character
constexpr double kColumnPlotHeight = 220;
constexpr double kBarRowHeight = 24;
constexpr size_t kMaxBarLabelChars = 44;
// Colour-blind-safe, distinct in greyscale print too (Tableau 10's first four).
constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759"};

const char* SeriesColour(size_t i) { return kPalette[i % std::size(kPalette)]; }

// Characters, not bytes: a label's width on screen follows its code points.
size_t CodePoints(const std::string& text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

double TextWidth(const std::string& text) {
  return static_cast<double>(CodePoints(text)) * kCharWidth;
}

// At most `limit` code points, cut at a character boundary and ended with an ellipsis.
std::string Shorten(const std::string& text, size_t limit) {
  if (CodePoints(text) <= limit) return text;
  size_t kept = 0, end = 0;
  while (end < text.size()) {
    if ((static_cast<unsigned char>(text[end]) & 0xC0) != 0x80) {
      if (kept == limit - 1) break;
      ++kept;
    }
    ++end;
  }
  return text.substr(0, end) + "\u2026";
}

std::string Num(double v) { return fmt::format("{:.1f}", v); }

std::string FormatValue(double value, ChartValueFormat format) {
  return format == ChartValueFormat::kPercent ? fmt::format("{:.1f}%", value) : FormatCount(value);
}

std::string FormatTick(double value, ChartValueFormat format) {
  return format == ChartValueFormat::kPercent ? fmt::format("{:g}%", value) : FormatCount(value);
}

// An axis from 0 to a round maximum in about five round steps (1, 2 or 5 times a power of ten);
// counts never get a fractional step.
struct ValueScale {
  double max = 1;
  double step = 1;
};

ValueScale NiceScale(double max_value, ChartValueFormat format) {
  if (!(max_value > 0)) {
    return format == ChartValueFormat::kPercent ? ValueScale{100, 20} : ValueScale{1, 1};
  }
  const double raw = max_value / 5;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double r = raw / magnitude;
  double step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * magnitude;
  if (format == ChartValueFormat::kCount) step = std::max(step, 1.0);
  return {std::ceil(max_value / step - 1e-9) * step, step};
}

double MaxValue(const BarChart& chart) {
  double max = 0;
  for (const auto& s : chart.series) {
    for (double v : s.values) max = std::max(max, v);
  }
  return max;
}

double ValueAt(const ChartSeries& s, size_t i) { return i < s.values.size() ? s.values[i] : 0; }

std::string BarTooltip(const BarChart& chart, size_t category, size_t series) {
  std::string what = chart.categories[category];
  if (chart.series.size() > 1) what += " \u2014 " + chart.series[series].name;
  return EscapeMarkup(what + ": " +
                      FormatValue(ValueAt(chart.series[series], category), chart.format));
}

std::string Text(double x, double y, const std::string& anchor, const std::string& cls,
                 const std::string& text, const std::string& extra = "") {
  return fmt::format(
      "<text class=\"{}\" x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-size=\"11\" "
      "fill=\"#333\"{}>{}</text>\n",
      cls, Num(x), Num(y), anchor, extra, text);
}

std::string Line(double x1, double y1, double x2, double y2, const std::string& cls,
                 const std::string& colour) {
  return fmt::format(
      "<line class=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" "
      "stroke-width=\"1\"/>\n",
      cls, Num(x1), Num(y1), Num(x2), Num(y2), colour);
}

std::string Legend(const BarChart& chart, double y) {
  if (chart.series.size() < 2) return "";
  std::string out = "<g class=\"legend\">\n";
  double x = 16;
  for (size_t i = 0; i < chart.series.size(); ++i) {
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/>\n", Num(x),
                       Num(y - 9), SeriesColour(i));
    out += Text(x + 14, y, "start", "legend-label", EscapeMarkup(chart.series[i].name));
    x += 14 + TextWidth(chart.series[i].name) + 20;
  }
  return out + "</g>\n";
}

struct Frame {
  double left = 0, top = 0, right = 0, bottom = 0;  // the plot area
  double height = 0;                                // of the whole SVG
};

std::string Open(const BarChart& chart, const Frame& f) {
  const std::string title = EscapeMarkup(chart.title);
  return fmt::format(
             "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"{0}-chart\" "
             "viewBox=\"0 0 {1} {2}\" width=\"{1}\" height=\"{2}\" role=\"img\" "
             "aria-labelledby=\"{0}-title\" font-family=\"DejaVu Sans, Helvetica, Arial, "
             "sans-serif\">\n<title id=\"{0}-title\">{3}</title>\n",
             EscapeMarkup(chart.id), Num(kWidth), Num(f.height), title) +
         fmt::format(
             "<text class=\"chart-title\" x=\"16\" y=\"20\" font-size=\"15\" "
             "font-weight=\"bold\" fill=\"#111\">{}</text>\n",
             title) +
         Legend(chart, 40);
}

std::string NoData(const Frame& f) {
  return Text((f.left + f.right) / 2, (f.top + f.bottom) / 2, "middle", "no-data", "no data");
}

std::string RenderColumns(const BarChart& chart) {
  const ValueScale scale = NiceScale(MaxValue(chart), chart.format);
  double tick_width = 0;
  for (double t = 0; t <= scale.max + 1e-9; t += scale.step) {
    tick_width = std::max(tick_width, TextWidth(FormatTick(t, chart.format)));
  }
  Frame f;
  f.left = 28 + tick_width + 8;
  f.top = chart.series.size() > 1 ? 58 : 40;
  f.right = kWidth - 16;
  f.bottom = f.top + kColumnPlotHeight;
  f.height = f.bottom + 48;
  const double plot_width = f.right - f.left;
  auto y_of = [&](double v) { return f.bottom - v / scale.max * kColumnPlotHeight; };

  std::string out = Open(chart, f);
  out += "<g class=\"grid\">\n";
  for (double t = scale.step; t <= scale.max + 1e-9; t += scale.step) {
    out += Line(f.left, y_of(t), f.right, y_of(t), "gridline", "#e4e4e4");
  }
  out += "</g>\n<g class=\"bars\">\n";
  const size_t n = chart.categories.size();
  const size_t groups = std::max<size_t>(chart.series.size(), 1);
  const double band = n ? plot_width / static_cast<double>(n) : plot_width;
  const double bar_width = band * 0.8 / static_cast<double>(groups);
  for (size_t c = 0; c < n; ++c) {
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const double v = ValueAt(chart.series[s], c);
      const double x =
          f.left + band * static_cast<double>(c) + band * 0.1 + bar_width * static_cast<double>(s);
      out += fmt::format(
          "<rect class=\"bar s{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
          "fill=\"{}\"><title>{}</title></rect>\n",
          s, Num(x), Num(y_of(v)), Num(bar_width), Num(f.bottom - y_of(v)), SeriesColour(s),
          BarTooltip(chart, c, s));
    }
  }
  out += "</g>\n";
  if (n == 0) out += NoData(f);
  // Axes, value ticks, then category ticks: every k-th label, so labels never overlap.
  out += Line(f.left, f.bottom, f.right, f.bottom, "axis x-axis", "#333");
  out += Line(f.left, f.top, f.left, f.bottom, "axis y-axis", "#333");
  out += "<g class=\"ticks value-ticks\">\n";
  for (double t = 0; t <= scale.max + 1e-9; t += scale.step) {
    out += Text(f.left - 6, y_of(t) + 4, "end", "tick", FormatTick(t, chart.format));
  }
  out += "</g>\n<g class=\"ticks category-ticks\">\n";
  double widest = 0;
  for (const auto& c : chart.categories) widest = std::max(widest, TextWidth(c));
  const size_t every =
      std::max<size_t>(1, static_cast<size_t>(std::ceil((widest + 8) / std::max(band, 1.0))));
  for (size_t c = 0; c < n; c += every) {
    out += Text(f.left + band * (static_cast<double>(c) + 0.5), f.bottom + 16, "middle", "tick",
                EscapeMarkup(chart.categories[c]));
  }
  out += "</g>\n";
  out += Text((f.left + f.right) / 2, f.bottom + 38, "middle", "axis-label x-label",
              EscapeMarkup(chart.category_label));
  const double mid = (f.top + f.bottom) / 2;
  out += Text(14, mid, "middle", "axis-label y-label", EscapeMarkup(chart.value_label),
              fmt::format(" transform=\"rotate(-90 14 {})\"", Num(mid)));
  return out + "</svg>\n";
}

std::string RenderBars(const BarChart& chart) {
  const ValueScale scale = NiceScale(MaxValue(chart), chart.format);
  const size_t n = chart.categories.size();
  double label_width = 0;
  for (const auto& c : chart.categories) {
    label_width = std::max(label_width, TextWidth(Shorten(c, kMaxBarLabelChars)));
  }
  double value_width = TextWidth(FormatTick(scale.max, chart.format));
  for (const auto& s : chart.series) {
    for (double v : s.values)
      value_width = std::max(value_width, TextWidth(FormatValue(v, chart.format)));
  }
  Frame f;
  f.left = 28 + label_width + 8;
  f.top = chart.series.size() > 1 ? 58 : 40;
  f.right = kWidth - 16 - value_width;
  f.bottom = f.top + kBarRowHeight * static_cast<double>(std::max<size_t>(n, 2));
  f.height = f.bottom + 48;
  const double plot_width = f.right - f.left;
  auto x_of = [&](double v) { return f.left + v / scale.max * plot_width; };

  std::string out = Open(chart, f);
  out += "<g class=\"grid\">\n";
  for (double t = scale.step; t <= scale.max + 1e-9; t += scale.step) {
    out += Line(x_of(t), f.top, x_of(t), f.bottom, "gridline", "#e4e4e4");
  }
  out += "</g>\n<g class=\"bars\">\n";
  const size_t groups = std::max<size_t>(chart.series.size(), 1);
  const double thickness = kBarRowHeight * 0.7 / static_cast<double>(groups);
  for (size_t c = 0; c < n; ++c) {
    for (size_t s = 0; s < chart.series.size(); ++s) {
      const double v = ValueAt(chart.series[s], c);
      const double y = f.top + kBarRowHeight * static_cast<double>(c) + kBarRowHeight * 0.15 +
                       thickness * static_cast<double>(s);
      out += fmt::format(
          "<rect class=\"bar s{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
          "fill=\"{}\"><title>{}</title></rect>\n",
          s, Num(f.left), Num(y), Num(x_of(v) - f.left), Num(thickness), SeriesColour(s),
          BarTooltip(chart, c, s));
      out += Text(x_of(v) + 4, y + thickness / 2 + 4, "start", "bar-value",
                  FormatValue(v, chart.format));
    }
  }
  out += "</g>\n";
  if (n == 0) out += NoData(f);
  out += Line(f.left, f.bottom, f.right, f.bottom, "axis x-axis", "#333");
  out += Line(f.left, f.top, f.left, f.bottom, "axis y-axis", "#333");
  out += "<g class=\"ticks category-ticks\">\n";
  for (size_t c = 0; c < n; ++c) {
    const std::string& full = chart.categories[c];
    out += fmt::format(
        "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"11\" "
        "fill=\"#333\"><title>{}</title>{}</text>\n",
        Num(f.left - 6), Num(f.top + kBarRowHeight * (static_cast<double>(c) + 0.5) + 4),
        EscapeMarkup(full), EscapeMarkup(Shorten(full, kMaxBarLabelChars)));
  }
  out += "</g>\n<g class=\"ticks value-ticks\">\n";
  for (double t = 0; t <= scale.max + 1e-9; t += scale.step) {
    out += Text(x_of(t), f.bottom + 16, "middle", "tick", FormatTick(t, chart.format));
  }
  out += "</g>\n";
  out += Text((f.left + f.right) / 2, f.bottom + 38, "middle", "axis-label x-label",
              EscapeMarkup(chart.value_label));
  const double mid = (f.top + f.bottom) / 2;
  out += Text(14, mid, "middle", "axis-label y-label", EscapeMarkup(chart.category_label),
              fmt::format(" transform=\"rotate(-90 14 {})\"", Num(mid)));
  return out + "</svg>\n";
}

}  // namespace

std::string RenderBarChartSvg(const BarChart& chart) {
  return chart.orientation == ChartOrientation::kBars ? RenderBars(chart) : RenderColumns(chart);
}

}  // namespace sparkify::report
