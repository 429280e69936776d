#include "engine/postgres_engine.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <vector>

namespace sparkify {
namespace {

constexpr size_t kCopyChunk = 64 * 1024;  // bytes per PQputCopyData (see the header)
constexpr const char* kSqlstateLockNotAvailable = "55P03";
constexpr const char* kSqlstateQueryCanceled = "57014";
constexpr Oid kTimestampOid = 1114;  // pg_type.oid of timestamp (without time zone)

struct ConnectionCloser {
  void operator()(PGconn* conn) const noexcept { PQfinish(conn); }
};
struct ResultClearer {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
struct ConninfoFreer {
  void operator()(PQconninfoOption* options) const noexcept { PQconninfoFree(options); }
};
using ConnectionHandle = std::unique_ptr<PGconn, ConnectionCloser>;
using ResultHandle = std::unique_ptr<PGresult, ResultClearer>;
using ConninfoHandle = std::unique_ptr<PQconninfoOption, ConninfoFreer>;

// libpq's messages span lines ("...failed: ...\n\tIs the server running...?\n"): one line.
std::string OneLine(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.front())))
      line.remove_prefix(1);
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
      line.remove_suffix(1);
    if (!line.empty()) {
      // A new sentence after "; ", a wrapped one ("...abnormally\n\tbefore or...") after " ".
      if (!out.empty()) out += std::isupper(static_cast<unsigned char>(line.front())) ? "; " : " ";
      out += line;
    }
    pos = end + 1;
  }
  for (char& c : out) {
    if (c == '\t' || c == '\r') c = ' ';
  }
  return out;
}

// For a connection string libpq could not parse: its message quotes parts of the string, which
// may be the password, so every quoted part is hidden.
std::string HideQuoted(std::string_view message) {
  std::string out;
  bool quoted = false;
  for (char c : message) {
    if (c == '"') {
      out += quoted ? "\"" : "\"...";
      quoted = !quoted;
    } else if (!quoted) {
      out.push_back(c);
    }
  }
  return out;
}

// The password part of a URI's user info, as written (possibly percent-encoded).
std::string UriPassword(std::string_view uri) {
  const size_t scheme = uri.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = uri.substr(scheme + 3);
  const size_t at = rest.rfind('@', rest.find('/'));
  if (at == std::string_view::npos) return {};
  const size_t colon = rest.substr(0, at).find(':');
  if (colon == std::string_view::npos) return {};
  return std::string(rest.substr(colon + 1, at - colon - 1));
}

std::string Value(const char* text) { return text ? text : ""; }

// Server notices ("table ... does not exist, skipping") are not the library's to print.
void IgnoreNotice(void*, const char*) {}

// The connection and how to describe it. Every message it builds is one line without secrets.
struct Connection {
  ConnectionHandle conn;
  std::string where;                   // host=... port=... dbname=... user=...
  std::vector<std::string> secrets;    // hidden from every message
  std::string lock_timeout;            // the session's lock_timeout, "0" when none
  std::string product = "PostgreSQL";  // the server's name in messages

  PGconn* get() const { return conn.get(); }

  std::string Scrub(std::string text) const {
    for (const std::string& secret : secrets) {
      if (secret.empty()) continue;
      for (size_t pos = text.find(secret); pos != std::string::npos;
           pos = text.find(secret, pos + 3)) {
        text.replace(pos, secret.size(), "***");
      }
    }
    return text;
  }

