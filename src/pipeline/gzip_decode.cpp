#include "pipeline/gzip_decode.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "source/gzip_stream.h"

namespace sparkify {
namespace {

constexpr size_t kRawHead = 4096;  // bytes of a skipped record kept for load_errors

std::string Hex(const XXH128_hash_t& h) { return fmt::format("{:016x}{:016x}", h.high64, h.low64); }

struct XxhStateDeleter {
  void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
};

// Drops the first `n` bytes of `buffer`, advancing `origin` over them.
void Consume(PaddedBuffer& buffer, size_t n, StreamOrigin& origin) {
  const std::string_view gone(buffer.data(), n);
  origin.byte_offset += static_cast<int64_t>(n);
  origin.line += std::count(gone.begin(), gone.end(), '\n');
  std::memmove(buffer.data(), buffer.data() + n, buffer.size() - n);
  buffer.Resize(buffer.size() - n);
}

}  // namespace

std::string Checksum(const char* data, size_t size) { return Hex(XXH3_128bits(data, size)); }

GzipDigest DigestGzip(const std::string& name, std::string_view stored) {
  std::unique_ptr<XXH3_state_t, XxhStateDeleter> state(XXH3_createState());
  XXH3_128bits_reset(state.get());
  GzipStream gzip(name, stored);
  PaddedBuffer block;
  bool done = false;
  while (!done) {
    block.Resize(0);
    (void)gzip.Read(block, size_t{4} << 20, done);  // an error is DecodeGzip's to report
    XXH3_128bits_update(state.get(), block.data(), block.size());
  }
  return {Hex(XXH3_128bits_digest(state.get())), static_cast<int64_t>(gzip.bytes_out())};
}

Status DecodeGzip(const SourceFile& file, std::string_view stored,
                  const GzipDecodeSettings& settings, const DecodeInto& decode, int64_t file_id,
                  RowWriter* writer, DecodeCounts& counts, const OnReject& on_reject) {
  GzipStream gzip(file.path, stored);
  PaddedBuffer window;
  window.Resize(0);
  StreamOrigin origin;
  Status gzip_error;
  bool done = false;

  // Decodes window[0, n) with zeroed padding after it (the bytes there are saved and put back).
  auto decode_part = [&](size_t n) -> Status {
    char saved[simdjson::SIMDJSON_PADDING];
    std::memcpy(saved, window.data() + n, sizeof saved);
    std::memset(window.data() + n, 0, sizeof saved);
    StreamOrigin part = origin;  // Consume() then moves `origin` over the part
    const Status status =
        decode(file, simdjson::padded_string_view(window.data(), n, n + sizeof saved), file_id,
               writer, counts, on_reject, &part);
    std::memcpy(window.data() + n, saved, sizeof saved);
    origin.document = part.document;
    return status;
  };

  // A record over the limit: from `at`, skipped up to the next record's start.
  bool skipping = false;
  StreamOrigin skipped_at;
  std::string skipped_head;
  int64_t skipped_bytes = 0;

  while (true) {
    if (!done) {
      Status read = gzip.Read(window, settings.block_size, done);
      if (!read.ok()) gzip_error = std::move(read);
    }
    const std::string_view text(window.data(), window.size());
    if (skipping) {
      const size_t next = NextRecordStart(text, settings.boundary);
      if (next == std::string_view::npos && !done) {
        // Keep the last byte: a newline there may start a record with the next block.
        const size_t drop = text.empty() ? 0 : text.size() - 1;
        skipped_bytes += static_cast<int64_t>(drop);
        Consume(window, drop, origin);
        continue;
      }
      const size_t cut = next == std::string_view::npos ? text.size() : next;
      skipped_bytes += static_cast<int64_t>(cut);
      Consume(window, cut, origin);
      Rejection r;
      r.position.file = file.path;
      r.position.byte_offset = skipped_at.byte_offset;
      r.position.line = skipped_at.line;
      r.position.document = ++origin.document;
      r.reason = fmt::format(
          "record of {} bytes is over the size limit of {} bytes (raise it with "
          "--max-record-size)",
          skipped_bytes, settings.max_record_size);
      r.raw = skipped_head;
      on_reject(r);
      skipping = false;
    } else {
      const size_t cut = done ? text.size() : LastRecordStart(text, settings.boundary);
      if (cut > 0) {
        SPARKIFY_RETURN_IF_ERROR(decode_part(cut));
        Consume(window, cut, origin);
      } else if (!done && text.size() > settings.max_record_size) {
        skipping = true;
        skipped_at = origin;
        skipped_head.assign(text.substr(0, kRawHead));
        skipped_bytes = 0;
        continue;
      }
    }
    if (done && window.size() == 0) break;
  }

  if (!gzip_error.ok()) {
    Rejection r;
    r.position.file = file.path;
    r.position.byte_offset = origin.byte_offset;
    r.position.line = origin.line;
    r.position.document = ++origin.document;
    r.reason = fmt::format("{}: the rest of the file, from byte {} of its contents, cannot be read",
                           gzip_error.message(), origin.byte_offset);
    on_reject(r);
  }
  return Status::Ok();
}

}  // namespace sparkify
