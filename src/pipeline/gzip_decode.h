// Decoding a .gz file a part at a time, so its decompressed contents are never held whole: memory
// stays about the size of the per-record limit (--max-record-size) plus one block, whatever the
// file expands to (README, "Reading the input").
//
// Two passes over the stored (compressed) bytes: DigestGzip inflates them once for the ledger's
// checksum (XXH3-128 of the decompressed bytes, as for a file read whole); DecodeGzip inflates
// them again and hands the decoder parts cut at records' starts (document_stream.h), with
// positions that continue across parts. A record that grows over the limit before any record
// starts after it is rejected as one record and skipped to the next record's start. Data that
// cannot be inflated (a truncated or corrupt file) is one rejected record at the end: what was
// read before it is kept.
//
// Pure functions of their arguments; thread-safe for distinct arguments.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "decode/document_stream.h"
#include "pipeline/source_stager.h"

namespace sparkify {

struct GzipDigest {
  std::string checksum;  // as Checksum() of the decompressed bytes
  int64_t bytes = 0;     // decompressed bytes that could be read
};
GzipDigest DigestGzip(const std::string& name, std::string_view stored);

struct GzipDecodeSettings {
  RecordBoundary boundary = RecordBoundary::kLine;
  size_t max_record_size = DocumentStream::kDefaultMaxRecordSize;
  size_t block_size = size_t{4} << 20;  // inflated per step
};

// Decodes the .gz `file` from its `stored` bytes with `decode` (see DecodeInto); rejections,
// including the limit's and the gzip error's, go to `on_reject`.
Status DecodeGzip(const SourceFile& file, std::string_view stored,
                  const GzipDecodeSettings& settings, const DecodeInto& decode, int64_t file_id,
                  RowWriter* writer, DecodeCounts& counts, const OnReject& on_reject);

// XXH3-128 as 32 hex digits: the ledger's checksum.
std::string Checksum(const char* data, size_t size);

}  // namespace sparkify
