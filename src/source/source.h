// Source: where input files come from (a local folder today; S3 implements the same interface).
//
// List() enumerates the files under a root in a stable (sorted) order, or fails naming what it
// could not list (a listing is never cut short silently); Skipped() then says which entries it
// passed over and why (dangling links, FIFOs, link loops). Read() fills a reusable
// buffer with a file's bytes, gunzipped when the name ends in ".gz", followed by
// SIMDJSON_PADDING readable bytes. A Source may be shared by threads for Read() as long as each
// thread passes its own buffer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sparkify/status.h"

namespace sparkify {

struct SourceFile {
  std::string path;      // as shown to users and stored in the ledger (local path or s3:// URI)
  uint64_t size = 0;     // bytes as stored (compressed size for .gz)
  int64_t mtime_ns = 0;  // modification time, local files
  std::string etag;      // object version tag, S3 objects
};

// A growable byte buffer that always keeps SIMDJSON_PADDING spare bytes after its contents, so
// one allocation serves every file a thread reads.
class PaddedBuffer {
 public:
  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }  // usable bytes including the padding
  // Makes room for `n` bytes of contents (keeps existing contents). Capacity grows by half at
  // least; new memory is not touched, so only the bytes read into it take memory.
  void Reserve(size_t n);
  // Sets the size to `n` bytes (keeps existing contents up to n); the padding after them is
  // zeroed, so simdjson never reads stale or uninitialized bytes there.
  void Resize(size_t n);
  void Append(const char* bytes, size_t n);  // zeroes the padding after, as Resize
  void Clear() { size_ = 0; }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// An entry the listing passed over because it is not a file that can be read.
struct SkippedEntry {
  std::string path;
  std::string reason;  // e.g. "a dangling symbolic link (its target does not exist)"
};

class Source {
 public:
  virtual ~Source() = default;
  virtual Result<std::vector<SourceFile>> List() = 0;
  virtual Status Read(const SourceFile& file, PaddedBuffer& out) = 0;
  // The entries the last List() skipped, sorted by path (none for sources without such entries).
  virtual const std::vector<SkippedEntry>& Skipped() const {
    static const std::vector<SkippedEntry> kNone;
    return kNone;
  }
  // The file's bytes as stored: still compressed for .gz files (Read() is this, then Gunzip).
  // The stager inflates .gz files a block at a time from these (gzip_stream.h).
  virtual Status ReadStored(const SourceFile& file, PaddedBuffer& out) = 0;
  // A hint: of the last listing, only `files` will be read, in this order (the others are
  // already loaded). A source that reads ahead fetches only these. Optional.
  virtual void PlanReads(const std::vector<const SourceFile*>& files) { (void)files; }
};

// The input file rule every source applies: names ending in .json, .jsonl or .ndjson, each
// optionally followed by .gz.
bool IsInputName(const std::string& name);
bool IsGzipName(const std::string& name);

// `path` in double quotes, with backslash, quote and control characters escaped C-style (\n,
// \t, \x01), so that any file name stays on one line of a message or a plan.
std::string QuotedPath(std::string_view path);

// Files with input names (any depth) under the folder `root`, or `root` itself if it is a file.
// Symbolic links are followed, except one that leads back into a folder being listed (a loop,
// skipped); a missing `root` is kInvalidArgument, a folder or entry that cannot be read kIoError.
std::unique_ptr<Source> MakeLocalSource(std::string root);

// Inflates gzip (or zlib) `compressed` into `out`, whole; the message names `name` on failure.
// (gzip_stream.cpp; GzipStream reads a block at a time.)
Status Gunzip(const std::string& name, const char* compressed, size_t size, PaddedBuffer& out);

}  // namespace sparkify