  // A failed statement or load; `result` may be null (then libpq's connection message counts).
  Status Failure(const PGresult* result, std::string_view what) const {
    if (PQstatus(get()) == CONNECTION_BAD) {
      std::string reason = result ? Value(PQresultErrorMessage(result)) : "";
      if (reason.empty()) reason = Value(PQerrorMessage(get()));
      return Status::EngineError(Scrub(fmt::format("{}: lost the connection to {} ({}): {}", what,
                                                   product, where, OneLine(reason))));
    }
    const char* sqlstate = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    if (sqlstate == nullptr) {
      std::string reason = result ? Value(PQresultErrorMessage(result)) : "";
      if (reason.empty()) reason = Value(PQerrorMessage(get()));
      return Status::EngineError(Scrub(fmt::format("{}: {}", what, OneLine(reason))));
    }
    std::string message =
        fmt::format("{}: {}", what, Value(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY)));
    if (const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL))
      message += fmt::format("; {}", detail);
    if (const char* hint = PQresultErrorField(result, PG_DIAG_MESSAGE_HINT))
      message += fmt::format("; hint: {}", hint);
    if (const char* context = PQresultErrorField(result, PG_DIAG_CONTEXT)) {
      std::string_view first(context);
      message += fmt::format(" ({})", first.substr(0, first.find('\n')));
    }
    message += fmt::format(" [SQLSTATE {}]", sqlstate);
    return Status::EngineError(Scrub(OneLine(message)));
  }

  // Runs `sql` with the simple query protocol (several statements allowed); the result of the
  // last one, or null when libpq could not even send it.
  ResultHandle Run(std::string_view sql) const {
    const std::string text(sql);
    return ResultHandle(PQexec(get(), text.c_str()));
  }

  static bool Succeeded(const PGresult* result) {
    if (result == nullptr) return false;
    const ExecStatusType status = PQresultStatus(result);
    return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY;
  }

  Result<ResultHandle> Exec(std::string_view sql, std::string_view what) const {
    ResultHandle result = Run(sql);
    if (!Succeeded(result.get())) return Failure(result.get(), what);
    return result;
  }

  Result<ResultHandle> ExecParams(const char* sql, const std::vector<std::string>& params,
                                  std::string_view what) const {
    std::vector<const char*> values;
    for (const auto& p : params) values.push_back(p.c_str());
    ResultHandle result(PQexecParams(get(), sql, static_cast<int>(values.size()), nullptr,
                                     values.data(), nullptr, nullptr, 0));
    if (!Succeeded(result.get())) return Failure(result.get(), what);
    return result;
  }

  std::string QuoteIdentifier(std::string_view name) const {
    char* quoted = PQescapeIdentifier(get(), name.data(), name.size());
    if (quoted == nullptr) return "\"" + std::string(name) + "\"";  // out of memory
    std::string out(quoted);
    PQfreemem(quoted);
    return out;
  }
};

// "host=... port=... dbname=... user=...": where a connection goes, for messages. libpq fills
// in what the user left to its environment and defaults, also after a failed attempt.
std::string Where(const PGconn* conn) {
  std::string host = Value(PQhost(conn));
  if (host.empty()) host = "(default socket)";
  return fmt::format("host={} port={} dbname={} user={}", host, Value(PQport(conn)),
                     Value(PQdb(conn)), Value(PQuser(conn)));
}

// libpq's connection failure without the redundant "connection to server at ..., port ... failed:"
// (our message names host and port already) and the "FATAL:" severity.
std::string ConnectionFailureReason(std::string_view message) {
  std::string text(message);
  const std::string prefix = "connection to server ";
  if (text.rfind(prefix, 0) == 0 && text.find(prefix, prefix.size()) == std::string::npos) {
    const size_t failed = text.find(" failed: ");
    if (failed != std::string::npos) text.erase(0, failed + 9);
  }
  for (const char* severity : {"FATAL:  ", "ERROR:  "}) {
    for (size_t pos = text.find(severity); pos != std::string::npos; pos = text.find(severity))
      text.erase(pos, std::strlen(severity));
  }
  return OneLine(text);
}

// PostgreSQL prints 21:01:46, 21:01:46.8, 21:01:46.796; the warehouse's timestamps have
// milliseconds, printed as SQLite stores them: always three digits.
void MillisecondDigits(std::string& timestamp) {
  if (timestamp.size() < 19 || timestamp[10] != ' ') return;  // not 'YYYY-MM-DD HH:MM:SS...'
  size_t digits = 0;
  if (timestamp.size() > 19 && timestamp[19] == '.') {
    digits = timestamp.size() - 20;
  } else if (timestamp.size() == 19) {
    timestamp.push_back('.');
  } else {
    return;  // BC dates and the like stay as PostgreSQL prints them
  }
  if (digits < 3) timestamp.append(3 - digits, '0');
}

// FNV-1a: a stable advisory lock key for a schema, the same in every sparkify version.
int64_t LockKey(std::string_view schema) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : std::string("sparkify:") + std::string(schema)) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  int64_t key;
  std::memcpy(&key, &hash, sizeof key);
  return key;
}

// The column types a COPY can take in binary format; anything else is loaded as text.
enum class CopyType : uint8_t { kInt8, kFloat8, kText };
constexpr Oid kInt8Oid = 20, kFloat8Oid = 701, kTextOid = 25;

