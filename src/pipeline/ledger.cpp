#include "pipeline/ledger.h"

#include "base/numbers.h"
#include "base/sql_text.h"
#include "engine/sql_catalog.h"

namespace sparkify {

Result<std::unordered_map<std::string, LedgerEntry>> ReadLedger(Engine& engine,
                                                                const std::string& source) {
  auto sql = LoadSql(engine.traits().sql_dialects, "ledger_read",
                     {{"source", SqlQuote(source, engine.traits().backslash_escapes_in_literals)}});
  if (!sql.ok()) return sql.status();
  auto rows = engine.Query(*sql);
  if (!rows.ok()) return rows.status();
  std::unordered_map<std::string, LedgerEntry> ledger;
  for (const auto& row : rows->rows) {
    auto file_id = NumberFromWarehouse<int64_t>(row[1].value_or(""), "load_files.file_id");
    if (!file_id.ok()) return file_id.status();
    auto size = NumberFromWarehouse<uint64_t>(row[2].value_or(""), "load_files.size");
    if (!size.ok()) return size.status();
    int64_t mtime_ns = 0;
    if (row[3]) {
      auto mtime = NumberFromWarehouse<int64_t>(*row[3], "load_files.mtime_ns");
      if (!mtime.ok()) return mtime.status();
      mtime_ns = *mtime;
    }
    ledger[row[0].value_or("")] =
        LedgerEntry{*file_id, *size, mtime_ns, row[4].value_or(""), row[5].value_or("")};
  }
  return ledger;
}

}  // namespace sparkify
