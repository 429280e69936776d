#include "pipeline/ledger.h"

#include <cctype>

#include "base/numbers.h"
#include "base/sql_text.h"
#include "engine/sql_catalog.h"

namespace sparkify {
namespace {

std::string Quoted(const Engine& engine, const std::string& text) {
  return SqlQuote(text, engine.traits().backslash_escapes_in_literals);
}

}  // namespace

Result<Ledger> Ledger::Read(Engine& engine, const std::string& source) {
  auto sql =
      LoadSql(engine.traits().sql_dialects, "ledger_read", {{"source", Quoted(engine, source)}});
  if (!sql.ok()) return sql.status();
  auto rows = engine.Query(*sql);
  if (!rows.ok()) return rows.status();
  Ledger ledger;
  ledger.source_ = source;
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
    ledger.by_path_[row[0].value_or("")] =
        LedgerEntry{*file_id, *size, mtime_ns, row[4].value_or(""), row[5].value_or("")};
  }
  return ledger;
}

const LedgerEntry* Ledger::Find(const std::string& path) const {
  const auto found = by_path_.find(path);
  return found == by_path_.end() ? nullptr : &found->second;
}

bool Ledger::Unchanged(const SourceFile& file) const {
  const LedgerEntry* known = Find(file.path);
  return known != nullptr && known->size == file.size && known->mtime_ns == file.mtime_ns &&
         known->etag == file.etag;
}

LedgerChange Ledger::Classify(const SourceFile& file, const std::string& checksum) const {
  const LedgerEntry* known = Find(file.path);
  if (known == nullptr) return LedgerChange::kNew;
  return known->checksum == checksum ? LedgerChange::kTouched : LedgerChange::kChanged;
}

std::unordered_set<std::string> Ledger::LoadedChecksums(
    const std::unordered_set<int64_t>& taken_back) const {
  std::unordered_set<std::string> checksums;
  for (const auto& [path, entry] : by_path_) {
    if (!taken_back.count(entry.file_id)) checksums.insert(entry.checksum);
  }
  return checksums;
}

Status Ledger::RefreshMetadata(Engine& engine, int64_t file_id, const SourceFile& file) const {
  auto sql = LoadSql(engine.traits().sql_dialects, "ledger_refresh",
                     {{"size", std::to_string(file.size)},
                      {"mtime_ns", std::to_string(file.mtime_ns)},
                      {"etag", file.etag.empty() ? "NULL" : Quoted(engine, file.etag)},
                      {"file_id", std::to_string(file_id)},
                      {"path", Quoted(engine, file.path)}});
  if (!sql.ok()) return sql.status();
  return engine.Execute(*sql);
}

Status Ledger::Forget(Engine& engine, int64_t file_id, const std::string& statement) {
  auto sql =
      LoadSql(engine.traits().sql_dialects, statement, {{"file_id", std::to_string(file_id)}});
  if (!sql.ok()) return sql.status();
  return engine.Execute(*sql);
}

Status Ledger::Append(Engine& engine, int64_t run_id, const std::vector<LedgerRow>& rows) const {
  auto writer = engine.OpenWriter("load_files", kLedgerColumns);
  if (!writer.ok()) return writer.status();
  RowWriter& w = **writer;
  const std::string now = UtcNow();
  for (const LedgerRow& row : rows) {
    w.Integer(row.file_id);
    w.Text(source_);
    w.Text(row.file.path);
    w.Integer(static_cast<int64_t>(row.file.size));
    w.Integer(row.file.mtime_ns);
    if (row.file.etag.empty()) {
      w.Null();
    } else {
      w.Text(row.file.etag);
    }
    w.Text(row.checksum);
    w.Optional(row.records);
    w.Integer(run_id);
    w.Text(now);
    SPARKIFY_RETURN_IF_ERROR(w.EndRow());
  }
  return w.Finish();
}

std::string DateInFileName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  for (size_t i = 0; i + 10 <= name.size(); ++i) {
    auto digits = [&](size_t at, size_t n) {
      for (size_t k = 0; k < n; ++k) {
        if (!std::isdigit(static_cast<unsigned char>(name[at + k]))) return false;
      }
      return true;
    };
    if (digits(i, 4) && name[i + 4] == '-' && digits(i + 5, 2) && name[i + 7] == '-' &&
        digits(i + 8, 2)) {
      return name.substr(i, 10);
    }
  }
  return {};
}

bool InDateWindow(const std::string& path, const std::optional<std::string>& since,
                  const std::optional<std::string>& until) {
  if (!since && !until) return true;
  const std::string date = DateInFileName(path);
  if (date.empty()) return false;
  return (!since || date >= *since) && (!until || date <= *until);
}

}  // namespace sparkify
