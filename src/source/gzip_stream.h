// GzipStream: inflates gzip (or zlib) bytes a block at a time, so a .gz file is never held whole
// decompressed: a file that expands to gigabytes takes the memory of its blocks, not of its
// contents (README, "Reading the input"). Concatenated gzip members are read on.
//
// Owns its zlib stream (RAII); not thread-safe. The compressed bytes must outlive the stream.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "source/source.h"

namespace sparkify {

class GzipStream {
 public:
  // `name` is used in messages only.
  GzipStream(std::string name, std::string_view compressed);
  ~GzipStream();
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  // Appends up to `max_bytes` decompressed bytes to `out` (keeping SIMDJSON_PADDING zeroed bytes
  // after them). Sets `done` at the end of the data. An IoError naming the file and zlib's reason
  // when the data is corrupt or ends early: what was decompressed before stays in `out`, and
  // `done` is set.
  Status Read(PaddedBuffer& out, size_t max_bytes, bool& done);

  uint64_t bytes_out() const { return total_out_; }

 private:
  std::string name_;
  std::string_view compressed_;
  z_stream zs_{};
  bool initialized_ = false;
  bool finished_ = false;
  uint64_t total_out_ = 0;
};

}  // namespace sparkify
