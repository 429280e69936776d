// Writes log_data: one eventsim-style NDJSON file per day (real key order, compact separators,
// no newline after the last line) and counts exactly what a correct warehouse derives from it.
//
// A day is simulated on its own, from (seed, day): a few concurrent sessions take turns, each
// optionally opening logged out (Home, Login), then logged in (mostly NextSong) and maybe
// closing with Logout and a logged-out Home. Timestamps rise through the day, one per event, so
// every event is distinct by (sessionId, itemInSession, userId, ts) and distinct timestamps are
// counted against the previous one. The exceptions are a few planned collisions: a NextSong
// event given the previous NextSong event's timestamp, always of another user, like the
// real data's 6,820 plays over 6,813 timestamps.
//
// Levels follow a per-user schedule (free to paid and back on fixed days); on a switch day the
// user's first logged-in turn shows Upgrade then Submit Upgrade (or the Downgrade pair) before
// the new level. Since a day's bytes depend only on (options, day), days can be written by
// several writers at once. Per-writer memory is a few bytes per user plus a 1 MiB buffer.
//
// Not thread-safe: one writer per thread, each given its days in increasing order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "generate/catalog.h"
#include "generate/random.h"
#include "sparkify/status.h"

namespace sparkify::gen {

struct LogSettings {
  uint64_t seed = 1;
  int64_t users = 0;
  int64_t days = 0;
  int64_t events_per_day = 0;
  int64_t first_day_ms = 0;      // epoch milliseconds of day 0, 00:00 UTC
  uint64_t match_threshold = 0;  // a play matches when 53 random bits fall below this
};

struct LogCounts {
  int64_t files = 0;
  int64_t events = 0;
  int64_t songplays = 0;  // NextSong events
  int64_t matched_songplays = 0;
  int64_t time_rows = 0;  // distinct NextSong timestamps
  int64_t bytes = 0;
};

class EventLogWriter {
 public:
  EventLogWriter(const LogSettings& settings, const Catalog& catalog);
  ~EventLogWriter();
  EventLogWriter(const EventLogWriter&) = delete;
  EventLogWriter& operator=(const EventLogWriter&) = delete;

  // Writes day `day` (0-based) to `path`.
  Status WriteDay(int64_t day, const std::string& path);

  const LogCounts& counts() const { return counts_; }
  // Per user: the last day this writer gave the user an event (-1 for none), and whether the
  // user's last event of that day had level "paid". Later days hold later events.
  const std::vector<int32_t>& last_day() const { return last_day_; }
  const std::vector<uint8_t>& last_paid() const { return last_paid_; }

 private:
  struct Day;
  LogSettings settings_;
  const Catalog& catalog_;
  LogCounts counts_;
  std::vector<uint8_t> active_;       // in a session right now
  std::vector<int32_t> switched_on_;  // the day the user last submitted a level change
  std::vector<int32_t> last_day_;
  std::vector<uint8_t> last_paid_;
  // JSON text of user attributes, escaped once: "firstName" etc. cost one copy per event.
  std::vector<std::string> female_names_, male_names_, last_names_, locations_, agents_;
  std::string buffer_;
  CatalogSong song_;
  std::string title_, artist_;
};

}  // namespace sparkify::gen
