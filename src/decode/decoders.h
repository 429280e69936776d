// EventDecoder and SongDecoder: bytes of one input file in, typed records or rejections out.
//
// Every record of the file (see document_stream.h for where one ends) ends in exactly one
// callback: on_record for a valid record (possibly repaired: its repaired_fields say which),
// on_reject (with file, line, byte offset, field and reason) for anything else. Unknown keys are
// ignored. Required fields: events `ts` (epoch milliseconds, 1970-01-01 .. 9999-12-31),
// `sessionId`, `itemInSession`; songs `song_id`,
// `artist_id`. See field_reader.h for the conversion rules.
//
// Not thread-safe: one decoder per thread; each reuses its simdjson parsers across files.
#pragma once

#include <simdjson.h>

#include <functional>
#include <string_view>

#include "decode/document_stream.h"
#include "decode/field_reader.h"
#include "decode/records.h"

namespace sparkify {

using OnReject = std::function<void(const Rejection&)>;

class EventDecoder {
 public:
  // Records larger than `max_record_size` bytes are rejected (see document_stream.h).
  explicit EventDecoder(size_t max_record_size = DocumentStream::kDefaultMaxRecordSize)
      : stream_(RecordBoundary::kLine, max_record_size) {}
  using OnEvent = std::function<void(const EventRecord&, const RecordPosition&)>;
  // `data` must be followed by SIMDJSON_PADDING readable bytes.
  // With an `origin`, `data` is a part of the file (see DocumentStream::Walk).
  void DecodeFile(std::string_view file, simdjson::padded_string_view data, const OnEvent& on_event,
                  const OnReject& on_reject, StreamOrigin* origin = nullptr);

 private:
  DocumentStream stream_;
  FieldReader fields_;
};

class SongDecoder {
 public:
  explicit SongDecoder(size_t max_record_size = DocumentStream::kDefaultMaxRecordSize)
      : stream_(RecordBoundary::kDocument, max_record_size) {}
  using OnSong = std::function<void(const SongRecord&, const RecordPosition&)>;
  void DecodeFile(std::string_view file, simdjson::padded_string_view data, const OnSong& on_song,
                  const OnReject& on_reject, StreamOrigin* origin = nullptr);

 private:
  DocumentStream stream_;
  FieldReader fields_;
};

// The JSON name of the field of bit `bit` in a record's repaired_fields.
std::string_view RepairedFieldName(const EventRecord& record, unsigned bit);
std::string_view RepairedFieldName(const SongRecord& record, unsigned bit);

}  // namespace sparkify
