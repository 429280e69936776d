// sparkify status and sparkify errors, rendered for people and for tools.
#include <fmt/format.h>

#include "base/json_string.h"
#include "base/numbers.h"
#include "decode/raw_text.h"
#include "pipeline/report_parts.h"
#include "sparkify/warehouse_status.h"

namespace sparkify {
namespace {

// What PrintableText escapes: a backslash (unless `keep_backslashes`: load_errors.raw_text is
// escaped already, its backslashes doubled), a double quote (when `quote`), control characters,
// bytes that are not UTF-8, and the characters that reorder text (bidirectional formatting).
std::string Printable(std::string_view text, bool keep_backslashes, bool quote) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto byte = static_cast<unsigned char>(text[0]);
    size_t length = Utf8SequenceLength(text);
    if (length == 0) {  // not UTF-8
      out += fmt::format("\\x{:02x}", byte);
      text.remove_prefix(1);
      continue;
    }
    if (length == 1) {
      switch (byte) {
        case '\n':
          out += "\\n";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\\':
          out += keep_backslashes ? "\\" : "\\\\";
          break;
        case '"':
          out += quote ? "\\\"" : "\"";
          break;
        default:
          if (byte < 0x20 || byte == 0x7f) {
            out += fmt::format("\\x{:02x}", byte);
          } else {
            out.push_back(static_cast<char>(byte));
          }
      }
      text.remove_prefix(1);
      continue;
    }
    // The code point of a 2- or 3-byte sequence (4-byte ones are never controls).
    uint32_t code = 0;
    if (length == 2) {
      code = ((byte & 0x1Fu) << 6) | (static_cast<unsigned char>(text[1]) & 0x3Fu);
    } else if (length == 3) {
      code = ((byte & 0x0Fu) << 12) | ((static_cast<unsigned char>(text[1]) & 0x3Fu) << 6) |
             (static_cast<unsigned char>(text[2]) & 0x3Fu);
    }
    const bool c1 = code >= 0x80 && code <= 0x9F;
    const bool bidi = code == 0x061C || code == 0x200E || code == 0x200F ||
                      (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
    if (c1 || bidi) {
      out += fmt::format("\\u{{{:04x}}}", code);
    } else {
      out.append(text.substr(0, length));
    }
    text.remove_prefix(length);
  }
  return out;
}

std::string Quoted(std::string_view text) { return "\"" + Printable(text, false, true) + "\""; }

std::string OptionalJsonNumber(const std::optional<int64_t>& n) {
  return n ? std::to_string(*n) : "null";
}

std::string OptionalJson(const std::optional<std::string>& text) {
  return text ? JsonString(*text) : "null";
}

// Where a record was: file:line, file#document, or the file alone (Redshift's batches).
std::string Position(const QuarantinedRecord& r) {
  std::string at = Quoted(r.path);
  if (r.line && *r.line > 0) return at + ":" + std::to_string(*r.line);
  if (r.document && *r.document > 0) return at + " document " + std::to_string(*r.document);
  return at;
}

}  // namespace

std::string PrintableText(std::string_view text) { return Printable(text, false, false); }

std::string FormatStatusText(const WarehouseStatus& s) {
  std::string out = fmt::format("sparkify status: {} warehouse {}\n", s.engine,
                                Printable(TargetText(s.target), false, false));
  out += "  tables:";
  for (const auto& [table, rows] : s.tables) out += fmt::format(" {} {};", table, WithThousandsSeparators(rows));
  out.back() = '\n';
  if (s.first_play && s.last_play) {
    out += fmt::format("  plays from {} to {} (UTC)\n", *s.first_play, *s.last_play);
  } else {
    out += "  plays: none\n";
  }
  out += fmt::format("  runs: {}, {} failed; last success: {}\n", s.runs, s.failed_runs,
                     s.last_success ? "run " + std::to_string(*s.last_success) : "none");
  for (const RunSummary& run : s.last_runs) {
    out += fmt::format("    run {} {:<9} {}  ", run.run_id, run.status, run.started_at);
    if (run.status == "failed") {
      out += "error: " + PrintableText(run.error.value_or("")) + "\n";
    } else {
      out += fmt::format("{} files in the ledger, {} records quarantined\n", WithThousandsSeparators(run.files),
                         WithThousandsSeparators(run.quarantined));
    }
  }
  out += "  files in the ledger:";
  if (s.files.empty()) out += " none;";
  for (const LedgerFiles& f : s.files) {
    out += fmt::format(" {} {} ({} bytes{});", PrintableText(f.source), WithThousandsSeparators(f.files),
                       WithThousandsSeparators(f.bytes),
                       f.records ? ", " + WithThousandsSeparators(*f.records) + " records" : std::string());
  }
  out.back() = '\n';
  out += fmt::format("  quarantined: {} records{}\n", WithThousandsSeparators(s.quarantined),
                     s.quarantined ? " (list them with `sparkify errors`), most frequent:" : "");
  for (const QuarantineReason& r : s.reasons) {
    out += fmt::format("    {:>8} {}: {}\n", WithThousandsSeparators(r.records), PrintableText(r.source),
                       PrintableText(r.reason));
  }
  return out;
}

