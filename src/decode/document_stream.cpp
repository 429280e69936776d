#include "decode/document_stream.h"

#include <algorithm>
#include <cstring>

namespace sparkify {
namespace {

constexpr size_t kBatchSize = 1 << 20;  // iterate_many window; larger documents fall back

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Converts byte offsets to 1-based line numbers, moving forward only.
class LineCounter {
 public:
  explicit LineCounter(std::string_view data) : data_(data) {}
  int64_t LineAt(size_t offset) {
    if (offset < offset_) {  // rare: restart from the top
      offset_ = 0;
      line_ = 1;
    }
    // Jump from newline to newline: records are mostly one long line each, and memchr crosses a
    // line far faster than a byte-counting loop.
    const char* p = data_.data() + offset_;
    const char* const until = data_.data() + offset;
    while (p < until && (p = static_cast<const char*>(std::memchr(p, '\n', until - p)))) {
      ++line_;
      ++p;
    }
    offset_ = offset;
    return line_;
  }

 private:
  std::string_view data_;
  size_t offset_ = 0;
  int64_t line_ = 1;
};

size_t EndOfLine(std::string_view data, size_t from) {
  const void* nl = std::memchr(data.data() + from, '\n', data.size() - from);
  return nl ? static_cast<const char*>(nl) - data.data() : data.size();
}

size_t SkipSpace(std::string_view data, size_t from) {
  while (from < data.size() && IsJsonSpace(data[from])) ++from;
  return from;
}

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view DocumentText::Get() {
  if (found_) return raw_;
  // iterator::source() is experimental in simdjson 3.0.1 and can overrun on malformed input:
  // keep it only when it lies inside this range, else take the rest of the line.
  raw_ = it_.source();
  if (raw_.data() != text_.data() + offset_ || raw_.size() > end_ - offset_) {
    raw_ = text_.substr(offset_, std::min(EndOfLine(text_, offset_), end_) - offset_);
  }
  raw_ = TrimRight(raw_);
  found_ = true;
  return raw_;
}

DocumentStream::DocumentStream() {
  // Built with -pthread, iterate_many would start a second thread of its own; the pipeline
  // decides how to use the cores, so keep the stream on the caller's thread.
  stream_parser_.threaded = false;
}

void DocumentStream::Walk(std::string_view file, simdjson::padded_string_view data,
                          const OnDocument& on_document, const OnMalformed& on_malformed) {
  const std::string_view text(data.data(), data.length());
  LineCounter lines(text);
  int64_t document_index = 0;
  std::string reason;

  auto position_at = [&](size_t offset) {
    RecordPosition p;
    p.file = file;
    p.byte_offset = static_cast<int64_t>(offset);
    p.line = lines.LineAt(offset);
    p.document = document_index;
    return p;
  };

  // Reads the documents of text[begin, end). Returns npos when all were read, else the offset
  // where the malformed part starts, with simdjson's reason in `reason`.
  auto walk_range = [&](size_t begin, size_t end) -> size_t {
    simdjson::ondemand::document_stream stream;
    auto error = stream_parser_
                     .iterate_many(reinterpret_cast<const uint8_t*>(text.data()) + begin,
                                   end - begin, kBatchSize)
                     .get(stream);
    if (error) {
      reason = simdjson::error_message(error);
      return begin;
    }
    for (auto it = stream.begin(); it != stream.end(); ++it) {
      const size_t offset = begin + it.current_index();
      auto doc = *it;
      if (auto e = it.error() ? it.error() : doc.error()) {
        reason = simdjson::error_message(e);
        return offset;
      }
      ++document_index;
      reason.clear();
      DocumentText raw(text, offset, end, it);
      if (text[offset] != '{') raw.Get();  // see DocumentText: found before the document is read
      if (on_document(doc.value_unsafe(), position_at(offset), raw, reason) ==
          DocumentOutcome::kMalformed) {
        --document_index;  // counted again when the part is rejected
        return offset;
      }
    }
    const size_t truncated = stream.truncated_bytes();
    if (truncated > 0 && SkipSpace(text.substr(0, end), end - truncated) < end) {
      reason = "incomplete document";
      return SkipSpace(text, end - truncated);
    }
    return std::string_view::npos;
  };

  size_t pos = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // UTF-8 byte-order mark
  while ((pos = SkipSpace(text, pos)) < text.size()) {
    const size_t failed_at = walk_range(pos, text.size());
    if (failed_at == std::string_view::npos) return;
    // simdjson may report a batch-level error at the batch's first document, before the line at
    // fault: read line by line from there until one line is malformed on its own, reject that
    // line (from the failing document on), and go back to the fast path after it.
    size_t line_begin = failed_at;
    while ((line_begin = SkipSpace(text, line_begin)) < text.size()) {
      const size_t line_end = EndOfLine(text, line_begin);
      const size_t bad = walk_range(line_begin, line_end);
      line_begin = line_end + 1;
      if (bad != std::string_view::npos) {
        ++document_index;
        Rejection r;
        r.position = position_at(bad);
        r.reason = "malformed JSON: " + reason;
        r.raw = TrimRight(text.substr(bad, line_end - bad));
        on_malformed(r);
        break;
      }
    }
    pos = std::min(line_begin, text.size());
  }
}

}  // namespace sparkify
