// The star schema's values computed in C++, exactly as the SQLite transforms compute them
// (sql/sqlite/transform_*.sql): what the --direct load writes without staging the events.
// tests/star_rows_test.cpp holds each function to SQLite's own results.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sparkify {

// 'YYYY-MM-DD HH:MM:SS.mmm' (UTC) of epoch milliseconds `ts` in 1970..9999, as
// strftime('%Y-%m-%d %H:%M:%S', ts / 1000, 'unixepoch') || printf('.%03d', ts % 1000).
using StartTimeText = std::array<char, 23>;
StartTimeText FormatStartTime(int64_t ts);

// The time table's columns of epoch milliseconds `ts` (transform_time.sql): ISO week, and
// weekday 0 for Sunday to 6 for Saturday.
struct TimeParts {
  int hour, day, week, month, year, weekday;
};
TimeParts ComputeTimeParts(int64_t ts);

// The song catalog, for the songplays' match (transform_songplays.sql): title and artist name
// equal, durations less than a millisecond apart, the smallest song_id of staging_songs among
// the matches, then that song's row in songs (no match when songs lacks it).
class SongCatalog {
 public:
  struct Song {
    std::string song_id;
    std::string artist_id;
  };

  // A staging_songs row with a title, an artist name and a duration, and the artist_id of its
  // song_id in songs (none when songs has no such row).
  void Add(std::string_view title, std::string_view artist_name, double duration,
           std::string_view song_id, std::optional<std::string_view> artist_id);

  // The match of an event's song, artist and length; null when there is none.
  const Song* Match(std::string_view song, std::string_view artist, double length) const;

  size_t size() const { return size_; }

 private:
  struct Candidate {
    double duration;
    Song song;
    bool in_songs;
  };

  std::unordered_map<std::string, std::vector<Candidate>> by_title_and_artist_;
  mutable std::string key_;  // reused by Match (the catalog is used by one thread)
  size_t size_ = 0;
};

// A user's latest event (transform_users.sql): by timestamp, then session, then item in
// session, the first seen (by file and line) among equals; and the earliest timestamp seen,
// from which direct_user_levels.sql recomputes the user's level history.
struct UserState {
  int64_t ts = 0, session_id = 0, item_in_session = 0;
  int64_t earliest_ts = 0;
  std::optional<std::string> first_name, last_name, gender, level;
};

class LatestUsers {
 public:
  // Keeps the event when it is later than the user's latest so far.
  void Offer(int64_t user_id, int64_t ts, int64_t session_id, int64_t item_in_session,
             std::optional<std::string_view> first_name, std::optional<std::string_view> last_name,
             std::optional<std::string_view> gender, std::optional<std::string_view> level);
  const std::unordered_map<int64_t, UserState>& users() const { return users_; }

 private:
  std::unordered_map<int64_t, UserState> users_;
};

}  // namespace sparkify
