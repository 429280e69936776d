// DocumentStream: splits one file's bytes into JSON documents and tracks where each one is.
//
// Accepts newline-delimited or concatenated documents, pretty-printed or not, CRLF line ends,
// blank lines, a UTF-8 byte-order mark and a missing final newline. The fast path is simdjson's
// iterate_many (single-threaded). A structural error ends simdjson's stream, so the stream is
// restarted after the bad line: lines from the failing document on are read one at a time until
// one is malformed on its own; that line is rejected with simdjson's reason (from the failing
// document on), and the fast path resumes after it.
// (Consequence, documented in README: after a structural error, a *pretty-printed* document
// later in the same file is read line by line and its lines are rejected.)
//
// Not thread-safe: use one DocumentStream per thread. The parser is reused across files.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "decode/records.h"

namespace sparkify {

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

  DocumentStream();

  // Walks every document of `data`, which must have SIMDJSON_PADDING readable bytes after its
  // end. `file` is used for positions only.
  void Walk(std::string_view file, simdjson::padded_string_view data, const OnDocument& on_document,
            const OnMalformed& on_malformed);

 private:
  simdjson::ondemand::parser stream_parser_;
};

}  // namespace sparkify
