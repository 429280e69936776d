// Generate: writes a synthetic Sparkify dataset in exactly the real formats.
//
// Deterministic for a seed. Streams: memory stays bounded whatever the size.
// Writes OUT/song_data/A/B/C/TRABC....json (one object per file), OUT/log_data/YYYY/MM/
// YYYY-MM-DD-events.json (NDJSON, no trailing newline), and OUT/expected.json: the exact row
// counts a correct warehouse must hold after loading the dataset.
#pragma once

#include <cstdint>
#include <string>

#include "sparkify/status.h"

namespace sparkify {

struct GenerateOptions {
  std::string out_dir;
  int64_t songs = 1000;  // song files (one track each)
  int64_t users = 100;
  int64_t days = 30;  // one log file per day, from start_date
  int64_t events_per_day = 1000;
  uint64_t seed = 1;
  double match_fraction = 0.25;  // NextSong plays whose title, artist, duration are a catalog song
  std::string start_date = "2018-11-01";
  bool progress = false;
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
  int64_t bytes = 0;
};

Result<GenerateSummary> Generate(const GenerateOptions& options);

}  // namespace sparkify
