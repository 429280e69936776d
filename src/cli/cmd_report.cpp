// sparkify report: the analytics report of a warehouse, as one HTML page or as JSON.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "cli/commands.h"
#include "report/analytics_report.h"
#include "report/report_html.h"
#include "report/report_json.h"
#include "sparkify/pipeline.h"

namespace sparkify::cli {
namespace {

struct ReportOptions {
  ConfigOverrides warehouse;
  std::string format = "html";     // html | json
  std::optional<std::string> out;  // default: report.html for html, stdout for json; "-": stdout
  int top = 10;
};

std::string NowUtc() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &utc);
  return text;
}

// Writes beside the target, then renames: a reader never sees half a report.
Status WriteWhole(const std::string& path, const std::string& text) {
  const std::string partial = path + ".partial";
  {
    std::ofstream file(partial, std::ios::binary | std::ios::trunc);
    if (!file || !file.write(text.data(), static_cast<std::streamsize>(text.size())).flush()) {
      return Status::IoError(path + ": cannot write the report");
    }
  }
  std::error_code ec;
  std::filesystem::rename(partial, path, ec);
  if (ec) return Status::IoError(path + ": cannot write the report: " + ec.message());
  return Status::Ok();
}

Status RunReport(const ReportOptions& options) {
  auto config = ResolveConfig(options.warehouse);
  if (!config.ok()) return config.status();
  AnnounceWarehouse(*config);
  auto engine = OpenEngine(*config, WarehouseAccess::kReadOnly);
  if (!engine.ok()) return engine.status();
  report::AnalyticsOptions analytics;
  analytics.top = options.top;
  analytics.generated_at = NowUtc();
  auto built = report::BuildAnalyticsReport(**engine, analytics);
  if (!built.ok()) return built.status();
  const bool json = options.format == "json";
  const std::string text =
      json ? report::FormatAnalyticsJson(*built) : report::RenderAnalyticsHtml(*built);
  const std::string out = options.out.value_or(json ? "-" : "report.html");
  if (out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return Status::Ok();
  }
  SPARKIFY_RETURN_IF_ERROR(WriteWhole(out, text));
  std::fprintf(stderr, "sparkify report: wrote %s (%s, %zu sections, %s warehouse)\n", out.c_str(),
               options.format.c_str(), built->sections.size() + 1, built->engine.c_str());
  return Status::Ok();
}

}  // namespace

void SetupReport(CLI::App& app, Outcome outcome) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write the analytics report: headline figures, plays per day, hour and weekday, top "
      "songs, artists and locations, free against paid, level changes, session lengths and "
      "load health, as one self-contained HTML page (charts and tables) or as JSON.");
  AddWarehouseFlags(*cmd, options->warehouse);
  cmd->add_option("--out", options->out,
                  "file to write (default report.html; with --format json, stdout); - for stdout");
  cmd->add_option("--format", options->format, "html (default) or json: the same numbers")
      ->check(CLI::IsMember({"html", "json"}));
  cmd->add_option("--top", options->top, "entries of each ranking (default 10)")
      ->check(CLI::Range(1, 1000).description("N from 1 to 1000"));
  cmd->callback([options, outcome] { outcome(RunReport(*options)); });
}

}  // namespace sparkify::cli