// A byte buffer with std::string's few operations the COPY writer needs, whose appends inline
// to a bounds check and a memcpy (the writer appends a few bytes at a time, millions of times).
class CopyBuffer {
 public:
  size_t size() const { return size_; }
  const char* data() const { return data_.get(); }
  char operator[](size_t i) const { return data_[i]; }
  void reserve(size_t n) {
    if (n <= capacity_) return;
    auto grown = std::make_unique_for_overwrite<char[]>(n);
    if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
    data_ = std::move(grown);
    capacity_ = n;
  }
  [[gnu::always_inline]] void append(const char* p, size_t n) {
    if (size_ + n > capacity_) [[unlikely]]
      Grow(n);
    if (n > 0) std::memcpy(data_.get() + size_, p, n);
    size_ += n;
  }
  void append(std::string_view v) { append(v.data(), v.size()); }
  CopyBuffer& operator+=(std::string_view v) {
    append(v);
    return *this;
  }
  void push_back(char c) { append(&c, 1); }
  void resize(size_t n) { size_ = std::min(n, size_); }  // shrinks only
  void clear() { size_ = 0; }
  void erase_front(size_t n) {  // drops the first n bytes
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
  }

 private:
  [[gnu::noinline]] void Grow(size_t n) { reserve(std::max(size_ + n, 2 * capacity_)); }

  std::unique_ptr<char[]> data_;
  size_t size_ = 0, capacity_ = 0;
};

// The shortest text that reads back as exactly `value` (PostgreSQL's float8in reads it).
template <typename Out>
void AppendDouble(Out& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "Infinity" : "-Infinity";
  } else {
    char text[40];
    const auto end = fmt::format_to_n(text, sizeof text, "{}", value).out;  // shortest exact
    out.append(text, end - text);
  }
}

// Appends `value` escaped for COPY's text format. Most values have nothing to escape: they are
// recognized eight bytes at a time (no byte below 0x0E, no backslash) and copied whole.
template <typename Out>
void AppendCopyText(Out& out, std::string_view value) {
  const char* p = value.data();
  const size_t n = value.size();
  size_t i = 0;
  constexpr uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  for (; i + 8 <= n; i += 8) {
    uint64_t word;
    std::memcpy(&word, p + i, 8);
    const uint64_t below = (word - kOnes * 0x0E) & ~word & kHighs;  // some byte < 0x0E
    const uint64_t slash = word ^ (kOnes * '\\');
    if (below | ((slash - kOnes) & ~slash & kHighs)) break;
  }
  size_t start = 0;
  for (; i < n; ++i) {
    const char* escaped;
    switch (p[i]) {
      case '\\':
        escaped = "\\\\";
        break;
      case '\t':
        escaped = "\\t";
        break;
      case '\n':
        escaped = "\\n";
        break;
      case '\r':
        escaped = "\\r";
        break;
      default:
        continue;
    }
    out.append(p + start, i - start);
    out.append(escaped, 2);
    start = i + 1;
  }
  out.append(p + start, n - start);
}

// COPY table (columns) FROM STDIN. When every column is BIGINT, DOUBLE PRECISION or TEXT (the
// staging tables, the quarantine) the rows go in binary format: no number is formatted here and
// none parsed by the server, no text escaped here and none unescaped there, which makes the
// bulk load cheaper on both sides. Otherwise (load_files has a TIMESTAMP) the text format:
// tab-separated, \N for NULL, backslash escapes.
//
// A value the binary format cannot carry as the text format would have (text for a number
// column) switches the load to text: the rows before it are sent in one binary COPY, the rest,
// from the row at hand, in a text COPY, so the server sees the same values and reports the same
// errors (with line numbers counted from the switch).
class CopyWriter final : public RowWriter {
 public:
  CopyWriter(const Connection& connection, std::string table, std::string text_copy_sql,
             size_t columns, std::vector<CopyType> binary_types)
      : connection_(connection),
        what_("loading " + table),
        text_copy_sql_(std::move(text_copy_sql)),
        columns_(columns),
        types_(std::move(binary_types)),
        binary_(!types_.empty()) {
    buffer_.reserve(kCopyChunk + 4096);
    if (binary_) {
      // Signature, flags (none), header extension length (none).
      buffer_.append("PGCOPY\n\377\r\n\0", 11);
      PutInt32(0);
      PutInt32(0);
      row_start_ = buffer_.size();
    }
  }
  ~CopyWriter() override {
    if (!ended_) (void)End("sparkify: load abandoned");
  }
  CopyWriter(const CopyWriter&) = delete;
  CopyWriter& operator=(const CopyWriter&) = delete;

