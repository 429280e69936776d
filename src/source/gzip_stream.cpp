#include "source/gzip_stream.h"

#include <simdjson.h>

#include <algorithm>
#include <climits>
#include <cstring>

namespace sparkify {

GzipStream::GzipStream(std::string name, std::string_view compressed)
    : name_(std::move(name)), compressed_(compressed) {
  initialized_ = inflateInit2(&zs_, 15 + 32) == Z_OK;  // 15 + 32: gzip or zlib header
  zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed_.data()));
  zs_.avail_in = static_cast<uInt>(std::min<size_t>(compressed_.size(), UINT_MAX));
}

GzipStream::~GzipStream() {
  if (initialized_) inflateEnd(&zs_);
}

Status GzipStream::Read(PaddedBuffer& out, size_t max_bytes, bool& done) {
  done = finished_;
  if (finished_) return Status::Ok();
  if (!initialized_) {
    done = finished_ = true;
    return Status::IoError(name_ + ": gzip: zlib init failed");
  }
  const size_t target = out.size() + max_bytes;
  out.Reserve(target);
  while (out.size() < target) {
    // Feed the input in pieces zlib's 32-bit counters hold.
    const size_t consumed = reinterpret_cast<const char*>(zs_.next_in) - compressed_.data();
    if (zs_.avail_in == 0 && consumed < compressed_.size()) {
      zs_.avail_in = static_cast<uInt>(std::min<size_t>(compressed_.size() - consumed, UINT_MAX));
    }
    const size_t room = std::min<size_t>(target - out.size(), UINT_MAX);
    zs_.next_out = reinterpret_cast<Bytef*>(out.data() + out.size());
    zs_.avail_out = static_cast<uInt>(room);
    const int rc = inflate(&zs_, Z_NO_FLUSH);
    const size_t produced = room - zs_.avail_out;
    total_out_ += produced;
    out.Resize(out.size() + produced);
    const size_t left =
        compressed_.size() - (reinterpret_cast<const char*>(zs_.next_in) - compressed_.data());
    if (rc == Z_STREAM_END) {
      if (left == 0) {
        done = finished_ = true;
        return Status::Ok();
      }
      inflateReset(&zs_);  // concatenated gzip members: keep going
      continue;
    }
    if (rc == Z_BUF_ERROR) {  // no progress possible: the input ended before the stream did
      done = finished_ = true;
      return Status::IoError(name_ + ": gzip: the data ends early (truncated file)");
    }
    if (rc != Z_OK) {
      done = finished_ = true;
      return Status::IoError(name_ + ": gzip: " + (zs_.msg ? zs_.msg : "corrupt data"));
    }
  }
  return Status::Ok();
}

Status Gunzip(const std::string& name, const char* compressed, size_t size, PaddedBuffer& out) {
  out.Clear();
  out.Resize(0);
  GzipStream stream(name, std::string_view(compressed, size));
  bool done = false;
  while (!done) {
    SPARKIFY_RETURN_IF_ERROR(stream.Read(out, std::max<size_t>(out.size(), 1 << 20), done));
  }
  return Status::Ok();
}

}  // namespace sparkify
