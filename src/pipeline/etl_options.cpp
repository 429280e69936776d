// Parsing the options of a run that are written as text (--max-errors, --max-record-size).
#include <charconv>
#include <cstdint>
#include <string_view>
#include <utility>

#include "base/numbers.h"
#include "sparkify/pipeline.h"

namespace sparkify {

Result<ErrorBudget> ParseErrorBudget(const std::string& text) {
  ErrorBudget budget;
  const bool percent = !text.empty() && text.back() == '%';
  const std::string number = percent ? text.substr(0, text.size() - 1) : text;
  if (percent) {
    const auto value = ParseNumber<double>(number);
    if (value && *value >= 0 && *value <= 100) {
      budget.max_percent = *value;
      return budget;
    }
  } else {
    const auto value = ParseNumber<int64_t>(number);
    if (value && *value >= 0) {
      budget.max_count = *value;
      return budget;
    }
  }
  return Status::InvalidArgument("--max-errors: invalid value '" + text +
                                 "' (expected a count such as 100 or a percentage such as 0.5%)");
}

Result<size_t> ParseRecordSizeLimit(const std::string& text) {
  static constexpr std::pair<std::string_view, size_t> kUnits[] = {
      {"KiB", size_t{1} << 10}, {"MiB", size_t{1} << 20}, {"GiB", size_t{1} << 30},
      {"K", size_t{1} << 10},   {"M", size_t{1} << 20},   {"G", size_t{1} << 30}};
  std::string_view number = text;
  size_t unit = 1;
  for (const auto& [suffix, bytes] : kUnits) {
    if (number.size() > suffix.size() && number.substr(number.size() - suffix.size()) == suffix) {
      number.remove_suffix(suffix.size());
      unit = bytes;
      break;
    }
  }
  uint64_t value = 0;
  const auto parsed = std::from_chars(number.data(), number.data() + number.size(), value);
  constexpr uint64_t kMax = uint64_t{4} << 30;  // simdjson's largest document
  if (parsed.ec == std::errc() && parsed.ptr == number.data() + number.size() && value > 0 &&
      value <= kMax / unit && value * unit >= 1024) {
    return static_cast<size_t>(value * unit);
  }
  return Status::InvalidArgument("--max-record-size: invalid value '" + text +
                                 "' (expected bytes from 1024 to 4GiB, such as 1048576, 64MiB or "
                                 "1G)");
}

}  // namespace sparkify
