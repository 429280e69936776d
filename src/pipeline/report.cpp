// The load report, as stable JSON for tools (`etl --json`) and as a short summary for people.
#include <fmt/format.h>

#include "base/json_string.h"
#include "base/numbers.h"
#include "pipeline/report_parts.h"
#include "sparkify/pipeline.h"

namespace sparkify {
namespace {

std::string SourceJson(const SourceCounts& c, const std::string& extra) {
  std::string fields;
  for (const auto& [name, n] : c.repaired_fields) {
    fields += fmt::format("{}{}: {}", fields.empty() ? "" : ", ", JsonString(name), n);
  }
  return fmt::format(
      "{{\"files\": {}, \"files_skipped\": {}, \"files_replaced\": {}, "
      "\"files_out_of_range\": {}, \"entries_skipped\": {}, \"bytes\": {}, \"read\": {}, "
      "\"loaded\": {}, \"filtered\": {}, \"quarantined\": {}, \"repaired\": {}, "
      "\"repaired_fields\": {{{}}}{}}}",
      c.files, c.files_skipped, c.files_replaced, c.files_out_of_range, c.entries_skipped, c.bytes,
      c.read, c.loaded, c.filtered, c.quarantined, c.repaired, fields, extra);
}

}  // namespace

std::string OptionalJsonString(const std::string& text) {
  return text.empty() ? "null" : JsonString(text);
}

std::string TargetJson(const WarehouseTarget& t) {
  if (!t.file.empty()) return fmt::format("{{\"file\": {}}}", JsonString(t.file));
  if (t.host.empty() && t.port.empty() && t.database.empty() && t.user.empty()) return "null";
  return fmt::format(
      "{{\"host\": {}, \"port\": {}, \"database\": {}, \"user\": {}, \"schema\": {}}}",
      OptionalJsonString(t.host), OptionalJsonString(t.port), OptionalJsonString(t.database),
      OptionalJsonString(t.user), OptionalJsonString(t.schema));
}

std::string TargetText(const WarehouseTarget& t) {
  if (!t.file.empty()) return t.file;
  return fmt::format("host={} port={} database={} user={} schema={}",
                     t.host.empty() ? "(default socket)" : t.host, t.port, t.database, t.user,
                     t.schema);
}

const char* SparkifyVersion() { return SPARKIFY_VERSION; }

std::string FormatReportJson(const LoadReport& r) {
  std::string tables, phases, errors;
  for (const auto& [name, rows] : r.tables) {
    tables += fmt::format("{}{}: {}", tables.empty() ? "" : ", ", JsonString(name), rows);
  }
  for (const auto& [name, seconds] : r.phase_seconds) {
    phases += fmt::format("{}{}: {:.3f}", phases.empty() ? "" : ", ", JsonString(name), seconds);
  }
  for (const auto& e : r.first_errors) errors += (errors.empty() ? "" : ", ") + JsonString(e);
  std::string warnings;
  for (const auto& w : r.warnings) warnings += (warnings.empty() ? "" : ", ") + JsonString(w);
  const std::string this_run = fmt::format(
      "{{\"sources\": {{\"songs\": {}, \"logs\": {}}}, \"songplays\": {{\"added\": {}}}, "
      "\"seconds\": {{{}{}\"total\": {:.3f}}}, \"first_errors\": [{}], \"warnings\": [{}]}}",
      SourceJson(r.songs, ""),
      SourceJson(r.logs, fmt::format(", \"songplays\": {}", r.songplays_added)), r.songplays_added,
      phases, phases.empty() ? "" : ", ", r.total_seconds, errors, warnings);
  const std::string warehouse =
      r.error ? std::string("null")
              : fmt::format("{{\"tables\": {{{}}}, \"songplays\": {{\"matched\": {}}}}}", tables,
                            r.songplays_matched);
  return fmt::format(
      "{{\"status\": {}, \"error\": {}, \"sparkify_version\": {}, \"run_id\": {}, "
      "\"engine\": {}, \"target\": {}, \"started_at\": {}, \"finished_at\": {}, "
      "\"this_run\": {}, \"warehouse\": {}}}",
      JsonString(r.error ? "failed" : "succeeded"), r.error ? JsonString(*r.error) : "null",
      JsonString(SPARKIFY_VERSION), r.run_id ? std::to_string(r.run_id) : "null",
      r.engine.empty() ? "null" : JsonString(r.engine), TargetJson(r.target),
      OptionalJsonString(r.started_at), OptionalJsonString(r.finished_at), this_run, warehouse);
}

std::string FormatReportText(const LoadReport& r) {
  auto source_line = [](const char* name, const SourceCounts& c) {
    std::string files = fmt::format("{} files read", WithThousandsSeparators(c.files));
    if (c.files_replaced) files += fmt::format(" ({} replacing a changed file)", c.files_replaced);
    if (c.files_skipped) files += fmt::format(", {} unchanged skipped", WithThousandsSeparators(c.files_skipped));
    if (c.files_out_of_range) {
      files += fmt::format(", {} outside --since/--until", WithThousandsSeparators(c.files_out_of_range));
    }
    if (c.entries_skipped) {
      files += fmt::format(", {} entries skipped (see the warnings)", WithThousandsSeparators(c.entries_skipped));
    }
    const std::string repaired =
        c.repaired ? fmt::format(" ({} repaired)", WithThousandsSeparators(c.repaired)) : std::string();
    return fmt::format("  {}: {}; {} records read: {} loaded{}, {} filtered, {} quarantined\n",
                       name, files, WithThousandsSeparators(c.read), WithThousandsSeparators(c.loaded), repaired,
                       WithThousandsSeparators(c.filtered), WithThousandsSeparators(c.quarantined));
  };
  std::string out = fmt::format("sparkify etl: run {} on {} finished in {:.2f} s\n", r.run_id,
                                r.engine, r.total_seconds);
  out += source_line("songs", r.songs);
  out += source_line("logs", r.logs);
  const int64_t songplays = r.tables.count("songplays") ? r.tables.at("songplays") : 0;
  out += fmt::format(
      "  songplays: {} added; {} of {} matched to the catalog ({:.2f}%)\n",
      WithThousandsSeparators(r.songplays_added), WithThousandsSeparators(r.songplays_matched), WithThousandsSeparators(songplays),
      songplays ? 100.0 * static_cast<double>(r.songplays_matched) / static_cast<double>(songplays)
                : 0.0);
  out += "  tables:";
  for (const auto& [name, rows] : r.tables) out += fmt::format(" {} {};", name, WithThousandsSeparators(rows));
  out.back() = '\n';
  out += "  seconds:";
  for (const auto& [name, seconds] : r.phase_seconds)
    out += fmt::format(" {} {:.2f};", name, seconds);
  out.back() = '\n';
  if (!r.first_errors.empty()) {
    out += "  first quarantined records (all are in table load_errors):\n";
    for (const auto& e : r.first_errors) out += "    " + e + "\n";
  }
  return out;
}

}  // namespace sparkify
