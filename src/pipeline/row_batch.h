// RowBatch: rows recorded through the RowWriter interface, to be replayed into another writer
// later, on another thread. Lets the decoding of input run on one thread while the engine
// writes on another, with the decoders' own code (WriteEventRow, WriteSongRow) unchanged.
//
// Text is copied into the batch's arena, so a batch owns everything it holds. A batch is moved
// between threads, never shared.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sparkify/engine.h"

namespace sparkify {

class RowBatch final : public RowWriter {
 public:
  void Null() override { values_.push_back({Kind::kNull, 0, 0}); }
  void Integer(int64_t v) override { values_.push_back({Kind::kInteger, v, 0}); }
  void Real(double v) override;
  void Text(std::string_view v) override;
  Status EndRow() override {
    ++rows_;
    return Status::Ok();
  }
  Status Finish() override { return Status::Ok(); }

  size_t rows() const { return rows_; }
  size_t bytes() const { return arena_.size() + values_.size() * sizeof(Value); }
  void Clear() {
    values_.clear();
    arena_.clear();
    rows_ = 0;
  }

  // Writes every recorded row into `out`, `columns` values per row.
  Status ReplayInto(RowWriter& out, size_t columns) const;
  // Writes the rows `order` names (their indexes in the batch), in that order.
  Status ReplayRowsInto(RowWriter& out, size_t columns, const std::vector<uint32_t>& order) const;

  // The value of row `row`, column `column` (`columns` values per row), to order rows by: an
  // integer's (0 for any other value) or a text's (empty for any other).
  int64_t IntegerAt(size_t row, size_t column, size_t columns) const;
  std::string_view TextAt(size_t row, size_t column, size_t columns) const;

 private:
  enum class Kind : uint8_t { kNull, kInteger, kReal, kText };
  struct Value {
    Kind kind;
    int64_t number;   // integer, or the bits of a double
    uint32_t length;  // text: bytes at arena offset `number`
  };
  void WriteValue(const Value& v, RowWriter& out) const;
  std::vector<Value> values_;
  std::string arena_;
  size_t rows_ = 0;
};

}  // namespace sparkify
