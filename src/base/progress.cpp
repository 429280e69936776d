#include "base/progress.h"

#include <fmt/format.h>

#include <cstdio>

#include "base/numbers.h"

namespace sparkify {

void Progress::Show(const std::string& line) {
  std::fprintf(stderr, "\r\033[K%s", line.c_str());
  std::fflush(stderr);
  shown_ = true;
}

void Progress::Line(const std::string& line) {
  if (!enabled_) return;
  Done();
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

void Progress::Done() {
  if (shown_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    shown_ = false;
  }
}

std::string FormatBytes(int64_t bytes) {
  if (bytes < 1000) return fmt::format("{} B", bytes);
  static constexpr const char* kUnits[] = {"kB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes) / 1000;
  size_t unit = 0;
  while (value >= 1000 && unit + 1 < std::size(kUnits)) {
    value /= 1000;
    ++unit;
  }
  return fmt::format("{:.1f} {}", value, kUnits[unit]);
}

std::string FormatTransfer(std::string_view source, const TransferProgress& p) {
  std::string line = fmt::format("{}: {}/{} files", source, WithThousandsSeparators(p.files_done),
                                 WithThousandsSeparators(p.files_total));
  if (p.bytes_total > 0) {
    const double share = static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total);
    line += fmt::format(", {}/{} ({:.0f}%)", FormatBytes(p.bytes_done), FormatBytes(p.bytes_total),
                        100 * share);
  }
  if (p.seconds > 0 && p.bytes_done > 0) {
    const double rate = static_cast<double>(p.bytes_done) / p.seconds;
    line += fmt::format(", {}/s", FormatBytes(static_cast<int64_t>(rate)));
    const double left = static_cast<double>(p.bytes_total - p.bytes_done) / rate;
    if (p.bytes_done < p.bytes_total) {
      const auto s = static_cast<int64_t>(left + 0.5);
      line +=
          s >= 60 ? fmt::format(", ETA {}:{:02}", s / 60, s % 60) : fmt::format(", ETA {} s", s);
    }
  }
  return line + fmt::format(", {} records", WithThousandsSeparators(p.records));
}

}  // namespace sparkify
