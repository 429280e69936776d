#include "engine/postgres_copy.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <iterator>

#include "engine/postgres_copy_format.h"

namespace sparkify::postgres {
namespace {

constexpr Oid kInt8Oid = 20, kInt4Oid = 23, kFloat8Oid = 701, kTextOid = 25, kTimestampOid = 1114;

// COPY table (columns) FROM STDIN. When every column is BIGINT, INTEGER, DOUBLE PRECISION,
// TEXT or TIMESTAMP (all the tables sparkify loads) the rows go in binary format: no number is
// formatted here and none parsed by the server, no text escaped here and none unescaped there,
// which makes the bulk load cheaper on both sides. Otherwise the text format: tab-separated, \N
// for NULL, backslash escapes.
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
        case CopyType::kInt4:
          if (value >= INT32_MIN && value <= INT32_MAX) {
            NextBinary();
            PutInt32(4);
            PutInt32(static_cast<int32_t>(value));
            return;
          }
          SwitchToText();  // the server says it is out of range, as for text
          break;
        case CopyType::kTimestamp:
          SwitchToText();
          break;
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
      if (binary_) return;  // the switch failed: status_ says why
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
        case CopyType::kInt4:
        case CopyType::kTimestamp:
          SwitchToText();
          break;
      }
      if (binary_) return;  // the switch failed: status_ says why
    }
    NextText();
    AppendDouble(buffer_, value);
  }

  void Text(std::string_view value) override {
    if (binary_) {
      const CopyType type = TypeOfNext();
      if (type == CopyType::kText) {
        NextBinary();
        PutText(value);
        return;
      }
      if (type == CopyType::kTimestamp) {
        if (const auto micros = TimestampMicros(value)) {
          NextBinary();
          PutInt32(8);
          PutInt64(*micros);
          return;
        }
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
      if (TypeAt(c) == CopyType::kInt4) {
        uint32_t u = 0;
        for (int k = 0; k < 4; ++k) u = u << 8 | static_cast<unsigned char>(field[k]);
        partial += std::to_string(static_cast<int32_t>(u));
        continue;
      }
      uint64_t u;
      std::memcpy(&u, field.data(), 8);
      const uint64_t bits = __builtin_bswap64(u);
      if (TypeAt(c) == CopyType::kInt8) {
        partial += std::to_string(static_cast<int64_t>(bits));
      } else if (TypeAt(c) == CopyType::kTimestamp) {
        partial += TimestampText(static_cast<int64_t>(bits));
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

std::optional<CopyType> CopyTypeOf(long oid) {
  if (oid == kInt8Oid) return CopyType::kInt8;
  if (oid == kInt4Oid) return CopyType::kInt4;
  if (oid == kTimestampOid) return CopyType::kTimestamp;
  if (oid == kFloat8Oid) return CopyType::kFloat8;
  if (oid == kTextOid) return CopyType::kText;
  return std::nullopt;
}

std::unique_ptr<RowWriter> NewCopyWriter(const Connection& connection, std::string table,
                                         std::string text_copy_sql, size_t columns,
                                         std::vector<CopyType> binary_types) {
  return std::make_unique<CopyWriter>(connection, std::move(table), std::move(text_copy_sql),
                                      columns, std::move(binary_types));
}

}  // namespace sparkify::postgres
