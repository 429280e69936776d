// The encodings of PostgreSQL's COPY that the bulk load writes (postgres_copy.h): the binary
// TIMESTAMP of a timestamp's text and back, the shortest exact text of a double, the escapes of
// the text format, and the byte buffer the writer appends them to.
//
// Pure functions and a value type; thread-safe (one CopyBuffer per thread).
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace sparkify::postgres {

// PostgreSQL's binary TIMESTAMP (microseconds since 2000-01-01) of the text
// 'YYYY-MM-DD HH:MM:SS' or 'YYYY-MM-DD HH:MM:SS.mmm' with a real date (year 1 to 9999) and
// time; nullopt for anything else, which then goes as text for the server to read.
std::optional<int64_t> TimestampMicros(std::string_view t);

// The text of a TimestampMicros value (milliseconds, as it was read).
std::string TimestampText(int64_t micros);

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

}  // namespace sparkify::postgres
