#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "base/sql_text.h"
#include "cli/commands.h"
#include "cli/usage.h"
#include "sparkify/pipeline.h"

namespace sparkify::cli {
namespace {

struct EtlCommandOptions {
  ConfigOverrides warehouse;  // also --song-data, --log-data and --staging-uri
  bool json = false;
  bool quiet = false;
  bool full_refresh = false;
  bool direct = false;        // --direct
  bool stage_events = false;  // --stage-events
  std::optional<std::string> since;
  std::optional<std::string> until;
  std::string max_errors = "1%";
  std::string max_record_size = "16MiB";
  bool create_missing_tables = false;  // true for `run`
  std::string region;                  // --region, else AWS_REGION...
  std::string endpoint_url;            // --endpoint-url, else AWS_ENDPOINT_URL...
  bool no_sign_request = false;        // --no-sign-request
  bool dry_run = false;                // --dry-run: print the plan, connect to nothing
};

// The run, filling `report` as far as it gets (for --json, also when it fails).
Status LoadWarehouse(const EtlCommandOptions& options, LoadReport& report) {
  if (options.since && options.until && *options.since > *options.until) {
    return Status::InvalidArgument("--since " + *options.since + " is after --until " +
                                   *options.until + ": no log file is in that window");
  }
  auto config = ResolveConfig(options.warehouse);
  if (!config.ok()) return config.status();
  if (!options.quiet) AnnounceWarehouse(*config);
  report.engine = config->engine;
  report.target = DescribeTarget(*config);
  EtlOptions etl;
  etl.song_data = config->song_data;
  etl.log_data = config->log_data;
  etl.create_missing_tables = options.create_missing_tables;
  etl.progress = !options.quiet && ::isatty(STDERR_FILENO);
  etl.full_refresh = options.full_refresh;
  etl.event_load = options.direct         ? EventLoad::kDirect
                   : options.stage_events ? EventLoad::kStaged
                                          : EventLoad::kDefault;
  etl.since = options.since;
  etl.until = options.until;
  auto budget = ParseErrorBudget(options.max_errors);
  if (!budget.ok()) return budget.status();
  etl.max_errors = *budget;
  auto record_size = ParseRecordSizeLimit(options.max_record_size);
  if (!record_size.ok()) return record_size.status();
  etl.max_record_size = *record_size;
  etl.s3.region = options.region;
  etl.s3.endpoint_url = options.endpoint_url;
  etl.s3.no_sign_request = options.no_sign_request;
  ApplyConfigCredentials(*config, etl.s3);
  if (options.dry_run) {
    auto plan = PlanEtl(*config, etl);
    if (!plan.ok()) return plan.status();
    std::fputs(plan->c_str(), stdout);
    return Status::Ok();
  }
  auto engine = OpenEngine(*config);
  if (!engine.ok()) return engine.status();
  EtlOutcome outcome = RunEtlReporting(**engine, etl);
  report = std::move(outcome.report);
  return outcome.status;
}

Status RunEtlCommand(const EtlCommandOptions& options) {
  LoadReport report;
  report.started_at = IsoUtc(std::time(nullptr));
  Status status = LoadWarehouse(options, report);
  for (const auto& w : report.warnings) std::fprintf(stderr, "sparkify: warning: %s\n", w.c_str());
  if (options.dry_run) return status;
  if (!status.ok()) {
    report.error = status.message();
    if (report.finished_at.empty()) report.finished_at = IsoUtc(std::time(nullptr));
  } else if (!options.quiet) {
    std::fputs(FormatReportText(report).c_str(), stderr);
  }
  if (options.json) std::printf("%s\n", FormatReportJson(report).c_str());
  return status;
}

void Setup(CLI::App& app, const char* name, const char* description, bool create_missing,
           Outcome outcome) {
  auto options = std::make_shared<EtlCommandOptions>();
  options->create_missing_tables = create_missing;
  CLI::App* cmd = app.add_subcommand(name, description);
  AddWarehouseFlags(*cmd, options->warehouse);
  cmd->add_option("--song-data", options->warehouse.song_data,
                  "song catalog: a folder, a file or s3://bucket/prefix (dwh.cfg [S3] SONG_DATA)");
  cmd->add_option("--log-data", options->warehouse.log_data,
                  "event logs: a folder, a file or s3://bucket/prefix (dwh.cfg [S3] LOG_DATA)");
  cmd->add_option("--region", options->region,
                  "AWS region of s3:// sources (default: AWS_REGION, AWS_DEFAULT_REGION, "
                  "us-west-2)");
  cmd->add_option("--endpoint-url", options->endpoint_url,
                  "S3-compatible endpoint, addressed path-style (default: AWS_ENDPOINT_URL_S3, "
                  "AWS_ENDPOINT_URL)");
  cmd->add_flag("--no-sign-request", options->no_sign_request,
                "read s3:// sources anonymously (public buckets); otherwise credentials come "
                "from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, dwh.cfg [AWS] "
                "KEY/SECRET, or ~/.aws/credentials (AWS_PROFILE)");
  cmd->add_option("--staging-uri", options->warehouse.staging_uri,
                  "Redshift: a writable s3://bucket/prefix for the run's manifests and uploads of "
                  "local files (dwh.cfg [S3] STAGING)");
  cmd->add_flag("--dry-run", options->dry_run,
                "print the plan to stdout: the run itself on a recording engine (what it reads, "
                "every SQL statement in order, as a first load), without connecting to the "
                "warehouse or changing anything");
  CLI::Option* dry_run = cmd->get_option("--dry-run");
  cmd->add_flag("--json", options->json,
                "write the load report to stdout as one JSON object, also when the run fails "
                "(status, error, target, this_run, warehouse)")
      ->excludes(dry_run);
  cmd->add_flag("--full-refresh", options->full_refresh,
                "forget everything loaded so far and load every file again (one transaction)");
  CLI::Option* direct = cmd->add_flag(
      "--direct", options->direct,
      "load songplays, time and users straight from the event stream (the default on sqlite "
      "for a new warehouse or one loaded so); an error where it cannot be");
  cmd->add_flag("--stage-events", options->stage_events,
                "stage the events in staging_events first and build the star from them in SQL "
                "(the default on postgres and redshift, and for a warehouse loaded so); a "
                "warehouse is loaded one way or the other, --full-refresh switches")
      ->excludes(direct);
  const CLI::Validator date = CalendarDate();
  cmd->add_option("--since", options->since,
                  "only log files whose name holds a date on or after DATE (backfills)")
      ->check(date);
  cmd->add_option("--until", options->until,
                  "only log files whose name holds a date on or before DATE")
      ->check(date);
  cmd->add_option("--max-errors", options->max_errors,
                  "quarantined records a run accepts, as a count (100) or a percentage of the "
                  "records read (0.5%); over it the run fails and changes nothing")
      ->capture_default_str();
  cmd->add_option("--max-record-size", options->max_record_size,
                  "the largest record read (bytes, or with K/M/G: 64MiB); a larger one is "
                  "quarantined, so memory stays bounded")
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", options->quiet, "no summary or progress on stderr");
  cmd->callback([options, outcome] { outcome(RunEtlCommand(*options)); });
}

}  // namespace

void PrintJsonOfUsageError(const std::vector<std::string>& args, const std::string& message) {
  const auto command = std::find_if(args.begin(), args.end(),
                                    [](const std::string& a) { return a.empty() || a[0] != '-'; });
  if (command == args.end() || (*command != "etl" && *command != "run")) return;
  const auto has = [&](const char* flag) {
    return std::find(args.begin(), args.end(), flag) != args.end();
  };
  if (!has("--json") || has("--dry-run")) return;
  LoadReport report;
  report.error = message;
  report.started_at = report.finished_at = IsoUtc(std::time(nullptr));
  std::printf("%s\n", FormatReportJson(report).c_str());
}

void SetupEtl(CLI::App& app, Outcome outcome) {
  Setup(app, "etl",
        "Extract both sources, stage them and transform them into the star schema. Files already "
        "loaded and unchanged are skipped.",
        false, outcome);
  Setup(app, "run", "Create the tables when they are missing, then run etl. Safe to repeat.", true,
        outcome);
}

}  // namespace sparkify::cli
