#include "decode/document_stream.h"

#include <algorithm>
#include <cstring>

namespace sparkify {
namespace {

constexpr size_t kBatchSize = 1 << 20;  // iterate_many window; larger documents fall back
constexpr size_t kWindowSlack = 64;     // a record's own window holds it with room to spare

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Converts byte offsets to 1-based line numbers, moving forward only.
class LineCounter {
 public:
  LineCounter(std::string_view data, int64_t first_line)
      : data_(data), first_line_(first_line), line_(first_line) {}
  int64_t LineAt(size_t offset) {
    if (offset < offset_) {  // rare: restart from the top
      offset_ = 0;
      line_ = first_line_;
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
  int64_t first_line_;
  size_t offset_ = 0;
  int64_t line_;
};

size_t EndOfLine(std::string_view data, size_t from) {
  const void* nl = std::memchr(data.data() + from, '\n', data.size() - from);
  return nl ? static_cast<const char*>(nl) - data.data() : data.size();
}

size_t SkipSpace(std::string_view data, size_t from) {
  while (from < data.size() && IsJsonSpace(data[from])) ++from;
  return from;
}

// Whether a line whose first byte is `c` starts a chunk (else it continues the one before).
bool StartsRecord(char c, RecordBoundary boundary) {
  return boundary == RecordBoundary::kLine ? !(c == ' ' || c == '\t' || c == '}' || c == ']')
                                           : c == '{';
}

// The end of the chunk that starts at `from` (see document_stream.h): the end of its line, then of
// each line that continues it. Ends just after a newline, or at the end of `data`.
size_t ChunkEnd(std::string_view data, size_t from, RecordBoundary boundary) {
  size_t end = EndOfLine(data, from);
  while (end < data.size()) {
    const size_t next = end + 1;  // the next line's first byte
    if (next >= data.size()) return data.size();
    if (StartsRecord(data[next], boundary)) return next;
    end = EndOfLine(data, next);
  }
  return data.size();
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

size_t LastRecordStart(std::string_view text, RecordBoundary boundary) {
  size_t end = text.size();
  while (end > 0) {
    const void* nl = memrchr(text.data(), '\n', end);
    if (nl == nullptr) return 0;
    const size_t at = static_cast<const char*>(nl) - text.data();
    if (at + 1 < text.size() && StartsRecord(text[at + 1], boundary)) return at + 1;
    end = at;
  }
  return 0;
}

size_t NextRecordStart(std::string_view text, RecordBoundary boundary) {
  size_t from = 0;
  while (from < text.size()) {
    const void* nl = std::memchr(text.data() + from, '\n', text.size() - from);
    if (nl == nullptr) return std::string_view::npos;
    const size_t at = static_cast<const char*>(nl) - text.data();
    if (at + 1 < text.size() && StartsRecord(text[at + 1], boundary)) return at + 1;
    from = at + 1;
  }
  return std::string_view::npos;
}

// Everything one Walk shares between its steps.
struct DocumentStream::WalkState {
  WalkState(std::string_view file_name, std::string_view file_text, const StreamOrigin& origin,
            const OnDocument& document, const OnMalformed& malformed)
      : file(file_name),
        text(file_text),
        base_offset(origin.byte_offset),
        lines(file_text, origin.line),
        on_document(document),
        on_malformed(malformed),
        document_index(origin.document) {}

  std::string_view file;
  std::string_view text;
  int64_t base_offset;  // of text in the file
  LineCounter lines;
  const OnDocument& on_document;
  const OnMalformed& on_malformed;
  int64_t document_index = 0;
  std::string reason;  // simdjson's message for the last part that could not be read
  simdjson::error_code error = simdjson::SUCCESS;
  // The last stop was at the document at fault itself (too large for the window, or not an
  // object or array), not possibly at the start of its batch.
  bool at_fault = false;

  RecordPosition PositionAt(size_t offset) {
    RecordPosition p;
    p.file = file;
    p.byte_offset = base_offset + static_cast<int64_t>(offset);
    p.line = lines.LineAt(offset);
    p.document = document_index;
    return p;
  }
};

DocumentStream::DocumentStream(RecordBoundary boundary, size_t max_record_size)
    : boundary_(boundary),
      max_record_size_(std::max(max_record_size, kMinRecordSize)),
      window_(std::min(kBatchSize, max_record_size_)) {
  // Built with -pthread, iterate_many would start a second thread of its own; the pipeline
  // decides how to use the cores, so keep the stream on the caller's thread.
  stream_parser_.threaded = false;
}

// Reads the documents of text[begin, end) with `parser` and a window of `window` bytes. Returns
// npos when all were read, else the offset where the part that cannot be read starts, with
// simdjson's reason and error in `state`. On the fast path (!in_chunk) a document that is not an
// object or array stops the walk: it is read again within its chunk, where a scalar alone is one
// (rejected) record and a scalar followed by more text makes the whole rest one record.
size_t DocumentStream::WalkRange(WalkState& state, simdjson::ondemand::parser& parser, size_t begin,
                                 size_t end, size_t window, bool in_chunk) {
  const std::string_view text = state.text;
  simdjson::ondemand::document_stream stream;
  auto error =
      parser
          .iterate_many(reinterpret_cast<const uint8_t*>(text.data()) + begin, end - begin, window)
          .get(stream);
  auto stop = [&](size_t offset, simdjson::error_code e, std::string reason,
                  bool at_fault = false) {
    state.error = e;
    state.at_fault = at_fault || e == simdjson::CAPACITY;
    state.reason = std::move(reason);
    return offset;
  };
  if (error) return stop(begin, error, simdjson::error_message(error));
  for (auto it = stream.begin(); it != stream.end(); ++it) {
    const size_t offset = begin + it.current_index();
    auto doc = *it;
    if (auto e = it.error() ? it.error() : doc.error()) {
      return stop(offset, e, simdjson::error_message(e));
    }
    DocumentText raw(text, offset, end, it);
    const char first = text[offset];
    if (first != '{' && first != '[') {
      if (!in_chunk) return stop(offset, simdjson::TAPE_ERROR, "", /*at_fault=*/true);
      const std::string_view rest = TrimRight(text.substr(offset, end - offset));
      if (raw.Get().size() != rest.size()) {
        return stop(offset, simdjson::TAPE_ERROR, "text that is not a JSON document");
      }
    }
    if (first != '{') raw.Get();  // see DocumentText: found before the document is read
    ++state.document_index;
    state.reason.clear();
    if (state.on_document(doc.value_unsafe(), state.PositionAt(offset), raw, state.reason) ==
        DocumentOutcome::kMalformed) {
      --state.document_index;  // counted again when the part is rejected
      return stop(offset, simdjson::TAPE_ERROR, std::move(state.reason));
    }
  }
  const size_t truncated = stream.truncated_bytes();
  if (truncated > 0 && SkipSpace(text.substr(0, end), end - truncated) < end) {
    return stop(SkipSpace(text, end - truncated), simdjson::INCOMPLETE_ARRAY_OR_OBJECT,
                "incomplete document");
  }
  return std::string_view::npos;
}

bool DocumentStream::WalkChunk(WalkState& state, size_t begin, size_t end) {
  const size_t size = TrimRight(state.text.substr(begin, end - begin)).size();
  size_t bad;
  if (size > window_ && size <= max_record_size_) {
    // One parser sized to the record, kept for the rest of the file only.
    if (!large_parser_) {
      large_parser_ = std::make_unique<simdjson::ondemand::parser>();
      large_parser_->threaded = false;
    }
    bad = WalkRange(state, *large_parser_, begin, end, size + kWindowSlack, true);
  } else {
    // Small, or over the limit: within the window, which holds the records of a chunk that are
    // each under the limit, and stops at the first that is not.
    bad = WalkRange(state, stream_parser_, begin, end, window_, true);
  }
  if (bad == std::string_view::npos) return false;
  ++state.document_index;
  Rejection r;
  r.position = state.PositionAt(bad);
  r.raw = TrimRight(state.text.substr(bad, end - bad));
  if (state.error == simdjson::CAPACITY) {
    r.reason = "record of " + std::to_string(r.raw.size()) + " bytes is over the size limit of " +
               std::to_string(max_record_size_) + " bytes (raise it with --max-record-size)";
  } else {
    r.reason = "malformed JSON: " + state.reason;
  }
  state.on_malformed(r);
  return true;
}

void DocumentStream::Walk(std::string_view file, simdjson::padded_string_view data,
                          const OnDocument& on_document, const OnMalformed& on_malformed,
                          StreamOrigin* origin) {
  const std::string_view text(data.data(), data.length());
  StreamOrigin whole_file;
  StreamOrigin& from = origin ? *origin : whole_file;
  WalkState state(file, text, from, on_document, on_malformed);

  const bool file_start = from.byte_offset == 0;
  size_t pos = file_start && text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;  // UTF-8 byte-order mark
  while ((pos = SkipSpace(text, pos)) < text.size()) {
    const size_t failed_at = WalkRange(state, stream_parser_, pos, text.size(), window_, false);
    if (failed_at == std::string_view::npos) break;
    // simdjson may report a batch-level error at the batch's first document, before the chunk at
    // fault: read chunk by chunk from there until one holds something that cannot be read (then
    // rejected), and go back to the fast path after it. A document too large for the window, or
    // not an object or array, is at fault itself: the fast path resumes after its chunk.
    const bool at_fault = state.at_fault;
    size_t chunk = failed_at;
    while ((chunk = SkipSpace(text, chunk)) < text.size()) {
      const size_t chunk_end = ChunkEnd(text, chunk, boundary_);
      const bool rejected = WalkChunk(state, chunk, chunk_end);
      chunk = chunk_end;
      if (rejected || at_fault) break;
    }
    pos = std::min(chunk, text.size());
  }
  large_parser_.reset();  // its memory is the size of the largest record: not kept
  from.line = state.lines.LineAt(text.size());
  from.byte_offset += static_cast<int64_t>(text.size());
  from.document = state.document_index;
}

}  // namespace sparkify