  void Null() override {
    if (binary_) {
      NextBinary();
      PutInt32(-1);
      return;
    }
    NextText();
    buffer_ += "\\N";
  }

  void Integer(int64_t value) override {
    if (binary_) {
      switch (TypeOfNext()) {
        case CopyType::kInt8:
          NextBinary();
          PutInt32(8);
          PutInt64(value);
          return;
        case CopyType::kFloat8:  // as float8in reads the digits: the nearest double
          NextBinary();
          PutInt32(8);
          PutDouble(static_cast<double>(value));
          return;
        case CopyType::kText: {
          NextBinary();
          char digits[24];
          const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
          PutText(std::string_view(digits, end - digits));
          return;
        }
      }
    }
    NextText();
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    buffer_.append(digits, end - digits);
  }

  void Real(double value) override {
    if (binary_) {
      switch (TypeOfNext()) {
        case CopyType::kFloat8:
          NextBinary();
          PutInt32(8);
          PutDouble(value);
          return;
        case CopyType::kText: {
          NextBinary();
          std::string text;
          AppendDouble(text, value);
          PutText(text);
          return;
        }
        case CopyType::kInt8: {  // int8in takes the text when it is a plain integer
          std::string text;
          AppendDouble(text, value);
          int64_t integer;
          const auto [end, error] =
              std::from_chars(text.data(), text.data() + text.size(), integer);
          if (error == std::errc() && end == text.data() + text.size()) {
            NextBinary();
            PutInt32(8);
            PutInt64(integer);
            return;
          }
          SwitchToText();
          break;
        }
      }
      if (binary_) return;  // the switch failed: status_ says why
    }
    NextText();
    AppendDouble(buffer_, value);
  }

  void Text(std::string_view value) override {
    if (binary_) {
      if (TypeOfNext() == CopyType::kText) {
        NextBinary();
        PutText(value);
        return;
      }
      SwitchToText();
      if (binary_) return;
    }
    NextText();
    AppendCopyText(buffer_, value);
  }

  Status EndRow() override {
    if (!status_.ok()) {  // rows after a failure are dropped
      buffer_.resize(row_start_);
      column_ = 0;
      return status_;
    }
    if (column_ != columns_) {
      status_ = Status::InvalidArgument(fmt::format("{}: row {} has {} values, expected {}", what_,
                                                    rows_ + 1, column_, columns_));
      return status_;
    }
    if (!binary_) buffer_.push_back('\n');
    column_ = 0;
    ++rows_;
    if (buffer_.size() >= kCopyChunk) {
      // The rows before this one (less than a chunk), or everything when this row alone fills
      // a chunk; what is left (this row) moves to the front.
      const size_t row = buffer_.size() - row_start_;
      status_ = SendPrefix(row >= kCopyChunk || row_start_ == 0 ? buffer_.size() : row_start_);
    }
    row_start_ = buffer_.size();
    return status_;
  }

  Status Finish() override {
    if (ended_) return status_;
    if (status_.ok() && column_ != 0) {
      status_ = Status::InvalidArgument(
          fmt::format("{}: the last row has {} values and no end", what_, column_));
    }
    if (status_.ok() && binary_) PutInt16(-1);  // the trailer
    if (status_.ok()) status_ = SendPrefix(buffer_.size());
    if (ended_) return status_;  // sending failed and ended the COPY
    const Status outcome = End(status_.ok() ? nullptr : "sparkify: load abandoned");
    if (status_.ok()) status_ = outcome;
    return status_;
  }

 private:
  CopyType TypeOfNext() const {
    // A value past the last column is an error EndRow reports; until then it goes as text.
    return column_ < types_.size() ? types_[column_] : CopyType::kText;
  }
  void NextText() {
    if (column_++ > 0) buffer_.push_back('\t');
  }
  void NextBinary() {
    if (column_++ == 0) PutInt16(static_cast<int16_t>(columns_));  // the row's field count
  }
  void PutInt16(int16_t v) {
    const uint16_t u = static_cast<uint16_t>(v);
    const char bytes[2] = {static_cast<char>(u >> 8), static_cast<char>(u)};
    buffer_.append(bytes, 2);
  }
  void PutInt32(int32_t v) {
    const uint32_t u = static_cast<uint32_t>(v);
    const char bytes[4] = {static_cast<char>(u >> 24), static_cast<char>(u >> 16),
                           static_cast<char>(u >> 8), static_cast<char>(u)};
    buffer_.append(bytes, 4);
  }
  void PutInt64(int64_t v) {
    const uint64_t u = __builtin_bswap64(static_cast<uint64_t>(v));
    static_assert(std::endian::native == std::endian::little);
    char bytes[8];
    std::memcpy(bytes, &u, 8);
    buffer_.append(bytes, 8);
  }
  void PutDouble(double v) {
    int64_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    PutInt64(bits);
  }
  void PutText(std::string_view v) {
    PutInt32(static_cast<int32_t>(v.size()));
    buffer_.append(v);
  }

