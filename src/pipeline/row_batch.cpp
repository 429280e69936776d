#include "pipeline/row_batch.h"

#include <cstring>

namespace sparkify {

void RowBatch::Real(double v) {
  int64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  values_.push_back({Kind::kReal, bits, 0});
}

void RowBatch::Text(std::string_view v) {
  values_.push_back(
      {Kind::kText, static_cast<int64_t>(arena_.size()), static_cast<uint32_t>(v.size())});
  arena_.append(v);
}

void RowBatch::WriteValue(const Value& v, RowWriter& out) const {
  switch (v.kind) {
    case Kind::kNull:
      out.Null();
      break;
    case Kind::kInteger:
      out.Integer(v.number);
      break;
    case Kind::kReal: {
      double d;
      std::memcpy(&d, &v.number, sizeof d);
      out.Real(d);
      break;
    }
    case Kind::kText:
      out.Text(std::string_view(arena_.data() + v.number, v.length));
      break;
  }
}

Status RowBatch::ReplayInto(RowWriter& out, size_t columns) const {
  size_t column = 0;
  for (const Value& v : values_) {
    WriteValue(v, out);
    if (++column == columns) {
      column = 0;
      SPARKIFY_RETURN_IF_ERROR(out.EndRow());
    }
  }
  return Status::Ok();
}

Status RowBatch::ReplayRowsInto(RowWriter& out, size_t columns,
                                const std::vector<uint32_t>& order) const {
  for (uint32_t row : order) {
    for (size_t c = 0; c < columns; ++c) WriteValue(values_[row * columns + c], out);
    SPARKIFY_RETURN_IF_ERROR(out.EndRow());
  }
  return Status::Ok();
}

int64_t RowBatch::IntegerAt(size_t row, size_t column, size_t columns) const {
  const Value& v = values_[row * columns + column];
  return v.kind == Kind::kInteger ? v.number : 0;
}

std::string_view RowBatch::TextAt(size_t row, size_t column, size_t columns) const {
  const Value& v = values_[row * columns + column];
  return v.kind == Kind::kText ? std::string_view(arena_.data() + v.number, v.length)
                               : std::string_view();
}

}  // namespace sparkify
