// Typed records produced by the decoders, and the reasons a record can be rejected.
//
// String views point into the decoder's buffers and stay valid only during the callback that
// receives the record; a consumer that keeps a record must copy it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sparkify {

// One eventsim log event (one line of log_data). Optional fields are NULL in the warehouse.
struct EventRecord {
  std::optional<std::string_view> artist;
  std::optional<std::string_view> auth;
  std::optional<std::string_view> first_name;
  std::optional<std::string_view> gender;
  int64_t item_in_session = 0;  // required
  std::optional<std::string_view> last_name;
  std::optional<double> length;
  std::optional<std::string_view> level;
  std::optional<std::string_view> location;
  std::optional<std::string_view> method;
  std::optional<std::string_view> page;
  std::optional<int64_t> registration;  // epoch milliseconds
  int64_t session_id = 0;               // required
  std::optional<std::string_view> song;
  std::optional<int64_t> status;
  int64_t ts = 0;  // required, epoch milliseconds
  std::optional<std::string_view> user_agent;
  std::optional<int64_t> user_id;  // "" (logged out) becomes NULL
  // Bit k set: the field RepairedFieldName(*this, k) (decoders.h) holds a repaired value.
  uint32_t repaired_fields = 0;
};

// One Million Song Dataset track (one object of song_data).
struct SongRecord {
  std::optional<int64_t> num_songs;
  std::string_view artist_id;  // required
  std::optional<double> artist_latitude;
  std::optional<double> artist_longitude;
  std::optional<std::string_view> artist_location;
  std::optional<std::string_view> artist_name;
  std::string_view song_id;  // required
  std::optional<std::string_view> title;
  std::optional<double> duration;
  std::optional<int64_t> year;
  uint32_t repaired_fields = 0;  // as EventRecord's
};

// Where a record sits in its input: enough for a person to find it again.
struct RecordPosition {
  std::string_view file;
  int64_t line = 0;         // 1-based line of the record's first byte
  int64_t document = 0;     // 1-based index of the document in the file
  int64_t byte_offset = 0;  // offset of the record's first byte
};

// A record that could not be accepted, with a reason a person understands.
struct Rejection {
  RecordPosition position;
  std::string field;     // empty when the whole record is at fault (e.g. malformed JSON)
  std::string reason;    // e.g. "ts: expected an integer, got the string \"abc\""
  std::string_view raw;  // the record's text as read (may be long; the consumer truncates)
};

}  // namespace sparkify