  // Ends the binary COPY after the rows before the current one and starts a text COPY, into
  // which the current row's values so far are rewritten as text.
  void SwitchToText() {
    if (!status_.ok()) return;
    std::string partial;  // the current row's values, in text format
    size_t at = row_start_ + (column_ > 0 ? 2 : 0);
    for (size_t c = 0; c < column_; ++c) {
      if (c > 0) partial.push_back('\t');
      uint32_t length = 0;
      for (int k = 0; k < 4; ++k) length = length << 8 | static_cast<unsigned char>(buffer_[at++]);
      if (length == 0xFFFFFFFFu) {
        partial += "\\N";
        continue;
      }
      const std::string_view field(buffer_.data() + at, length);
      at += length;
      if (TypeAt(c) == CopyType::kText) {
        AppendCopyText(partial, field);
        continue;
      }
      uint64_t u;
      std::memcpy(&u, field.data(), 8);
      const uint64_t bits = __builtin_bswap64(u);
      if (TypeAt(c) == CopyType::kInt8) {
        partial += std::to_string(static_cast<int64_t>(bits));
      } else {
        double d;
        std::memcpy(&d, &bits, sizeof d);
        AppendDouble(partial, d);
      }
    }
    buffer_.resize(row_start_);
    PutInt16(-1);
    status_ = SendPrefix(buffer_.size());
    if (!ended_) {
      const Status ended = End(nullptr);
      if (status_.ok()) status_ = ended;
    }
    if (!status_.ok()) return;
    ResultHandle result = connection_.Run(text_copy_sql_);
    if (!result || PQresultStatus(result.get()) != PGRES_COPY_IN) {
      status_ = connection_.Failure(result.get(), what_);
      return;  // ended_ stays true: there is no COPY to end
    }
    ended_ = false;
    binary_ = false;
    buffer_.clear();
    buffer_.append(partial);
    row_start_ = 0;
  }
  CopyType TypeAt(size_t column) const {
    return column < types_.size() ? types_[column] : CopyType::kText;
  }

  // Sends buffer_[0, end) in pieces of at most kCopyChunk bytes; the rest moves to the front.
  Status SendPrefix(size_t end) {
    size_t offset = 0;
    while (offset < end) {
      const size_t n = std::min(kCopyChunk, end - offset);
      if (PQputCopyData(connection_.get(), buffer_.data() + offset, static_cast<int>(n)) != 1) {
        buffer_.clear();
        row_start_ = 0;
        // The server usually refused the data already; its error comes with the COPY's result.
        Status outcome = End("sparkify: COPY data could not be sent");
        return outcome.ok() ? connection_.Failure(nullptr, what_) : outcome;
      }
      offset += n;
    }
    buffer_.erase_front(end);
    return Status::Ok();
  }

  // Ends the COPY (aborting it when `abort_reason` is set), then reads results until none is
  // left, as libpq requires; the first failure is the outcome.
  Status End(const char* abort_reason) {
    ended_ = true;
    const int sent = PQputCopyEnd(connection_.get(), abort_reason);
    Status outcome;
    for (int i = 0; i < 16; ++i) {  // bounded: a broken connection must not spin
      ResultHandle result(PQgetResult(connection_.get()));
      if (!result) break;
      const ExecStatusType status = PQresultStatus(result.get());
      if (status == PGRES_COMMAND_OK) continue;
      if (status == PGRES_COPY_IN) {  // the end could not be sent: try once more, aborting
        (void)PQputCopyEnd(connection_.get(), "sparkify: load abandoned");
        continue;
      }
      if (outcome.ok()) outcome = connection_.Failure(result.get(), what_);
    }
    if (outcome.ok() && sent != 1) outcome = connection_.Failure(nullptr, what_);
    if (outcome.ok() && abort_reason != nullptr) {
      outcome = Status::EngineError(what_ + ": abandoned");
    }
    return outcome;
  }

