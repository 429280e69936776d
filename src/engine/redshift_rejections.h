// The records a Redshift COPY rejected: read back from SYS_LOAD_ERROR_DETAIL (or STL_LOAD_ERRORS,
// copy_errors_stl.sql) after each COPY, named by the ledger path of their file (not the upload's
// or manifest's URL), written to load_errors, and used to explain a COPY that failed outright.
//
// Every function runs statements on the caller's engine, inside the run's transaction; none is
// thread-safe with other use of that engine. Raw text is escaped as the other engines store it
// (decode/raw_text.h), so load_errors reads the same whatever loaded it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/redshift_copy_plan.h"
#include "sparkify/engine.h"
#include "sparkify/status.h"

namespace sparkify {

struct CopyRejection {
  std::string path;  // the ledger path of the file
  std::optional<int64_t> line;
  std::string field, reason, raw;
};

// The records the last COPY of this session rejected (plan.errors_sql), as load_errors keeps
// them; `stl_load_errors` only names the view in messages.
Result<std::vector<CopyRejection>> ReadCopyRejections(Engine& engine, const RedshiftCopyPlan& plan,
                                                      bool stl_load_errors);

// "path:line: field: reason", as the load report lists first errors.
std::string DescribeRejection(const CopyRejection& rejection);

// A COPY that failed aborted the run's transaction: rolls it back, reads why the COPY failed
// and returns `failed` with the first rejected records appended (or `failed` as it is when
// nothing more can be read).
Status ExplainFailedCopy(Engine& engine, const RedshiftCopyPlan& plan, bool stl_load_errors,
                         const Status& failed);

// One load_errors row per rejection, for `source` ("songs" or "logs") and the batch's ids.
Status WriteCopyRejections(Engine& engine, const std::string& source, int64_t run_id,
                           int64_t file_id, const std::vector<CopyRejection>& rejected);

}  // namespace sparkify
