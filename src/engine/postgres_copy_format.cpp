#include "engine/postgres_copy_format.h"

namespace sparkify::postgres {
namespace {

// Days from 1970-01-01 to the proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
constexpr int64_t kMicrosPerDay = 86'400'000'000;
constexpr int64_t kPostgresEpochDays = DaysFromCivil(2000, 1, 1);

}  // namespace

std::optional<int64_t> TimestampMicros(std::string_view t) {
  if (t.size() != 19 && t.size() != 23) return std::nullopt;
  int digits[23] = {};
  for (size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    const char expected = i == 4 || i == 7     ? '-'
                          : i == 10            ? ' '
                          : i == 13 || i == 16 ? ':'
                          : i == 19            ? '.'
                                               : '0';
    if (expected != '0' ? c != expected : (c < '0' || c > '9')) return std::nullopt;
    digits[i] = c - '0';
  }
  const auto number = [&digits](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + digits[i];
    return v;
  };
  const int year = number(0, 4), month = number(5, 2), day = number(8, 2);
  const int hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  const int millis = t.size() == 23 ? number(20, 3) : 0;
  static constexpr int kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (year < 1 || month < 1 || month > 12 || day < 1 ||
      day > kDaysIn[month - 1] + (month == 2 && leap) || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  const int64_t days = DaysFromCivil(year, month, day) - kPostgresEpochDays;
  return days * kMicrosPerDay + ((hour * 60 + minute) * 60 + second) * int64_t{1'000'000} +
         millis * int64_t{1000};
}

std::string TimestampText(int64_t micros) {
  int64_t days = micros / kMicrosPerDay + kPostgresEpochDays, in_day = micros % kMicrosPerDay;
  if (in_day < 0) {
    in_day += kMicrosPerDay;
    --days;
  }
  // H. Hinnant's civil_from_days.
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = static_cast<int64_t>(yoe) + era * 400 + (month <= 2);
  const int64_t ms = in_day / 1000;
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}", year, month, day, ms / 3'600'000,
                     ms / 60'000 % 60, ms / 1000 % 60, ms % 1000);
}

}  // namespace sparkify::postgres