  const Connection& connection_;
  std::string what_;
  std::string text_copy_sql_;  // the COPY statement of the text format
  size_t columns_;
  std::vector<CopyType> types_;  // per column, for the binary format
  bool binary_;
  size_t column_ = 0;
  size_t row_start_ = 0;  // where the current row starts in buffer_
  int64_t rows_ = 0;
  CopyBuffer buffer_;
  Status status_;
  bool ended_ = false;
};

}  // namespace

class PostgresEngine::Session : public Connection {};

void PostgresEngine::SessionDeleter::operator()(Session* session) const noexcept { delete session; }

Result<PostgresEngine::SessionPtr> PostgresEngine::Connect(const PostgresOptions& options) {
  return Connect(options, SessionSetup{});
}

Result<PostgresEngine::SessionPtr> PostgresEngine::Connect(const PostgresOptions& options,
                                                           const SessionSetup& setup) {
  const std::string& product = setup.product;
  if (options.schema.empty()) return Status::InvalidArgument(product + ": empty schema name");
  SessionPtr session(new Session);
  session->product = product;
  session->secrets.push_back(options.password);
  if (const char* env = std::getenv("PGPASSWORD")) session->secrets.push_back(env);

  // Parameters in order: an entry after the expanded connection string overrides it, an entry
  // before it is only a default.
  std::vector<std::pair<std::string, std::string>> params;
  bool string_sets_timeout = false;
  // As libpq decides: a URI, or key=value pairs; any other string is a database name.
  const std::string_view info = options.conninfo;
  const bool connection_string = info.rfind("postgresql://", 0) == 0 ||
                                 info.rfind("postgres://", 0) == 0 ||
                                 info.find('=') != std::string_view::npos;
  if (connection_string) {
    char* error = nullptr;
    ConninfoHandle parsed(PQconninfoParse(options.conninfo.c_str(), &error));
    if (!parsed) {
      std::string reason = error ? OneLine(error) : "out of memory";
      PQfreemem(error);
      return Status::InvalidArgument(
          "invalid " + product +
          " connection string (expected postgresql://user@host:port/dbname or key=value pairs): " +
          session->Scrub(HideQuoted(reason)));
    }
    for (const PQconninfoOption* o = parsed.get(); o->keyword != nullptr; ++o) {
      if (o->val == nullptr) continue;
      if (std::strcmp(o->keyword, "password") == 0) session->secrets.push_back(o->val);
      if (std::strcmp(o->keyword, "connect_timeout") == 0) string_sets_timeout = true;
    }
    session->secrets.push_back(UriPassword(options.conninfo));
  }
  if (std::getenv("PGCONNECT_TIMEOUT") == nullptr && !string_sets_timeout) {
    params.emplace_back("connect_timeout", "10");
  }
  // Before the connection string, so that an sslmode in it wins.
  if (!setup.default_sslmode.empty() && std::getenv("PGSSLMODE") == nullptr) {
    params.emplace_back("sslmode", setup.default_sslmode);
  }
  if (!options.conninfo.empty()) {
    params.emplace_back("dbname", options.conninfo);
  } else {
    const std::pair<const char*, const std::string*> fields[] = {{"host", &options.host},
                                                                 {"port", &options.port},
                                                                 {"dbname", &options.dbname},
                                                                 {"user", &options.user},
                                                                 {"password", &options.password}};
    for (const auto& [key, value] : fields) {
      if (!value->empty()) params.emplace_back(key, *value);
    }
  }
  params.emplace_back("client_encoding", "UTF8");
  params.emplace_back("fallback_application_name", "sparkify");

  std::vector<const char*> keys, values;
  for (const auto& [key, value] : params) {
    keys.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  session->conn.reset(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
  if (!session->conn) return Status::EngineError(product + ": out of memory");
  PQsetNoticeProcessor(session->get(), IgnoreNotice, nullptr);
  session->where = Where(session->get());
  if (const char* used = PQpass(session->get())) session->secrets.push_back(used);  // ~/.pgpass
  if (PQstatus(session->get()) != CONNECTION_OK) {
    return Status::EngineError(
        session->Scrub(fmt::format("cannot connect to {} ({}): {}", product, session->where,
                                   ConnectionFailureReason(PQerrorMessage(session->get())))));
  }

  // The schema: created only when missing, so a user without CREATE on the database can use
  // an existing one; a concurrent creation by another run is not an error.
  const std::string schema = session->QuoteIdentifier(options.schema);
  auto found = session->ExecParams("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1",
                                   {options.schema}, product + ": cannot look up schema " + schema);
  if (!found.ok()) return found.status();
  if (PQntuples(found->get()) == 0) {
    ResultHandle created = session->Run("CREATE SCHEMA IF NOT EXISTS " + schema);
    const char* sqlstate = created ? PQresultErrorField(created.get(), PG_DIAG_SQLSTATE) : nullptr;
    const bool raced =
        sqlstate && (std::strcmp(sqlstate, "42P06") == 0 || std::strcmp(sqlstate, "23505") == 0);
    if (!Connection::Succeeded(created.get()) && !raced) {
      return session->Failure(created.get(), product + ": cannot create schema " + schema);
    }
  }
  std::string sql = "SET search_path TO " + schema + "; " + setup.settings;
  if (setup.has_lock_timeout) sql += "; SHOW lock_timeout";
  auto settings = session->Exec(sql, product + ": cannot prepare the session");
  if (!settings.ok()) return settings.status();
  session->lock_timeout =
      setup.has_lock_timeout ? Value(PQgetvalue(settings->get(), 0, 0)) : std::string("0");
  return session;
}

Result<std::unique_ptr<Engine>> PostgresEngine::Open(const PostgresOptions& options) {
  auto session = Connect(options);
  if (!session.ok()) return session.status();
  return std::unique_ptr<Engine>(new PostgresEngine(Traits(), std::move(session).value(), options));
}

EngineTraits PostgresEngine::Traits() {
  EngineTraits traits;
  traits.name = "postgres";
  traits.sql_dialects = {"postgres", "common"};
  return traits;
}

PostgresEngine::PostgresEngine(EngineTraits traits, SessionPtr session,
                               const PostgresOptions& options)
    : traits_(std::move(traits)),
      session_(std::move(session)),
      schema_(options.schema),
      lock_wait_ms_(options.lock_wait_ms) {}

PostgresEngine::~PostgresEngine() {
  if (in_transaction_) (void)session_->Run("ROLLBACK");
}

Status PostgresEngine::Execute(std::string_view sql) {
  auto result = session_->Exec(sql, session_->product + " statement failed");
  return result.ok() ? Status::Ok() : result.status();
}

Result<QueryResult> PostgresEngine::Query(std::string_view sql) {
  auto result = session_->Exec(sql, session_->product + " query failed");
  if (!result.ok()) return result.status();
  const PGresult* r = result->get();
  QueryResult out;
  const int columns = PQnfields(r), rows = PQntuples(r);
  std::vector<bool> timestamp(columns);
  for (int c = 0; c < columns; ++c) {
    out.columns.emplace_back(PQfname(r, c));
    timestamp[c] = PQftype(r, c) == kTimestampOid;
  }
  out.rows.reserve(rows);
  for (int i = 0; i < rows; ++i) {
    auto& row = out.rows.emplace_back();
    row.reserve(columns);
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(r, i, c)) {
        row.emplace_back(std::nullopt);
      } else {
        std::string value(PQgetvalue(r, i, c), PQgetlength(r, i, c));
        if (timestamp[c]) MillisecondDigits(value);
        row.emplace_back(std::move(value));
      }
    }
  }
  return out;
}

