// DocumentStream: splits one file's bytes into records (JSON documents) and tracks where each one
// is.
//
// Accepts newline-delimited or concatenated documents, pretty-printed or not, CRLF line ends,
// blank lines, a UTF-8 byte-order mark and a missing final newline. The fast path is simdjson's
// iterate_many (single-threaded) over the whole file.
//
// Record boundaries (README, "Reading the input"): text that does not read as JSON documents is
// one record per *chunk*, never one per token. A chunk starts at a line and runs over the lines
// that continue it:
// - RecordBoundary::kLine (event logs): lines that start with a space, a tab, `}` or `]` (the
//   inside and the end of a pretty-printed document); so a bad line is one record;
// - RecordBoundary::kDocument (song files): every line up to the next one that starts with `{`;
//   so a song file that is not JSON at all is one record.
// When the fast path stops (a structural error, a document that is not an object or array, a
// document larger than its window), the file is read chunk by chunk from there: each chunk is
// parsed on its own, its documents are handed on, and what cannot be read (from the failing
// document to the chunk's end) is rejected as one record with simdjson's reason; the fast path
// resumes after that chunk.
//
// Size: a record larger than `max_record_size` bytes is rejected as one record ("over the size
// limit"); a record up to that size is parsed with a parser sized to it (released after the
// file), so memory stays bounded by the limit, not by the documents' size.
//
// Not thread-safe: use one DocumentStream per thread. The parser is reused across files.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "decode/records.h"

namespace sparkify {

// Where a part of a file starts, for files decoded a part at a time (gzip streams).
struct StreamOrigin {
  int64_t byte_offset = 0;  // of the part's first byte in the file
  int64_t line = 1;         // 1-based line of that byte
  int64_t document = 0;     // records before the part
};

// How text that is not JSON is cut into records (see above).
enum class RecordBoundary { kLine, kDocument };

// For cutting a file into parts at records' starts (chunks', as above): the offset of the last
// line of `text` that starts a chunk, or 0 when no line after the first does; and of the first
// such line after offset 0, or npos. A line counts only when its first byte is in `text`.
size_t LastRecordStart(std::string_view text, RecordBoundary boundary);
size_t NextRecordStart(std::string_view text, RecordBoundary boundary);

// What the per-document callback made of one document.
enum class DocumentOutcome {
  kAccepted,   // a record was produced
  kRejected,   // the document is well-formed JSON but not a valid record (already reported)
  kMalformed,  // simdjson reported a structural error while reading the document
};

// The text of the document being decoded (trimmed of trailing whitespace), found only when asked
// for: finding a document's end takes a pass over its structure, which accepted records, nearly
// all of them, never need. Only valid during the OnDocument call it is given to.
//
// Get() may be called before the document is read, or once its root object has been read to the
// end; either way simdjson's source() starts from the document's first token and finds the same
// end. (Documents that are not objects have their text found before the callback, since they are
// rejected before being read.)
class DocumentText {
 public:
  DocumentText(std::string_view text, size_t offset, size_t end,
               simdjson::ondemand::document_stream::iterator& it)
      : text_(text), offset_(offset), end_(end), it_(it) {}
  std::string_view Get();

 private:
  std::string_view text_;  // the whole file
  size_t offset_;          // the document's first byte
  size_t end_;             // end of the range being read
  simdjson::ondemand::document_stream::iterator& it_;
  bool found_ = false;
  std::string_view raw_;
};

class DocumentStream {
 public:
  // Called once per document. `doc` is only valid during the call. On kMalformed,
  // `malformed_reason` must hold simdjson's message.
  using OnDocument = std::function<DocumentOutcome(
      simdjson::ondemand::document_reference doc, const RecordPosition& position, DocumentText& raw,
      std::string& malformed_reason)>;
  using OnMalformed = std::function<void(const Rejection&)>;

  // The largest record accepted by default (--max-record-size): 16 MiB, as DuckDB's
  // maximum_object_size.
  static constexpr size_t kDefaultMaxRecordSize = size_t{16} << 20;
  static constexpr size_t kMinRecordSize = 1024;  // a smaller limit is raised to this

  explicit DocumentStream(RecordBoundary boundary, size_t max_record_size = kDefaultMaxRecordSize);

  // Walks every document of `data`, which must have SIMDJSON_PADDING readable bytes after its
  // end. `file` is used for positions only. With an `origin`, `data` is a part of the file that
  // starts there (and at a record's start); positions continue from it, and it is advanced to the
  // part's end.
  void Walk(std::string_view file, simdjson::padded_string_view data, const OnDocument& on_document,
            const OnMalformed& on_malformed, StreamOrigin* origin = nullptr);

 private:
  // Rejects what of text[begin, end) cannot be read; true when something was rejected.
  struct WalkState;
  bool WalkChunk(WalkState& state, size_t begin, size_t end);
  size_t WalkRange(WalkState& state, simdjson::ondemand::parser& parser, size_t begin, size_t end,
                   size_t window, bool in_chunk);

  RecordBoundary boundary_;
  size_t max_record_size_;
  size_t window_;  // iterate_many's window on the fast path
  simdjson::ondemand::parser stream_parser_;
  std::unique_ptr<simdjson::ondemand::parser> large_parser_;  // for records over the window
};

}  // namespace sparkify
