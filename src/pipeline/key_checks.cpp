#include "pipeline/key_checks.h"

#include <fmt/format.h>

#include "engine/sql_catalog.h"

namespace sparkify {

Status CheckUniqueKeys(Engine& engine) {
  const auto& dialects = engine.traits().sql_dialects;
  for (const std::string& name : SqlNamesWithPrefix(dialects, "check_unique_")) {
    auto sql = LoadSql(dialects, name);
    if (!sql.ok()) return sql.status();
    auto rows = engine.Query(*sql);
    if (!rows.ok()) return rows.status().WithContext(name);
    if (rows->rows.empty()) continue;
    std::string examples;
    for (size_t i = 0; i < rows->rows.size() && i < 3; ++i) {
      std::string row;
      for (size_t c = 0; c < rows->columns.size(); ++c) {
        row += fmt::format("{}{}={}", c ? ", " : "", rows->columns[c],
                           rows->rows[i][c].value_or("NULL"));
      }
      examples += (examples.empty() ? "" : "; ") + row;
    }
    return Status::CheckFailed(fmt::format(
        "{} (the {} warehouse does not enforce keys, so the run checks them): {} key(s) more than "
        "once, e.g. {}; the run is rolled back",
        name, engine.traits().name, rows->rows.size(), examples));
  }
  return Status::Ok();
}

}  // namespace sparkify