Status PostgresEngine::Begin() {
  auto begun = session_->Exec("BEGIN", "cannot start the run");
  if (!begun.ok()) return begun.status();
  in_transaction_ = true;
  Status locked = LockWarehouse();
  if (!locked.ok()) (void)Rollback();  // the lock's error is the one to report
  return locked;
}

Status PostgresEngine::LockWarehouse() {
  // Waits at most lock_timeout: the session's own, else lock_wait_ms_ for this statement only.
  const bool own_timeout = session_->lock_timeout != "0";
  if (!own_timeout && lock_wait_ms_ <= 0) {
    // --lock-timeout 0 means "do not wait", as on SQLite; lock_timeout = 0 would mean "wait
    // forever" to PostgreSQL, so the lock is only tried.
    ResultHandle tried =
        session_->Run(fmt::format("SELECT pg_try_advisory_xact_lock({})", LockKey(schema_)));
    if (!Connection::Succeeded(tried.get())) {
      return session_->Failure(tried.get(), "cannot lock the warehouse for the run");
    }
    if (PQntuples(tried.get()) == 1 && std::strcmp(PQgetvalue(tried.get(), 0, 0), "t") == 0) {
      return Status::Ok();
    }
    return Status::Busy(session_->Scrub(
        fmt::format("another sparkify run holds the warehouse (schema {} on {}); --lock-timeout 0 "
                    "does not wait; try again later",
                    schema_, session_->where)));
  }
  std::string sql;
  if (!own_timeout) sql += fmt::format("SET LOCAL lock_timeout = '{}ms'; ", lock_wait_ms_);
  sql += fmt::format("SELECT pg_advisory_xact_lock({})", LockKey(schema_));
  if (!own_timeout) sql += "; SET LOCAL lock_timeout TO DEFAULT";
  return TakeLock(sql, own_timeout ? session_->lock_timeout + " (lock_timeout)"
                                   : fmt::format("{} ms (lock_timeout)", lock_wait_ms_));
}

