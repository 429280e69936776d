#include "engine/redshift_rejections.h"

#include <fmt/format.h>

#include "base/load_tables.h"
#include "base/numbers.h"
#include "decode/raw_text.h"

namespace sparkify {
namespace {

constexpr size_t kRawLimit = 4096;

// The ledger path of a file STL_LOAD_ERRORS names (its column holds 256 bytes: a longer URL is
// cut, and found by its prefix when that is unique).
std::string PathOf(const RedshiftCopyPlan& plan, const std::string& filename) {
  auto found = plan.path_of_url.find(filename);
  if (found != plan.path_of_url.end()) return found->second;
  const std::string* match = nullptr;
  for (const auto& [url, path] : plan.path_of_url) {
    if (!filename.empty() && url.rfind(filename, 0) == 0) {
      if (match != nullptr) return filename;
      match = &path;
    }
  }
  return match ? *match : filename;
}

}  // namespace

Result<std::vector<CopyRejection>> ReadCopyRejections(Engine& engine, const RedshiftCopyPlan& plan,
                                                      bool stl_load_errors) {
  const char* view = stl_load_errors ? "STL_LOAD_ERRORS" : "SYS_LOAD_ERROR_DETAIL";
  auto errors = engine.Query(plan.errors_sql);
  if (!errors.ok()) return errors.status().WithContext(std::string("reading ") + view);
  std::vector<CopyRejection> out;
  for (const auto& row : errors->rows) {
    CopyRejection r;
    r.path = PathOf(plan, row[0].value_or(""));
    if (row[1]) {
      auto line = NumberFromWarehouse<int64_t>(*row[1], std::string(view) + ".line_number");
      if (!line.ok()) return line.status();
      r.line = *line;
    }
    r.field = row[2].value_or("");
    r.reason = row[3].value_or("rejected by COPY");
    // Escaped as the other engines store raw text (raw_text.h): one reading for all.
    r.raw = EscapeRawText(row[4].value_or(""), kRawLimit);
    out.push_back(std::move(r));
  }
  return out;
}

std::string DescribeRejection(const CopyRejection& r) {
  return fmt::format("{}:{}: {}", r.path, r.line ? std::to_string(*r.line) : "?",
                     r.field.empty() ? r.reason : r.field + ": " + r.reason);
}

// Nothing can be read until the aborted transaction is rolled back; the error views keep the
// failed COPY's rows (PG_LAST_COPY_ID names it), which say why far better than "Load into table
// ... failed. Check 'stl_load_errors' system table".
Status ExplainFailedCopy(Engine& engine, const RedshiftCopyPlan& plan, bool stl_load_errors,
                         const Status& failed) {
  if (!engine.Rollback().ok()) return failed;
  auto rejected = ReadCopyRejections(engine, plan, stl_load_errors);
  if (!rejected.ok() || rejected->empty()) return failed;
  std::string first;
  for (size_t i = 0; i < rejected->size() && i < kFirstCopyErrorsShown; ++i) {
    first += (i ? "; " : "") + DescribeRejection((*rejected)[i]);
  }
  return Status::Error(
      failed.code(),
      fmt::format("{} ({} rejected record(s); {}{})", failed.message(), rejected->size(), first,
                  rejected->size() > kFirstCopyErrorsShown ? "; ..." : ""));
}

Status WriteCopyRejections(Engine& engine, const std::string& source, int64_t run_id,
                           int64_t file_id, const std::vector<CopyRejection>& rejected) {
  if (rejected.empty()) return Status::Ok();
  auto writer = engine.OpenWriter("load_errors", kQuarantineColumns);
  if (!writer.ok()) return writer.status();
  RowWriter& w = **writer;
  for (const CopyRejection& r : rejected) {
    w.Integer(run_id);
    w.Integer(file_id);
    w.Text(source);
    w.Text(r.path);
    w.Optional(r.line);
    w.Null();  // document
    w.Null();  // byte_offset
    if (r.field.empty()) {
      w.Null();
    } else {
      w.Text(r.field);
    }
    w.Text(r.reason);
    w.Text(r.raw);
    SPARKIFY_RETURN_IF_ERROR(w.EndRow());
  }
  return w.Finish();
}

}  // namespace sparkify
