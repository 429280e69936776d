#include "pipeline/star_rows.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace sparkify {
namespace {

constexpr int64_t kMillisPerDay = 86'400'000;

struct CivilDate {
  int year, month, day;
};

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = days / 146097;  // days >= 0 here: no negative rounding to handle
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {static_cast<int>(yoe + era * 400 + (month <= 2)), month, day};
}

bool IsLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int DayOfYear(const CivilDate& date) {  // 1-based
  static constexpr int kBefore[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  return kBefore[date.month - 1] + date.day + (date.month > 2 && IsLeap(date.year));
}

void PutDigits(char* out, int value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

}  // namespace

StartTimeText FormatStartTime(int64_t ts) {
  const CivilDate date = CivilFromDays(ts / kMillisPerDay);
  const int64_t in_day = ts % kMillisPerDay;
  StartTimeText text;
  char* p = text.data();
  PutDigits(p, date.year, 4);
  p[4] = '-';
  PutDigits(p + 5, date.month, 2);
  p[7] = '-';
  PutDigits(p + 8, date.day, 2);
  p[10] = ' ';
  PutDigits(p + 11, static_cast<int>(in_day / 3'600'000), 2);
  p[13] = ':';
  PutDigits(p + 14, static_cast<int>(in_day / 60'000 % 60), 2);
  p[16] = ':';
  PutDigits(p + 17, static_cast<int>(in_day / 1000 % 60), 2);
  p[19] = '.';
  PutDigits(p + 20, static_cast<int>(in_day % 1000), 3);
  return text;
}

TimeParts ComputeTimeParts(int64_t ts) {
  const int64_t days = ts / kMillisPerDay;
  const CivilDate date = CivilFromDays(days);
  const int weekday = static_cast<int>((days + 4) % 7);  // 1970-01-01 was a Thursday (4)
  // The ISO week is the week of the Thursday of the same Monday-to-Sunday week.
  const int iso_weekday = weekday == 0 ? 7 : weekday;
  const CivilDate thursday = CivilFromDays(days - iso_weekday + 4);
  return {static_cast<int>(ts % kMillisPerDay / 3'600'000),
          date.day,
          (DayOfYear(thursday) - 1) / 7 + 1,
          date.month,
          date.year,
          weekday};
}

namespace {

// The key of a title and an artist name: both, split by a NUL (text values hold none).
void CatalogKey(std::string& key, std::string_view title, std::string_view artist_name) {
  key.assign(title).push_back('\0');
  key.append(artist_name);
}

}  // namespace

void SongCatalog::Add(std::string_view title, std::string_view artist_name, double duration,
                      std::string_view song_id, std::optional<std::string_view> artist_id) {
  std::string key;
  CatalogKey(key, title, artist_name);
  by_title_and_artist_[std::move(key)].push_back(
      {duration,
       {std::string(song_id), std::string(artist_id.value_or(""))},
       artist_id.has_value()});
  ++size_;
}

const SongCatalog::Song* SongCatalog::Match(std::string_view song, std::string_view artist,
                                            double length) const {
  CatalogKey(key_, song, artist);
  const auto candidates = by_title_and_artist_.find(key_);
  if (candidates == by_title_and_artist_.end()) return nullptr;
  const Candidate* smallest = nullptr;
  for (const Candidate& c : candidates->second) {
    if (std::fabs(c.duration - length) < 0.001 &&
        (!smallest || c.song.song_id < smallest->song.song_id)) {
      smallest = &c;
    }
  }
  return smallest && smallest->in_songs ? &smallest->song : nullptr;
}

void LatestUsers::Offer(int64_t user_id, int64_t ts, int64_t session_id, int64_t item_in_session,
                        std::optional<std::string_view> first_name,
                        std::optional<std::string_view> last_name,
                        std::optional<std::string_view> gender,
                        std::optional<std::string_view> level) {
  auto [it, inserted] = users_.try_emplace(user_id);
  UserState& user = it->second;
  const int64_t earliest_ts = inserted ? ts : std::min(ts, user.earliest_ts);
  user.earliest_ts = earliest_ts;
  if (!inserted && std::tie(ts, session_id, item_in_session) <=
                       std::tie(user.ts, user.session_id, user.item_in_session)) {
    return;  // not later: the first seen among equals stays
  }
  auto copy = [](std::optional<std::string_view> v) {
    return v ? std::optional<std::string>(*v) : std::nullopt;
  };
  user = {ts,           session_id, item_in_session, earliest_ts, copy(first_name), copy(last_name),
          copy(gender), copy(level)};
}

}  // namespace sparkify