Status PostgresEngine::TakeLock(const std::string& sql, const std::string& waited) {
  ResultHandle result = session_->Run(sql);
  if (Connection::Succeeded(result.get())) return Status::Ok();
  const char* sqlstate = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  if (sqlstate && (std::strcmp(sqlstate, kSqlstateLockNotAvailable) == 0 ||
                   std::strcmp(sqlstate, kSqlstateQueryCanceled) == 0)) {
    return Status::Busy(session_->Scrub(
        fmt::format("another sparkify run holds the warehouse (schema {} on {}); gave up waiting "
                    "after {}; try again later",
                    schema_, session_->where, waited)));
  }
  return session_->Failure(result.get(), "cannot lock the warehouse for the run");
}

Status PostgresEngine::Commit() {
  auto result = session_->Exec("COMMIT", "commit failed");
  in_transaction_ = false;
  if (!result.ok()) return result.status();
  // COMMIT of a transaction that already failed answers ROLLBACK, successfully.
  if (std::strcmp(PQcmdStatus(result->get()), "COMMIT") != 0) {
    return Status::EngineError("commit failed: " + session_->product +
                               " rolled the run's transaction back");
  }
  return Status::Ok();
}

Status PostgresEngine::Rollback() {
  in_transaction_ = false;
  auto result = session_->Exec("ROLLBACK", "rollback failed");
  return result.ok() ? Status::Ok() : result.status();
}

Result<std::unique_ptr<RowWriter>> PostgresEngine::OpenWriter(
    std::string_view table, const std::vector<std::string>& columns) {
  // The binary format when every column is BIGINT, DOUBLE PRECISION or TEXT (see CopyWriter).
  std::vector<CopyType> types;
  auto attributes = session_->ExecParams(
      "SELECT a.attname, a.atttypid::pg_catalog.int4 FROM pg_catalog.pg_attribute a "
      "WHERE a.attrelid = pg_catalog.to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
      {session_->QuoteIdentifier(table)}, "cannot load " + std::string(table));
  if (!attributes.ok()) return attributes.status();
  for (const std::string& column : columns) {
    std::optional<CopyType> type;
    const PGresult* r = attributes->get();
    for (int i = 0; i < PQntuples(r); ++i) {
      if (column != PQgetvalue(r, i, 0)) continue;
      const long oid = std::strtol(PQgetvalue(r, i, 1), nullptr, 10);
      if (oid == kInt8Oid) type = CopyType::kInt8;
      if (oid == kFloat8Oid) type = CopyType::kFloat8;
      if (oid == kTextOid) type = CopyType::kText;
    }
    if (!type) {
      types.clear();
      break;
    }
    types.push_back(*type);
  }

  std::string sql = "COPY " + session_->QuoteIdentifier(table) + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    sql += (i ? ", " : "") + session_->QuoteIdentifier(columns[i]);
  }
  sql += ") FROM STDIN";
  ResultHandle result = session_->Run(types.empty() ? sql : sql + " (FORMAT binary)");
  if (!result || PQresultStatus(result.get()) != PGRES_COPY_IN) {
    return session_->Failure(result.get(), "cannot load " + std::string(table));
  }
  return std::unique_ptr<RowWriter>(std::make_unique<CopyWriter>(
      *session_, std::string(table), std::move(sql), columns.size(), std::move(types)));
}

Result<bool> PostgresEngine::TableExists(std::string_view table) {
  auto result = session_->ExecParams(
      "SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = $1 AND tablename = $2",
      {schema_, std::string(table)}, session_->product + " query failed");
  if (!result.ok()) return result.status();
  return PQntuples(result->get()) > 0;
}

}  // namespace sparkify
