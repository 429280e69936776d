// Text for HTML and SVG markup that the report writes: escaping and the number formats people
// read (thousands separators, percentages).
//
// Pure functions; thread-safe.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/numbers.h"

namespace sparkify::report {

// `text` safe inside an element or a double- or single-quoted attribute of HTML or SVG: & < > " '
// become entities, so text from the warehouse (a song title such as "<script>") stays text.
inline std::string EscapeMarkup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

// A share in [0, 1] as a percentage with one decimal: 0.8198 -> "82.0%"; a small share that is not
// zero keeps two: 1 of 6,820 is "0.01%", not "0.0%".
inline std::string FormatPercent(double share) {
  const double percent = 100.0 * share;
  return percent > 0 && percent < 1 ? fmt::format("{:.2f}%", percent)
                                    : fmt::format("{:.1f}%", percent);
}

// A count rounded to the nearest integer, with thousands separators.
inline std::string FormatCount(double value) {
  return WithThousandsSeparators(static_cast<int64_t>(value < 0 ? value - 0.5 : value + 0.5));
}

}  // namespace sparkify::report