std::string FormatStatusJson(const WarehouseStatus& s) {
  std::string tables, runs, files, reasons;
  for (const auto& [table, rows] : s.tables) {
    tables += fmt::format("{}{}: {}", tables.empty() ? "" : ", ", JsonString(table), rows);
  }
  for (const RunSummary& r : s.last_runs) {
    runs += fmt::format(
        "{}{{\"run_id\": {}, \"status\": {}, \"error\": {}, \"started_at\": {}, "
        "\"finished_at\": {}, \"files\": {}, \"quarantined\": {}}}",
        runs.empty() ? "" : ", ", r.run_id, JsonString(r.status), OptionalJson(r.error),
        OptionalJsonString(r.started_at), OptionalJsonString(r.finished_at), r.files,
        r.quarantined);
  }
  for (const LedgerFiles& f : s.files) {
    files += fmt::format("{}{}: {{\"files\": {}, \"bytes\": {}, \"records\": {}}}",
                         files.empty() ? "" : ", ", JsonString(f.source), f.files, f.bytes,
                         OptionalJsonNumber(f.records));
  }
  for (const QuarantineReason& r : s.reasons) {
    reasons += fmt::format("{}{{\"source\": {}, \"reason\": {}, \"records\": {}}}",
                           reasons.empty() ? "" : ", ", JsonString(r.source), JsonString(r.reason),
                           r.records);
  }
  return fmt::format(
      "{{\"engine\": {}, \"target\": {}, \"tables\": {{{}}}, \"plays\": {{\"first\": {}, "
      "\"last\": {}}}, \"runs\": {{\"total\": {}, \"failed\": {}, \"last_success\": {}, "
      "\"last\": [{}]}}, \"files\": {{{}}}, \"quarantined\": {{\"records\": {}, \"by_reason\": "
      "[{}]}}}}",
      JsonString(s.engine), TargetJson(s.target), tables, OptionalJson(s.first_play),
      OptionalJson(s.last_play), s.runs, s.failed_runs, OptionalJsonNumber(s.last_success), runs,
      files, s.quarantined, reasons);
}

std::string FormatQuarantineText(const QuarantineListing& listing, const ErrorFilter& filter) {
  std::string out;
  for (const QuarantinedRecord& r : listing.records) {
    out += fmt::format("run {} {} {}: {}{}\n", r.run_id, PrintableText(r.source), Position(r),
                       r.field ? PrintableText(*r.field) + ": " : std::string(),
                       PrintableText(r.reason));
    if (r.raw_text) out += "    " + Printable(*r.raw_text, true, false) + "\n";
  }
  const int64_t shown = static_cast<int64_t>(listing.records.size());
  if (listing.matching == 0) {
    out += "no quarantined record matches\n";
  } else if (shown < listing.matching) {
    out += fmt::format("{} of {} matching records shown (--limit {})\n", WithThousandsSeparators(shown),
                       WithThousandsSeparators(listing.matching), filter.limit);
  } else {
    out += fmt::format("{} matching record{}\n", WithThousandsSeparators(listing.matching),
                       listing.matching == 1 ? "" : "s");
  }
  return out;
}

std::string FormatQuarantineJson(const QuarantineListing& listing) {
  std::string records;
  for (const QuarantinedRecord& r : listing.records) {
    records += fmt::format(
        "{}{{\"run_id\": {}, \"source\": {}, \"path\": {}, \"line\": {}, \"document\": {}, "
        "\"byte_offset\": {}, \"field\": {}, \"reason\": {}, \"raw_text\": {}}}",
        records.empty() ? "" : ", ", r.run_id, JsonString(r.source), JsonString(r.path),
        OptionalJsonNumber(r.line), OptionalJsonNumber(r.document),
        OptionalJsonNumber(r.byte_offset), OptionalJson(r.field), JsonString(r.reason),
        OptionalJson(r.raw_text));
  }
  return fmt::format("{{\"matching\": {}, \"records\": [{}]}}", listing.matching, records);
}

}  // namespace sparkify
