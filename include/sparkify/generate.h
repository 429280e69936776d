// Generate: writes a synthetic Sparkify dataset in exactly the real formats.
//
// Deterministic for a seed: the same options give the same bytes, whatever `threads` is.
// Streams: memory stays bounded whatever the size (a few bytes per user and per thread, plus
// a 1 MiB buffer per thread). Writes OUT/song_data/A/B/C/TRABC....json (one object per file),
// OUT/log_data/YYYY/MM/YYYY-MM-DD-events.json (NDJSON, no trailing newline), and, last,
// OUT/expected.json: the exact row counts a correct warehouse must hold after loading the
// dataset once. OUT may exist but must not hold song_data, log_data or expected.json already,
// so that expected.json always describes every file there. Errors are returned, never thrown;
// a failed run may leave part of the dataset (without expected.json).
#pragma once

#include <cstdint>
#include <string>

#include "sparkify/status.h"

namespace sparkify {

// Limits, checked by Generate (kInvalidArgument otherwise): songs up to 26^5 = 11,881,376 (ids
// carry the index), users up to 10,000,000, days up to 36,500, events_per_day up to 86,400,000
// (one per millisecond), a start_date from 1970 on.
struct GenerateOptions {
  std::string out_dir;
  int64_t songs = 1000;  // song files (one track each)
  int64_t users = 100;
  int64_t days = 30;  // one log file per day, from start_date
  int64_t events_per_day = 1000;
  uint64_t seed = 1;
  double match_fraction = 0.25;  // NextSong plays whose title, artist, duration are a catalog song
  std::string start_date = "2018-11-01";  // YYYY-MM-DD, UTC
  int threads = 2;                        // workers writing files; the output does not depend on it
  bool progress = false;                  // a self-overwriting progress line on stderr
};

// The counts a correct warehouse holds after loading the dataset once.
struct GenerateSummary {
  int64_t song_files = 0;
  int64_t log_files = 0;
  int64_t events = 0;  // staging_events
  int64_t songs = 0;   // staging_songs and songs
  int64_t artists = 0;
  int64_t songplays = 0;  // NextSong events
  int64_t matched_songplays = 0;
  int64_t users = 0;       // user ids seen in any event
  int64_t paid_users = 0;  // users whose latest event has level "paid"
  int64_t time_rows = 0;   // distinct NextSong timestamps
  int64_t bytes = 0;       // of song_data and log_data files (expected.json not included)
};

Result<GenerateSummary> Generate(const GenerateOptions& options);

}  // namespace sparkify
