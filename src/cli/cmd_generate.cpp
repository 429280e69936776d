#include <unistd.h>

#include <cstdio>

#include "cli/commands.h"
#include "sparkify/generate.h"

namespace sparkify::cli {

void SetupGenerate(CLI::App& app, Outcome outcome) {
  auto options = std::make_shared<GenerateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "generate",
      "Write a synthetic dataset in the real formats (song_data/, log_data/) and expected.json "
      "with the row counts a correct warehouse holds. Deterministic for a seed.");
  cmd->add_option("--out", options->out_dir, "output folder")->required();
  cmd->add_option("--songs", options->songs, "song files")->capture_default_str();
  cmd->add_option("--users", options->users, "users")->capture_default_str();
  cmd->add_option("--days", options->days, "days of logs, one file each")->capture_default_str();
  cmd->add_option("--events-per-day", options->events_per_day, "events per day")
      ->capture_default_str();
  cmd->add_option("--seed", options->seed, "random seed")->capture_default_str();
  cmd->add_option("--match-fraction", options->match_fraction,
                  "fraction of plays that match a catalog song")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--start-date", options->start_date, "first day, YYYY-MM-DD")
      ->capture_default_str();
  cmd->add_option("--threads", options->threads,
                  "threads writing files (the output does not depend on it)")
      ->capture_default_str();
  cmd->callback([options, outcome] {
    GenerateOptions o = *options;
    o.progress = ::isatty(STDERR_FILENO);
    auto summary = Generate(o);
    if (!summary.ok()) return outcome(summary.status());
    std::fprintf(stderr, "sparkify: wrote %lld song files and %lld log files (%lld events) to %s\n",
                 static_cast<long long>(summary->song_files),
                 static_cast<long long>(summary->log_files),
                 static_cast<long long>(summary->events), o.out_dir.c_str());
    outcome(Status::Ok());
  });
}

}  // namespace sparkify::cli
