// Generate(): validates the options, hands days and blocks of songs to the worker threads,
// then merges their counts into expected.json. See generate/catalog.h and generate/event_log.h
// for what is written and why the counts are exact.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <filesystem>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>

#include "base/progress.h"
#include "generate/catalog.h"
#include "generate/event_log.h"
#include "generate/file_io.h"
#include "generate/song_files.h"
#include "sparkify/generate.h"

namespace sparkify {
namespace {

namespace fs = std::filesystem;
using gen::Catalog;

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kMaxUsers = 10'000'000;  // per-user state is ~10 bytes per thread
constexpr int64_t kMaxDays = 36'500;
constexpr int64_t kSongsPerUnit = 2048;  // about as many songs as one worker takes at a time

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

struct CivilDate {
  int64_t year, month, day;
};

CivilDate CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  return {yoe + era * 400 + (m <= 2), m, d};
}

// "YYYY-MM-DD", a real date from 1970 on, to days since the epoch.
Result<int64_t> ParseStartDate(const std::string& text) {
  auto bad = [&] {
    return Status::InvalidArgument(
        "generate: --start-date must be a date YYYY-MM-DD from 1970 on, "
        "got \"" +
        text + "\"");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  int64_t parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (int k = 0; k < lengths[p]; ++k) {
      const char c = text[starts[p] + k];
      if (c < '0' || c > '9') return bad();
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  const int64_t days = DaysFromCivil(parts[0], parts[1], parts[2]);
  const CivilDate back = CivilFromDays(days);  // catches 2018-02-30 and month 13
  if (parts[0] < 1970 || parts[1] < 1 || parts[1] > 12 || back.year != parts[0] ||
      back.month != parts[1] || back.day != parts[2]) {
    return bad();
  }
  return days;
}

Status CheckRange(const char* flag, int64_t value, int64_t max) {
  if (value >= 0 && value <= max) return Status::Ok();
  return Status::InvalidArgument("generate: " + std::string(flag) + " must be between 0 and " +
                                 std::to_string(max) + ", got " + std::to_string(value));
}

Status Validate(const GenerateOptions& o) {
  if (o.out_dir.empty()) return Status::InvalidArgument("generate: an output folder is required");
  SPARKIFY_RETURN_IF_ERROR(CheckRange("--songs", o.songs, Catalog::kMaxSongs));
  SPARKIFY_RETURN_IF_ERROR(CheckRange("--users", o.users, kMaxUsers));
  SPARKIFY_RETURN_IF_ERROR(CheckRange("--days", o.days, kMaxDays));
  // One event per millisecond at most keeps every timestamp distinct.
  SPARKIFY_RETURN_IF_ERROR(CheckRange("--events-per-day", o.events_per_day, kDayMs));
  if (o.users == 0 && o.days > 0 && o.events_per_day > 0) {
    return Status::InvalidArgument("generate: events need at least one user (--users)");
  }
  if (!(o.match_fraction >= 0.0 && o.match_fraction <= 1.0)) {
    return Status::InvalidArgument("generate: --match-fraction must be between 0 and 1, got " +
                                   std::to_string(o.match_fraction));
  }
  if (o.threads < 1 || o.threads > 64) {
    return Status::InvalidArgument("generate: --threads must be between 1 and 64, got " +
                                   std::to_string(o.threads));
  }
  return Status::Ok();
}

// Makes OUT (if needed) and its song_data and log_data folders, refusing to mix with an
// earlier dataset: stale files would make expected.json wrong.
Status PrepareOutput(const std::string& out) {
  std::error_code ec;
  if (fs::exists(out, ec) && !fs::is_directory(out, ec)) {
    return Status::InvalidArgument("generate: output " + out + " exists and is not a folder");
  }
  fs::create_directories(out, ec);
  if (ec) {
    return Status::InvalidArgument("generate: cannot create output folder " + out + ": " +
                                   ec.message());
  }
  if (::access(out.c_str(), W_OK | X_OK) != 0) {
    return Status::InvalidArgument("generate: output folder " + out + " is not writable");
  }
  for (const char* name : {"song_data", "log_data", "expected.json"}) {
    if (fs::exists(fs::path(out) / name, ec)) {
      return Status::InvalidArgument("generate: " + (fs::path(out) / name).string() +
                                     " already exists; generate into a new folder or remove it");
    }
  }
  SPARKIFY_RETURN_IF_ERROR(gen::MakeDirectory(out + "/song_data"));
  return gen::MakeDirectory(out + "/log_data");
}

std::string FormatExpected(const GenerateSummary& s) {
  const std::pair<const char*, int64_t> fields[] = {
      {"song_files", s.song_files},
      {"log_files", s.log_files},
      {"events", s.events},
      {"songs", s.songs},
      {"artists", s.artists},
      {"songplays", s.songplays},
      {"matched_songplays", s.matched_songplays},
      {"users", s.users},
      {"paid_users", s.paid_users},
      {"time_rows", s.time_rows},
      {"bytes", s.bytes},
  };
  std::string out = "{";
  for (const auto& [name, value] : fields) {
    if (out.size() > 1) out.append(", ");
    out.append("\"").append(name).append("\": ").append(std::to_string(value));
  }
  out.append("}\n");
  return out;
}

// One thread's writers and the first error it met.
struct Worker {
  Worker(const gen::LogSettings& settings, const Catalog& catalog, const std::string& out)
      : logs(settings, catalog), songs(catalog, out + "/song_data") {}
  gen::EventLogWriter logs;
  gen::SongFileWriter songs;
  Status status;
};

}  // namespace

Result<GenerateSummary> Generate(const GenerateOptions& options) {
  SPARKIFY_RETURN_IF_ERROR(Validate(options));
  auto start_day = ParseStartDate(options.start_date);
  if (!start_day.ok()) return start_day.status();
  if (CivilFromDays(*start_day + options.days).year > 9999) {
    return Status::InvalidArgument("generate: --days runs past the year 9999");
  }
  SPARKIFY_RETURN_IF_ERROR(PrepareOutput(options.out_dir));

  const Catalog catalog(options.seed, options.songs);
  gen::LogSettings settings;
  settings.seed = options.seed;
  settings.users = options.users;
  settings.days = options.days;
  settings.events_per_day = options.events_per_day;
  settings.first_day_ms = *start_day * kDayMs;
  settings.match_threshold =
      static_cast<uint64_t>(std::ldexp(options.match_fraction, 53));  // exact: a power of two

  // Work units: every day first (the big ones), then blocks of songs, taken in turn by the
  // workers. A file's bytes depend only on its unit, never on which worker wrote it.
  // A song unit is a run of whole folders holding about kSongsPerUnit songs.
  const int64_t folders = catalog.track_slots() / Catalog::kSlotsPerFolder;
  const int64_t folders_per_unit =
      options.songs == 0 ? 1 : std::max<int64_t>(1, kSongsPerUnit * folders / options.songs);
  const int64_t song_units =
      options.songs == 0 ? 0 : (folders + folders_per_unit - 1) / folders_per_unit;
  const int64_t units = options.days + song_units;
  std::atomic<int64_t> next_unit{0}, days_done{0}, songs_done{0};
  std::atomic<bool> failed{false};
  const std::string& out = options.out_dir;

  auto run = [&](Worker& w, Progress* progress) {
    for (int64_t unit; !failed && (unit = next_unit++) < units;) {
      if (unit < options.days) {
        const CivilDate date = CivilFromDays(*start_day + unit);
        const std::string year_dir = fmt::format("{}/log_data/{:04}", out, date.year);
        const std::string month_dir = fmt::format("{}/{:02}", year_dir, date.month);
        w.status = gen::MakeDirectory(year_dir);
        if (w.status.ok()) w.status = gen::MakeDirectory(month_dir);
        if (w.status.ok()) {
          w.status = w.logs.WriteDay(unit, fmt::format("{}/{:04}-{:02}-{:02}-events.json",
                                                       month_dir, date.year, date.month, date.day));
        }
        ++days_done;
      } else {
        const int64_t slots_per_unit = folders_per_unit * Catalog::kSlotsPerFolder;
        const int64_t begin = (unit - options.days) * slots_per_unit;
        const int64_t before = w.songs.files();
        w.status = w.songs.Write(begin, std::min(catalog.track_slots(), begin + slots_per_unit));
        songs_done += w.songs.files() - before;
      }
      if (!w.status.ok()) failed = true;
      if (progress) {
        progress->Update([&] {
          return "generate: " + std::to_string(days_done) + "/" + std::to_string(options.days) +
                 " days, " + std::to_string(songs_done) + "/" + std::to_string(options.songs) +
                 " songs";
        });
      }
    }
  };

  const int threads = static_cast<int>(std::clamp<int64_t>(units, 1, options.threads));
  std::vector<std::unique_ptr<Worker>> workers;
  for (int t = 0; t < threads; ++t)
    workers.push_back(std::make_unique<Worker>(settings, catalog, out));
  {
    Progress progress(options.progress);
    std::vector<std::thread> helpers;
    for (int t = 1; t < threads; ++t) {
      try {
        helpers.emplace_back(run, std::ref(*workers[t]), nullptr);
      } catch (const std::system_error&) {
        break;  // fewer threads: slower, but the same bytes
      }
    }
    run(*workers[0], &progress);  // this thread works too, and alone draws the progress line
    for (std::thread& h : helpers) h.join();
  }
  for (const auto& w : workers) {
    if (!w->status.ok()) return w->status.WithContext("generate");
  }

  GenerateSummary summary;
  summary.songs = options.songs;
  summary.artists = catalog.CountArtists();
  for (const auto& w : workers) {
    const gen::LogCounts& c = w->logs.counts();
    summary.song_files += w->songs.files();
    summary.bytes += w->songs.bytes() + c.bytes;
    summary.log_files += c.files;
    summary.events += c.events;
    summary.songplays += c.songplays;
    summary.matched_songplays += c.matched_songplays;
    summary.time_rows += c.time_rows;
  }
  // A user's latest event is in the latest day that has one; each day has exactly one writer.
  for (size_t u = 0; u < static_cast<size_t>(options.users); ++u) {
    int32_t latest = -1;
    bool paid = false;
    for (const auto& w : workers) {
      if (w->logs.last_day()[u] > latest) {
        latest = w->logs.last_day()[u];
        paid = w->logs.last_paid()[u] != 0;
      }
    }
    summary.users += latest >= 0;
    summary.paid_users += latest >= 0 && paid;
  }
  SPARKIFY_RETURN_IF_ERROR(
      gen::WriteWholeFile(out + "/expected.json", FormatExpected(summary)).WithContext("generate"));
  return summary;
}

}  // namespace sparkify
